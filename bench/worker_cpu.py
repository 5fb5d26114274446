"""CPU per completed flow under gunicorn: the workers' (user and kernel, from /proc) and the load generator's.

    .venv/bin/python -m bench.worker_cpu [--flows healthz,checkin,quiz] [--workers 4] [--clients 16]
                                         [--worker-class sync|gthread --threads N] [--bulk 1000000]
                                         [--database URL] [--seconds 6]

Prepares the load flows' data (bench/data.py; with --bulk, also a bulk year of that many
attendance rows) on a temporary SQLite database or the empty database given, starts gunicorn
and runs each flow as bench.run does. Where bench.run gives rates, this says what a flow
costs: whether the workers or the load generator use the cores, and how much a flow costs
its worker compared with /healthz. Linux only (/proc).
"""

import argparse
import asyncio
import os
import resource
import tempfile
import time
from pathlib import Path

from . import data, flows, load, server

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> tuple[float, float]:
    """(user, kernel) CPU seconds of a process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0, 0.0
    return int(fields[11]) / TICKS, int(fields[12]) / TICKS


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "stat").read_text().rsplit(")", 1)[1].split()[1] == str(pid):
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def workers_cpu(pids: list[int]) -> tuple[float, float]:
    totals = [cpu_seconds(pid) for pid in pids]
    return sum(user for user, _ in totals), sum(kernel for _, kernel in totals)


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


FLOWS = ("healthz", "checkin", "quiz")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--flows", default="healthz,checkin,quiz")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread"))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--bulk", type=int, default=0, help="attendance rows of a bulk year added to the data")
    parser.add_argument("--database", help="an empty database's URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    unknown = set(args.flows.split(",")) - set(FLOWS)
    if unknown:
        parser.error(f"unknown flows {', '.join(sorted(unknown))}: choose from {', '.join(FLOWS)}")

    from training_portal import create_app
    from training_portal.extensions import db

    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp(prefix='worker-cpu-')) / 'bench.db'}"
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        data.create_schema()
        fd = data.prepare_flows(scan_people=10, quiz_people=20_000)
        if args.bulk:
            data.bulk_year(2024, args.bulk, seed=2)
        db.session.remove()
    runs = {"healthz": flows.healthz, "checkin": lambda: flows.self_checkin(fd),
            "quiz": lambda: flows.quiz_submission(fd)}
    with server.gunicorn(url, args.workers, args.worker_class, args.threads) as port:
        master = next(pid for pid in children(os.getpid()) if Path(f"/proc/{pid}/cmdline").read_bytes().count(b"gunicorn"))
        pids = children(master)
        for name in args.flows.split(","):
            user_before, kernel_before = workers_cpu(pids)
            own_before, began = own_cpu(), time.perf_counter()
            result = asyncio.run(load.run_load(name, port, runs[name](), args.clients, args.seconds, 0.5, 10**7))
            elapsed = time.perf_counter() - began
            user_after, kernel_after = workers_cpu(pids)
            generator = own_cpu() - own_before
            done = len(result.succeeded) or 1
            worker = (user_after - user_before) + (kernel_after - kernel_before)
            print(f"{name}: {result.rate:.1f}/s, p50 {result.percentile(0.5):.0f} ms, p99 {result.percentile(0.99):.0f} ms, "
                  f"errors {result.errors}; per flow: workers {worker / done * 1000:.2f} ms of CPU "
                  f"({(kernel_after - kernel_before) / done * 1000:.2f} in the kernel), load generator "
                  f"{generator / done * 1000:.2f} ms; cores used {(worker + generator) / elapsed:.2f}")


if __name__ == "__main__":
    main()
