"""Instructions per flow, counted by valgrind: a figure that does not move with the machine's load.

    .venv/bin/python -m bench.instructions checkin|quiz|healthz [--flows 100]

On a shared machine a flow's time moves by a tenth or more between runs of the same
code; the number of instructions it executes does not. This runs the flow in the process,
as bench.profile_flows does (a temporary SQLite database, the test client, a new phone
each time), under `valgrind --tool=callgrind` twice: after the same preparation and
warm-up, once with 20 flows and once with 20 + ``--flows``; the difference divided by
``--flows`` is what one flow costs. Each count takes a minute or two; valgrind comes
from Debian's package. Instructions are not time (waiting on the disk or on PostgreSQL
is not counted), so compare versions of the code with it, and the rates with bench.run.
"""

import argparse
import re
import shutil
import subprocess
import sys

from . import data
from .profile_flows import FLOWS, prepared_app

BASE_FLOWS = 20
COLLECTED = re.compile(r"Collected : (\d+)")


def run_flows(name: str, count: int, prepared_for: int) -> None:
    app, fd, _engine = prepared_app(None, prepared_for)  # the same preparation in both counts
    flow = FLOWS[name](app, fd)
    for number in range(data.FLOW_EVENTS + 10 + count):  # warm-up (each event's kept rows), then the flows
        flow(number)


def instructions(name: str, count: int, prepared_for: int) -> int:
    """Instructions of the whole process: preparation, warm-up and ``count`` more flows."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-m",
               "bench.instructions", name, "--run", str(count), "--prepared-for", str(prepared_for)]
    finished = subprocess.run(command, capture_output=True, text=True, check=True)
    return int(COLLECTED.search(finished.stderr).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("flow", choices=sorted(FLOWS))
    parser.add_argument("--flows", type=int, default=100, help="flows counted (default 100)")
    parser.add_argument("--run", type=int, help=argparse.SUPPRESS)  # inside valgrind: run this many flows
    parser.add_argument("--prepared-for", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run is not None:
        run_flows(args.flow, args.run, args.prepared_for)
        return
    if shutil.which("valgrind") is None:
        parser.error("valgrind is not installed (Debian: apt-get install valgrind)")
    prepared_for = BASE_FLOWS + args.flows
    base = instructions(args.flow, BASE_FLOWS, prepared_for)
    more = instructions(args.flow, BASE_FLOWS + args.flows, prepared_for)
    print(f"{args.flow}: {(more - base) / args.flows / 1e6:.2f} million instructions per flow "
          f"({args.flows} flows counted)")


if __name__ == "__main__":
    main()
