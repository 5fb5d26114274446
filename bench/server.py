"""Start and stop the app under gunicorn for a benchmark run."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def make_run_workers() -> int:
    """The number of sync workers `make run` serves the app with: the Makefile's WORKERS, one per core."""
    found = re.search(r"^WORKERS \?= (\d+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    return int(found.group(1)) if found else os.cpu_count() or 2


# (worker class, workers, threads, label): the server as `make run` starts it (one sync worker per core);
# with a worker more (as `make run` served before: on two cores, beside the load generator, each flow
# then costs its worker more CPU); and with threads (`make run THREADS=4`), for phones on slow links.
SERVER_CONFIGS = [
    ("sync", make_run_workers(), 1, f"sync {make_run_workers()}w (make run)"),
    ("sync", make_run_workers() + 1, 1, f"sync {make_run_workers() + 1}w"),
    ("gthread", make_run_workers(), 4, f"gthread {make_run_workers()}wx4t (make run THREADS=4)"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, workers: int, worker_class: str = "sync", threads: int = 1, log_path=None):
    """The app on 127.0.0.1:<port> under gunicorn; yields the port."""
    port = free_port()
    command = [str(GUNICORN), "--workers", str(workers), "--worker-class", worker_class, "--bind",
               f"127.0.0.1:{port}", "--keep-alive", "30", "--backlog", "256", "wsgi:app"]
    if worker_class == "gthread":
        command[1:1] = ["--threads", str(threads)]
    env = {**os.environ, "DATABASE_URL": database_url}
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"gunicorn did not start (exit code {process.poll()})")
            time.sleep(0.2)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log_path:
            log.close()
