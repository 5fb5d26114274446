"""The database and the gunicorn server of a benchmark run, the server started as `make run` starts it."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


class Database:
    """A SQLite file in ``folder``, or a new PostgreSQL database ``bench_<random>`` (created and dropped)."""

    def __init__(self, kind: str, folder: Path):
        self.kind = kind
        if kind == "sqlite":
            self.url = f"sqlite:///{folder / 'bench.db'}"
        else:
            self.name = f"bench_{uuid.uuid4().hex[:10]}"
            self.url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{self.name}"

    def create(self) -> None:
        if self.kind == "postgresql":
            self._admin(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        if self.kind == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _admin(self, statement: str) -> None:
        engine = sa.create_engine(POSTGRES_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://"),
                                  isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.exec_driver_sql(statement)
        engine.dispose()


def postgres_version() -> str:
    try:
        engine = sa.create_engine(POSTGRES_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://"))
        with engine.connect() as connection:
            version = connection.exec_driver_sql("SHOW server_version").scalar()
        engine.dispose()
        return version
    except sa.exc.OperationalError:
        return ""


def make_run_server() -> tuple[int, int]:
    """(workers, threads) that `make run` serves the app with: the Makefile's WORKERS and THREADS."""
    makefile = (ROOT / "Makefile").read_text()
    found = [re.search(rf"^{name} \?= (\d+)$", makefile, re.MULTILINE) for name in ("WORKERS", "THREADS")]
    return tuple(int(match.group(1)) if match else 1 for match in found)


def label(workers: int, threads: int) -> str:
    kind = "sync" if threads == 1 else "gthread"  # gunicorn's own choice for --threads 1 and more
    text = f"{kind} {workers}w x {threads}t"
    return text + " (make run)" if (workers, threads) == make_run_server() else text


def parse_servers(text: str) -> list[tuple[int, int]]:
    """"2x1,1x8" -> [(2, 1), (1, 8)]: workers x threads."""
    return [tuple(int(part) for part in item.split("x")) for item in text.split(",") if item]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, workers: int, threads: int = 1, log_path=None):
    """The app on 127.0.0.1:<port> under gunicorn with `make run`'s options; yields the port."""
    port = free_port()
    command = [str(GUNICORN), "--workers", str(workers), "--threads", str(threads), "--bind", f"127.0.0.1:{port}",
               "--access-logfile", "-", "wsgi:app"]
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
