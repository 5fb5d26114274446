"""A TCP proxy on 127.0.0.1 that puts every connection far away: a phone on a slow mobile link.

Each direction of each connection is a link of its own: bytes leave at ``rate`` bytes per second
(sent in segments of at most SEGMENT bytes, each after the one before it) and arrive ``delay``
seconds later. A new connection costs a round trip before the phone may send (the TCP handshake),
and the server hears of it when the first request arrives, as a server's accept() does. A close
travels like data: the server's FIN reaches the phone ``delay`` later, and the phone's close
reaches the server ``delay`` after that, so a server that waits for the client's close (gunicorn's
sync worker does, RFC 9112 section 9.6) waits for that round trip.
"""

import asyncio
import contextlib
import time

SEGMENT = 1460  # a TCP segment's payload on Ethernet


class Link:
    """One direction: bytes read from ``reader`` are written to the far side's writer when they arrive."""

    def __init__(self, delay: float, rate: float, free_at: float):
        self.delay = delay
        self.rate = rate
        self.free_at = free_at  # when the link has finished sending what it was given
        self.queue: asyncio.Queue = asyncio.Queue()

    def send(self, data: bytes | None) -> None:
        """Queue ``data`` (None: the sender closed) with the time it reaches the other side."""
        now = time.monotonic()
        if data is None:
            self.queue.put_nowait((max(now, self.free_at) + self.delay, None))
            return
        for start in range(0, len(data), SEGMENT):
            piece = data[start:start + SEGMENT]
            self.free_at = max(now, self.free_at) + len(piece) / self.rate
            self.queue.put_nowait((self.free_at + self.delay, piece))

    async def pump(self, reader: asyncio.StreamReader) -> None:
        while data := await reader.read(65536):
            self.send(data)
        self.send(None)

    async def next_arrival(self) -> bytes | None:
        arrives_at, data = await self.queue.get()
        if (wait := arrives_at - time.monotonic()) > 0:
            await asyncio.sleep(wait)
        return data


class FarLink:
    """``async with FarLink(server_port) as link``: clients connect to ``link.port`` instead."""

    def __init__(self, server_port: int, round_trip: float = 0.4, bits_per_second: float = 400_000):
        self.server_port = server_port
        self.delay = round_trip / 2
        self.rate = bits_per_second / 8
        self.port = 0
        self.tasks: set[asyncio.Task] = set()
        self.server = None

    async def __aenter__(self):
        self.server = await asyncio.start_server(self.connection, "127.0.0.1", 0, backlog=1024)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc):
        self.server.close()
        if self.tasks:  # connections end once the server has heard of the phones' close
            await asyncio.wait(list(self.tasks), timeout=5)
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.server.wait_closed()

    async def connection(self, phone_reader, phone_writer) -> None:
        task = asyncio.current_task()
        self.tasks.add(task)
        # The phone may send once the handshake's round trip is over.
        up = Link(self.delay, self.rate, time.monotonic() + 2 * self.delay)
        down = Link(self.delay, self.rate, 0.0)
        server_writer = None
        helpers = []
        try:
            helpers.append(asyncio.create_task(up.pump(phone_reader)))
            while True:
                data = await up.next_arrival()
                if server_writer is None:
                    if data is None:
                        break  # the phone left before sending anything
                    server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.server_port)
                    helpers.append(asyncio.create_task(down.pump(server_reader)))
                    helpers.append(asyncio.create_task(self.deliver(down, phone_writer)))
                if data is None:
                    with contextlib.suppress(OSError):
                        server_writer.write_eof()
                    break
                server_writer.write(data)
                await server_writer.drain()
            if len(helpers) > 1:
                await helpers[2]  # until the server's answer and close have reached the phone
        except (OSError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the bench is over, or a side went away: the phone's flow counts that, not the link
        finally:
            for helper in helpers:
                helper.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)
            for writer in (phone_writer, server_writer):
                if writer is not None:
                    writer.close()
            self.tasks.discard(task)

    @staticmethod
    async def deliver(link: Link, writer: asyncio.StreamWriter) -> None:
        while (data := await link.next_arrival()) is not None:
            writer.write(data)
            await writer.drain()
        with contextlib.suppress(OSError):
            writer.write_eof()
