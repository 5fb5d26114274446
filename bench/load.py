"""A small asyncio HTTP/1.1 load generator with keep-alive, for 127.0.0.1 only.

Every measured figure (the /healthz baseline and the flows) comes from this
same client, so that their ratio compares the application's code with the
framework's floor. The client keeps one connection per virtual client, reopens
it when the server closes it (gunicorn's sync workers do after each response),
and sends ``Accept-Encoding: gzip`` as a phone's browser does.
"""

import asyncio
import gzip
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

HOST = "127.0.0.1"


class HTTPError(Exception):
    pass


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key == name:
                return value
        return None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """One virtual client: a keep-alive connection and a cookie jar.

    With a ``latency`` (seconds), the client is a phone that far away: each request waits that long
    before it is sent (the connection's handshake, or the request's and the previous answer's way
    over the link), and when the server closes the connection after an answer, the client closes its
    side that long afterwards (the answer's way to the phone and the phone's close back), which is
    when a server that waits for the client's close hears of it.
    """

    def __init__(self, port: int, latency: float = 0.0, tls=None):
        self.port = port
        self.latency = latency
        self.tls = tls  # an ssl.SSLContext: HTTPS, as through nginx (tests/deploy)
        self.reader = self.writer = None
        self.cookies: dict[str, str] = {}

    async def close(self, linger: float = 0.0) -> None:
        if linger:
            await asyncio.sleep(linger)
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
        self.reader = self.writer = None

    async def request(self, method: str, path: str, form: dict | list | None = None,
                      headers: dict | None = None) -> Reply:
        if self.latency:
            await asyncio.sleep(self.latency)
        for attempt in (1, 2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(
                    HOST, self.port, ssl=self.tls, server_hostname=HOST if self.tls else None)
                fresh = True
            else:
                fresh = False
            try:
                return await self._exchange(method, path, form, headers or {})
            except (ConnectionError, asyncio.IncompleteReadError, HTTPError):
                await self.close()
                if fresh or attempt == 2:  # a failure on a new connection is real
                    raise
        raise HTTPError("unreachable")

    async def _exchange(self, method, path, form, headers) -> Reply:
        body = urlencode(form).encode() if form is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}", "Accept-Encoding: gzip",
                 "User-Agent: bench"]
        if self.tls:  # as a browser sends it; Flask-WTF checks it over HTTPS
            lines.append(f"Referer: https://{HOST}:{self.port}{path}")
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if form is not None:
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        lines += [f"{key}: {value}" for key, value in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        reply_headers = []
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            key, _, value = line.decode("latin-1").partition(":")
            reply_headers.append((key.strip().lower(), value.strip()))
        reply = Reply(status, reply_headers, b"")
        if reply.header("transfer-encoding") == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    break
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readline()
            data = b"".join(chunks)
        elif reply.header("content-length") is not None:
            data = await self.reader.readexactly(int(reply.header("content-length")))
        else:
            data = await self.reader.read()
            await self.close()
        if reply.header("content-encoding") == "gzip":
            data = gzip.decompress(data)
        reply.body = data
        for key, value in reply_headers:
            if key == "set-cookie":
                name, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if "expires=thu, 01 jan 1970" in value.lower() or "max-age=0" in value.lower():
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = cookie_value
        if (reply.header("connection") or "").lower() == "close":
            await self.close(linger=self.latency)
        return reply


INPUT_VALUE = re.compile(r'<input[^>]*?name="(?P<name>[^"]+)"[^>]*?value="(?P<value>[^"]*)"')


def hidden_value(html: str, name: str) -> str:
    """The value of the first input with this name on the page."""
    for match in INPUT_VALUE.finditer(html):
        if match.group("name") == name:
            return match.group("value")
    raise HTTPError(f"no {name} on the page")


@dataclass
class Result:
    """One measured run: completed flows, their latencies, and errors."""

    name: str
    completed: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)
    succeeded: list[int] = field(default_factory=list)  # flow numbers that succeeded, in or out of the window
    extra: dict = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.completed / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
        return ordered[index] * 1000


async def run_load(name: str, port: int, flow, clients: int, seconds: float, warmup: float,
                   max_flows: int, setup=None, latency: float = 0.0, ended_in_window: bool = False) -> Result:
    """Run ``flow(client, number)`` from ``clients`` concurrent clients for ``seconds`` after ``warmup``.

    Each flow number is used once (distinct participants); a flow that raises
    or returns False is an error. Bounded by time and by ``max_flows``. ``latency``: see Client.
    A flow is measured when it began and ended within the ``seconds``, or, with ``ended_in_window``
    (flows that take longer than the window), when it ended within them.
    """
    result = Result(name)
    counter = iter(range(max_flows))
    start = time.perf_counter()
    measure_from = start + warmup
    stop_at = measure_from + seconds

    async def worker():
        client = Client(port, latency)
        if setup is not None:
            await setup(client)
        try:
            while time.perf_counter() < stop_at:
                number = next(counter, None)
                if number is None:
                    return
                began = time.perf_counter()
                try:
                    ok = await flow(client, number)
                    problem = None if ok is not False else "refused"
                except Exception as error:  # any failure of a flow is counted, never hidden
                    ok, problem = False, f"{type(error).__name__}: {error}"
                    await client.close()
                ended = time.perf_counter()
                if ok is False:  # errors count wherever they happen, warm-up included
                    result.errors += 1
                    if len(result.error_samples) < 5:
                        result.error_samples.append(problem)
                    continue
                result.succeeded.append(number)
                if (ended_in_window or measure_from <= began) and measure_from <= ended <= stop_at:
                    result.completed += 1
                    result.latencies.append(ended - began)
        finally:
            await client.close()

    await asyncio.gather(*(worker() for _ in range(clients)))
    result.seconds = seconds
    return result
