"""Helpers for tests that run the app the way production does: a TCP proxy in front of PostgreSQL
that can be cut and restored, and gunicorn in a subprocess."""

import os
import select
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to a target; ``cut()`` drops every connection and refuses new ones
    (as when the database server goes away), ``restore()`` accepts again on the same port."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.connections: list[socket.socket] = []
        self.lock = threading.Lock()
        self.listener = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(50)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        listener, self.listener = self.listener, None
        try:
            listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept(); close() alone would not
        except OSError:
            pass
        listener.close()
        with self.lock:
            for connection in self.connections:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                connection.close()
            self.connections.clear()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.connections += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            if a.fileno() < 0 or b.fileno() < 0:
                return
            while True:
                readable, _, _ = select.select([a, b], [], [], 1.0)
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (b if source is a else a).sendall(data)
        except (OSError, ValueError):  # ValueError: the proxy closed the socket under us
            return
        finally:
            for sock in (a, b):
                try:
                    sock.close()
                except OSError:
                    pass


def migrated_copy_url(database_url: str, tmp_path: Path, name: str) -> str:
    """A new database of the run's kind with the schema (created from the models), for a server process."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / f'{name}.db'}"
    admin = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1),
                             isolation_level="AUTOCOMMIT")
    db_name = f"{database_url.rsplit('/', 1)[1]}_{name}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{db_name}"')
    admin.dispose()
    return database_url.rsplit("/", 1)[0] + "/" + db_name


def drop_database(url: str) -> None:
    if url.startswith("sqlite"):
        return
    admin = sa.create_engine(url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres",
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    admin.dispose()


def server_environment(database_url: str, instance: Path, **extra) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TEST_", "PYTEST"))}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="server-test-secret-key-0123456789abcdefghij",
        TRAINING_PORTAL_INSTANCE=str(instance),
        PYTHONPATH=str(ROOT),
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


@contextmanager
def gunicorn(env: dict, workers: int = 3, app_module: str = "tests.security.server_app:app", timeout: float = 40,
             access_log: bool = False):
    """gunicorn with ``workers`` sync workers on a free port; yields (base URL, process)."""
    port = free_port()
    log = open(Path(env["TRAINING_PORTAL_INSTANCE"]) / "gunicorn.log", "w")
    process = subprocess.Popen(
        [str(GUNICORN), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "2",
         "--timeout", "60", *(["--access-logfile", "-"] if access_log else []), app_module],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError(Path(log.name).read_text()[-3000:]) from None
                time.sleep(0.2)
        wait_for_workers(base, workers, deadline)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def wait_for_workers(base: str, workers: int, deadline: float) -> None:
    """Until every worker has answered (a worker still booting leaves its requests to the others)."""
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    def pid(_):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                time.sleep(0.05)  # keep this worker busy so that the next request goes elsewhere
                return response.headers.get("X-Worker-Pid")
        except OSError:
            return None

    seen = set()
    with ThreadPoolExecutor(workers * 2) as pool:
        while len(seen - {None}) < workers and time.monotonic() < deadline:
            seen.update(pool.map(pid, range(workers * 2)))


def worker_pids(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


__all__ = ["CuttableProxy", "gunicorn", "server_environment", "migrated_copy_url", "drop_database",
           "worker_pids", "free_port", "sys"]
