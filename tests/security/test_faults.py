"""Faults: a database that goes away and comes back, a worker killed in the middle of a check-in,
and rate limits shared by every worker through Redis (ASVS V2.4, V16.5)."""

import hashlib
import http.client
import os
import re
import shutil
import signal
import sqlite3
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager, suppress
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import TEST_PASSWORD, PortalClient, postgres_url, settings_for
from tests.factories import make_event, make_participant, make_staff, reference
from tests.security.servers import CuttableProxy, drop_database, gunicorn, migrated_copy_url, server_environment, worker_pids
from training_portal import create_app
from training_portal.auth.models import Role
from training_portal.events.models import Province
from training_portal.events.services import load_reference_data
from training_portal.extensions import db, limiter

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
KEY = re.compile(r'name="key"[^>]*value="([^"]+)"')


# --- The database goes away and comes back ---------------------------------------------------


@pytest.fixture
def outage(app, database_url, tmp_path):
    """(app, cut, restore): an app whose database connection a test can cut and restore.

    PostgreSQL: the app talks to the database through a TCP proxy that drops every connection.
    SQLite: the database file is replaced by a folder of the same name (new connections fail), and
    put back. The app keeps its engine and pool throughout: recovery needs no restart.
    """
    if postgres_url():
        proxy = CuttableProxy("127.0.0.1", 5432)
        host_port = re.search(r"@([^/]+)/", database_url).group(1)
        url = database_url.replace(host_port, f"127.0.0.1:{proxy.port}", 1)
        cut, restore = proxy.cut, proxy.restore
    else:
        url = f"sqlite:///{tmp_path / 'outage.db'}"
        path, away = tmp_path / "outage.db", tmp_path / "outage.db.away"

        def cut():
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(f"{path}{suffix}"):
                    shutil.move(f"{path}{suffix}", f"{away}{suffix}")
            path.mkdir()
            flaky.engine_for_test.dispose()  # SQLite keeps open files working; new connections are what fail

        def restore():
            path.rmdir()
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(f"{away}{suffix}"):
                    shutil.move(f"{away}{suffix}", f"{path}{suffix}")

    flaky = create_app(settings_for(url))
    flaky.instance_path = str(tmp_path)
    flaky.test_client_class = PortalClient
    with flaky.app_context():
        flaky.engine_for_test = db.engine
        if not postgres_url():
            db.create_all()
            load_reference_data()
            db.session.commit()
        db.session.remove()
    try:
        yield flaky, cut, restore
    finally:
        with flaky.app_context():
            db.engine.dispose()
        limiter.init_app(app)  # the limiter is global: bind it to the test app again


@pytest.mark.parametrize("language", ["km", "en"])
def test_without_its_database_the_app_answers_503_and_recovers_by_itself(outage, world, language):
    flaky, cut, restore = outage
    client = flaky.test_client()
    client.set_cookie("lang", language)
    unavailable = {"en": "The service is briefly unavailable", "km": 'lang="km"'}[language]
    code = world.session.checkin_code
    assert client.get("/healthz").status_code == 200
    reachable = 200 if postgres_url() else 404  # on SQLite the app has a database of its own, without this code
    assert client.get(f"/c/{code}").status_code == reachable

    cut()
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json() == {"status": "unavailable"}
    for url in (f"/c/{code}", "/events", "/p/some-card-code-000000"):
        page = client.get(url)
        assert page.status_code in (503, 302), url  # 302: a staff page sends the visitor to log in first
        if page.status_code == 503:
            text = page.get_data(as_text=True)
            assert unavailable in text and "<h1>" in text and "Traceback" not in text
            assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    login = client.post_form("/login", {"email": "someone@example.org", "password": TEST_PASSWORD})
    assert login.status_code == 503

    restore()
    assert client.get("/healthz").status_code == 200
    assert client.get(f"/c/{code}").status_code == reachable
    assert client.get("/login").status_code == 200


# --- Servers in subprocesses -------------------------------------------------------------------


@pytest.fixture
def served(app, database_url, tmp_path):
    """A database of its own with an open session, and a function that starts gunicorn on it."""
    url = migrated_copy_url(database_url, tmp_path, f"srv{uuid.uuid4().hex[:6]}")
    setup = create_app(settings_for(url))
    with setup.app_context():
        db.create_all()
        load_reference_data()
        trainer = make_staff("trainer@example.org", Role.TRAINER, "Trainer")
        event = make_event(trainer, groups=("taxi_driver",), language="en")
        event.sessions[0].checkin_open = True
        db.session.commit()
        info = {"url": url, "code": event.sessions[0].checkin_code, "session_id": event.sessions[0].id,
                "target_group": event.target_groups[0].id}
        info["province"] = reference(Province, "phnom_penh").id
        sokha = make_participant(name="Sokha", age_band="18_24", phone="012888777")
        info["card_code"], info["personal_code"] = sokha.card_code, sokha.personal_code
        info["participants_before"] = 1  # that card's owner, who has not checked in
        db.session.remove()
        db.engine.dispose()
    limiter.init_app(app)

    def start(workers=3, access_log=False, **settings):
        return gunicorn(server_environment(url, tmp_path, **settings), workers=workers, access_log=access_log)

    info["start"] = start
    yield info
    drop_database(url)


class Phone:
    """A browser with its own cookies, speaking HTTP to the server."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.opener.addheaders = [("Accept-Language", "en")]

    def get(self, path: str) -> tuple[int, str, dict]:
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def send(self, path: str, data: dict) -> http.client.HTTPConnection:
        """Send a form with this phone's cookies and return the connection, without waiting for the answer."""
        address = urllib.parse.urlsplit(self.base)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        connection.request("POST", path, body=urllib.parse.urlencode(data), headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "en",
            "Cookie": "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)})
        return connection

    def post(self, path: str, data: dict) -> tuple[int, str, dict]:
        request = urllib.request.Request(self.base + path, data=urllib.parse.urlencode(data).encode(), method="POST")
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)


def checkin_form(phone: Phone, served: dict, name: str) -> dict:
    _status, page, _headers = phone.get(f"/c/{served['code']}")
    return {"csrf_token": CSRF.search(page).group(1), "key": KEY.search(page).group(1), "kind": "new",
            "name": name, "sex": "male", "age_band": "18_24", "target_group_id": served["target_group"],
            "province_id": served["province"], "consent": "y"}


def stored_key(session_id: int, client_key: str) -> str:
    """How the attendance records a client's idempotency key (scoped to the session)."""
    return hashlib.sha256(f"session:{session_id}:{client_key}".encode()).hexdigest()


def stored_keys(url: str) -> list[str]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            return list(connection.execute(sa.text("SELECT idempotency_key FROM attendances")).scalars())
    finally:
        engine.dispose()


@contextmanager
def write_lock_held(url: str):
    """What a check-in must wait for, held by the test: SQLite's write lock, or on PostgreSQL the
    attendance table (a check-in can still write its new participant, then waits to record the attendance)."""
    if not url.startswith("postgresql"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            connection.rollback()
            connection.close()
        return
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("LOCK TABLE attendances IN EXCLUSIVE MODE")
            yield
            connection.rollback()
    finally:
        engine.dispose()


def worker_serving(connection: http.client.HTTPConnection, master_pid: int) -> int | None:
    """The worker process holding the server's end of this client connection (read from /proc)."""
    client_port, server_port = connection.sock.getsockname()[1], connection.sock.getpeername()[1]
    sockets = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if [int(address.split(":")[1], 16) for address in fields[1:3]] == [server_port, client_port]:
            sockets.add(f"socket:[{fields[9]}]")
    for pid in worker_pids(master_pid):
        for descriptor in Path(f"/proc/{pid}/fd").iterdir():
            with suppress(OSError):
                if os.readlink(descriptor) in sockets:
                    return pid
    return None


def waits_for_the_lock(url: str, worker: int) -> bool:
    """Whether a check-in waits behind the test's lock: on SQLite the worker sleeps in SQLite's busy
    handler; on PostgreSQL a connection of this database waits for a lock."""
    if not url.startswith("postgresql"):
        return "nanosleep" in Path(f"/proc/{worker}/wchan").read_text()
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )).scalar() > 0
    finally:
        engine.dispose()


def until(found, timeout: float = 20):
    """Poll ``found()`` until it returns something true, and return that."""
    deadline = time.monotonic() + timeout
    while not (value := found()):
        assert time.monotonic() < deadline, f"{found} never happened"
        time.sleep(0.05)
    return value


def table_count(url: str, table: str) -> int:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
    finally:
        engine.dispose()


def test_a_worker_killed_in_the_middle_of_a_check_in_loses_nothing_and_the_retry_counts_once(served):
    """A phone's check-in is stuck in a worker (the test holds what it must wait for) when that worker
    gets SIGKILL, while six other phones check in. The phone sees an error and sends its form again."""
    with served["start"](workers=3) as (base, master):
        url, database = f"/c/{served['code']}", served["url"]
        phones = [Phone(base) for _ in range(7)]
        forms = [checkin_form(phone, served, f"Driver {number}") for number, phone in enumerate(phones)]
        answers = {}

        def check_in(number):
            answers[number] = phones[number].post(url, forms[number])

        others = [threading.Thread(target=check_in, args=(number,)) for number in range(1, len(phones))]
        with write_lock_held(database):
            stuck = phones[0].send(url, forms[0])
            worker = until(lambda: worker_serving(stuck, master.pid))
            until(lambda: waits_for_the_lock(database, worker))
            for thread in others:
                thread.start()
            os.kill(worker, signal.SIGKILL)
            with pytest.raises((OSError, http.client.HTTPException)):
                stuck.getresponse()  # the phone shows a connection error, not a confirmation
        for thread in others:
            thread.join(timeout=60)

        # The other phones were checked in; the killed request left nothing behind.
        assert [(status, "checked in" in page) for status, page, _ in answers.values()] == [(200, True)] * 6
        keys = [stored_key(served["session_id"], form["key"]) for form in forms]
        assert sorted(stored_keys(database)) == sorted(keys[1:])
        assert table_count(database, "participants") == 6 + served["participants_before"]

        # The phone sends its same form again (same idempotency key): checked in, once.
        status, page, _ = phones[0].post(url, forms[0])
        assert status == 200 and "checked in" in page
        status, page, _ = phones[0].post(url, forms[0])
        assert status == 200 and "checked in" in page
        assert sorted(stored_keys(database)) == sorted(keys)
        assert table_count(database, "participants") == 7 + served["participants_before"]
        until(lambda: len(worker_pids(master.pid)) == 3)  # the server goes on with a new worker


# --- Rate limits shared by all workers ------------------------------------------------------------


def redis_settings() -> dict:
    return {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/11", "RATELIMIT_KEY_PREFIX": f"t{uuid.uuid4().hex[:10]}"}


def all_at_once(calls) -> list:
    """Run the calls in threads released together: sync workers take one request each, so several
    workers answer."""
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(index):
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_login_limit_is_shared_by_every_worker_through_redis(served):
    with served["start"](workers=3, LOGIN_RATE_LIMIT="12 per hour", **redis_settings()) as (base, _master):
        attempts = []
        for attempt in range(16):
            phone = Phone(base)  # a new browser each time, as an attacker would use
            token = CSRF.search(phone.get("/login")[1]).group(1)
            form = {"csrf_token": token, "email": "trainer@example.org", "password": f"wrong guess {attempt}"}
            attempts.append(lambda phone=phone, form=form: phone.post("/login", form))
        answers = all_at_once(attempts)
        statuses = sorted(status for status, _page, _headers in answers)
        assert statuses == [200] * 12 + [429] * 4
        assert len({headers.get("X-Worker-Pid") for _status, _page, headers in answers}) > 1


def test_check_in_limit_per_device_is_shared_by_every_worker_through_redis(served):
    with served["start"](workers=3, CHECKIN_DEVICE_RATE_LIMIT="8 per hour", **redis_settings()) as (base, _m):
        phone = Phone(base)
        url = f"/c/{served['code']}"
        assert phone.get(url)[0] == 200  # the first view has no device yet and is not counted
        answers = all_at_once([lambda: phone.get(url)] * 10)
        assert sorted(status for status, _page, _headers in answers) == [200] * 8 + [429] * 2
        assert len({headers.get("X-Worker-Pid") for _status, _page, headers in answers}) > 1
        neighbour = Phone(base)  # the same address, another phone
        assert neighbour.get(url)[0] == 200


def test_the_server_logs_hold_no_card_codes_or_phone_numbers(served, tmp_path):
    """gunicorn's access log and the app's log: a card page, a check-in by phone number, a failed login."""
    with served["start"](workers=1, access_log=True) as (base, _master):
        phone = Phone(base)
        assert phone.get(f"/p/{served['card_code']}")[0] == 200
        form = checkin_form(phone, served, "Sokha")
        form.update(kind="phone", phone="012 888 777", personal_code=served["personal_code"])
        assert phone.post(f"/c/{served['code']}?phone=012888777", form)[0] == 200
        token = CSRF.search(phone.get("/login")[1]).group(1)
        phone.post("/login?password=hunter2-secret", {"csrf_token": token, "email": "x@example.org", "password": "p"})
    log = (tmp_path / "gunicorn.log").read_text()
    assert "GET /p/[card]" in log  # the request was logged, without its secret
    for secret in (served["card_code"], served["personal_code"], "012888777", "012 888 777", "hunter2-secret"):
        assert secret not in log, secret
