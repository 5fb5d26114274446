"""Dozens of phones checking in at the same minute, behind a real multi-worker server.

The server is gunicorn with several worker processes on this run's kind of
database (a SQLite file, or PostgreSQL when TEST_DATABASE_URL is set), as in
production. Phones are threads with their own cookies, which fetch the page
and its CSRF token like a browser, wait at a barrier, and post together.
"""

import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import new_database, settings_for
from tests.factories import make_event
from training_portal import create_app
from training_portal.auth.models import Role
from training_portal.auth.services import create_user
from training_portal.events.services import load_reference_data
from training_portal.extensions import db

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
WORKERS = 3
PHONES = 50
REPEATS = 20
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
KEY = re.compile(r'name="key"[^>]*value="([^"]+)"')
SECRET_KEY = "concurrency-test-secret-key-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served_checkin(tmp_path):
    """(base URL, check-in code, database URL) of a gunicorn server with an open session."""
    with new_database(tmp_path) as url:
        setup = create_app(settings_for(url))
        with setup.app_context():
            db.create_all()
            load_reference_data()
            trainer = create_user("trainer@example.org", "Trainer", Role.TRAINER, "correct horse battery staple")
            event = make_event(trainer, groups=("taxi_driver",), language="en")
            event.sessions[0].checkin_open = True
            code = event.sessions[0].checkin_code
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "PYTHONPATH": str(ROOT)}
        server = subprocess.Popen(
            [str(GUNICORN), "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}", "--timeout", "60", "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(base, server)
            yield base, code, url
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def wait_until_healthy(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped: " + server.stderr.read().decode()[-2000:])
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer")


class Phone:
    """A browser with its own cookies."""

    def __init__(self, base: str, code: str):
        self.url = f"{base}/c/{code}"
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.opener.addheaders = [("Accept-Language", "en")]

    def open_form(self) -> dict:
        with self.opener.open(self.url, timeout=30) as response:
            page = response.read().decode()
        return {"csrf_token": CSRF.search(page).group(1), "key": KEY.search(page).group(1)}

    def check_in(self, form: dict, name: str) -> tuple[int, str]:
        data = {**form, "kind": "new", "name": name, "sex": "female", "age_band": "25_34",
                "target_group_id": self.target_group, "province_id": self.province, "consent": "y"}
        request = urllib.request.Request(self.url, data=urllib.parse.urlencode(data).encode(), method="POST")
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def test_fifty_phones_at_once_and_twenty_repeats_of_one_leave_exactly_51_check_ins(served_checkin):
    base, code, url = served_checkin
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        target_group = connection.execute(sa.text("SELECT id FROM target_groups WHERE code = 'taxi_driver'")).scalar()
        province = connection.execute(sa.text("SELECT id FROM provinces WHERE code = 'phnom_penh'")).scalar()
    Phone.target_group, Phone.province = str(target_group), str(province)

    phones = [Phone(base, code) for _ in range(PHONES)]
    forms = [phone.open_form() for phone in phones]
    repeater = Phone(base, code)
    repeated_form = repeater.open_form()  # one form, sent 20 times (same idempotency key)

    barrier = threading.Barrier(PHONES + REPEATS)
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()

    def send(phone, form, name):
        barrier.wait()
        answer = phone.check_in(form, name)
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=send, args=(phone, form, f"Phone {number}"))
               for number, (phone, form) in enumerate(zip(phones, forms, strict=True))]
    threads += [threading.Thread(target=send, args=(repeater, repeated_form, "Repeated Sokha")) for _ in range(REPEATS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    statuses = sorted(status for status, _page in answers)
    assert statuses == [200] * (PHONES + REPEATS), statuses
    repeats = [page for _status, page in answers if "Repeated Sokha" in page]
    assert len(repeats) == REPEATS and all("You are checked in, Repeated Sokha" in page for page in repeats)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT COUNT(*) FROM attendances")).scalar() == PHONES + 1
        assert connection.execute(sa.text("SELECT COUNT(*) FROM participants")).scalar() == PHONES + 1
        assert connection.execute(sa.text(
            "SELECT COUNT(*) FROM participants WHERE name = 'Repeated Sokha'")).scalar() == 1
    engine.dispose()
