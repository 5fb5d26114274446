"""A room of phones on a slow link: how many quiz submissions each server takes when every phone is far away.

    .venv/bin/python -m bench.slow_room [--phones 40] [--latency 0.4] [--seconds 20]

bench.run's clients sit next to the server (127.0.0.1). A phone at a venue is a round trip of a few
hundred milliseconds away, and gunicorn's sync worker, after each answer, waits for the client to
close the connection before it takes the next request (it lingers for the client's close, RFC 9112
section 9.6), so a far phone holds a worker for about a round trip per request. Here ``--phones``
clients each submit the pre-test (GET, then the POST of 15 answers) with ``--latency`` seconds added
before each request and before closing a connection the server closed (bench.load.Client), against
each server of bench.server.SERVER_CONFIGS; with gthread workers the phones keep their connections
(keep-alive) and a waiting phone holds no thread. Prints completed submissions per second and their
time (of those that ended within the measured seconds: some take longer than that): a submission cannot
take less than the client's own waiting, the floor printed first. bench.run
runs it on its SQLite database; alone it prepares a temporary one.
"""

import argparse
import asyncio
import tempfile
from pathlib import Path

from . import data, flows, load, server

PHONES = 40
LATENCY = 0.4  # Slow 3G's latency, as the participant pages are measured with (bench/pages.py)
SECONDS = 20.0


def measure(url: str, fd: data.FlowData, offset: int, log_path=None, phones: int = PHONES,
            latency: float = LATENCY, seconds: float = SECONDS) -> list[dict]:
    """Each server's figures, the flow numbers used from ``offset`` on (in "succeeded")."""
    figures = []
    warmup = 10 * latency + 1  # until the phones' submissions queue as they do for the rest of the run
    for worker_class, workers, threads, label in server.SERVER_CONFIGS:
        submission = flows.quiz_submission(fd)

        async def shifted(client, number, start=offset):
            return await submission(client, number + start)

        with server.gunicorn(url, workers, worker_class, threads, log_path) as port:
            result = asyncio.run(load.run_load("quiz", port, shifted, phones, seconds, warmup,
                                               len(fd.quiz_people) - offset, latency=latency,
                                               ended_in_window=True))
        figures.append({"server": label, "phones": phones, "latency": latency, "rate": result.rate,
                        "p50_ms": result.percentile(0.5), "p99_ms": result.percentile(0.99),
                        "errors": result.errors, "succeeded": [number + offset for number in result.succeeded]})
        offset += len(result.succeeded) + result.errors + 64
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phones", type=int, default=PHONES)
    parser.add_argument("--latency", type=float, default=LATENCY, help=f"seconds added per request ({LATENCY})")
    parser.add_argument("--seconds", type=float, default=SECONDS)
    args = parser.parse_args()

    from training_portal import create_app
    from training_portal.extensions import db

    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='slow-room-')) / 'bench.db'}"
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        data.create_schema()
        fd = data.prepare_flows(scan_people=10, quiz_people=20_000)
        db.session.remove()
    floor = 2 * args.latency * 1000
    print(f"{args.phones} phones, {args.latency * 1000:.0f} ms added per request; a submission's floor: "
          f"{floor:.0f} ms with keep-alive, {2 * floor:.0f} ms when the server closes each connection")
    for figure in measure(url, fd, 0, None, args.phones, args.latency, args.seconds):
        print(f"{figure['server']}: {figure['rate']:.1f} submissions/s, p50 {figure['p50_ms']:.0f} ms, "
              f"p99 {figure['p99_ms']:.0f} ms, errors {figure['errors']}")


if __name__ == "__main__":
    main()
