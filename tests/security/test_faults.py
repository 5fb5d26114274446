"""Faults: a database that goes away and comes back, a worker killed in the middle of check-ins,
and rate limits shared by every worker through Redis (ASVS V2.4, V16.5)."""

import hashlib
import http.client
import os
import re
import shutil
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar

import pytest
import sqlalchemy as sa

from tests.conftest import TEST_PASSWORD, PortalClient, postgres_url, settings_for
from tests.factories import make_event
from tests.security.servers import CuttableProxy, drop_database, gunicorn, migrated_copy_url, server_environment, worker_pids
from training_portal import create_app
from training_portal.auth.models import Role
from training_portal.auth.services import create_user
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
        trainer = create_user("trainer@example.org", "Trainer", Role.TRAINER, TEST_PASSWORD)
        event = make_event(trainer, groups=("taxi_driver",), language="en")
        event.sessions[0].checkin_open = True
        db.session.commit()
        info = {"url": url, "code": event.sessions[0].checkin_code, "session_id": event.sessions[0].id,
                "target_group": event.target_groups[0].id}
        province = db.session.execute(sa.text("SELECT id FROM provinces WHERE code = 'phnom_penh'")).scalar()
        info["province"] = province
        info["card_code"] = card_of_a_participant(event)
        info["participants_before"] = 1  # that card's owner, who has not checked in
        db.session.remove()
        db.engine.dispose()
    limiter.init_app(app)

    def start(workers=3, access_log=False, **settings):
        return gunicorn(server_environment(url, tmp_path, **settings), workers=workers, access_log=access_log)

    info["start"] = start
    yield info
    drop_database(url)


def card_of_a_participant(event) -> str:
    from training_portal.attendance.models import AgeBand, Participant, Sex

    participant = Participant(name="Sokha", sex=Sex.FEMALE, age_band=AgeBand.AGE_18_24, phone="012888777",
                              target_group_id=event.target_groups[0].id)
    db.session.add(participant)
    db.session.commit()
    return participant.card_code


class Phone:
    """A browser with its own cookies, speaking HTTP to the server."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.opener.addheaders = [("Accept-Language", "en")]

    def get(self, path: str) -> tuple[int, str, dict]:
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

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


def test_a_worker_killed_during_check_ins_loses_no_check_in_and_retries_count_once(served):
    """Rounds of 48 phones checking in at once; when the first is answered, one worker gets SIGKILL (enough
    phones that every worker still has some to answer then). Until a round has a phone whose request
    died with the worker (at most 4 rounds), then every phone retries."""
    with served["start"](workers=3) as (base, master):
        sent: list[tuple[Phone, dict]] = []
        interrupted = 0
        for round_number in range(4):
            phones = [Phone(base) for _ in range(48)]
            forms = [checkin_form(phone, served, f"Driver {round_number}-{n}") for n, phone in enumerate(phones)]
            confirmed: dict[int, bool] = {}
            barrier = threading.Barrier(len(phones) + 1)
            first_answer = threading.Event()

            def check_in(number, phones=phones, forms=forms, confirmed=confirmed, barrier=barrier,
                         first_answer=first_answer):
                barrier.wait()
                try:
                    status, page, _ = phones[number].post(f"/c/{served['code']}", forms[number])
                    confirmed[number] = status == 200 and "checked in" in page
                except (OSError, http.client.HTTPException):
                    # The worker died under this request, before or while answering: the phone shows an error.
                    confirmed[number] = False
                first_answer.set()

            threads = [threading.Thread(target=check_in, args=(number,)) for number in range(len(phones))]
            for thread in threads:
                thread.start()
            victim = worker_pids(master.pid)[0]  # found beforehand: at the first answer, every moment counts
            barrier.wait()
            first_answer.wait(timeout=30)  # the workers are busy with the others now
            os.kill(victim, signal.SIGKILL)
            for thread in threads:
                thread.join(timeout=90)

            stored = set(stored_keys(served["url"]))
            keys = [stored_key(served["session_id"], form["key"]) for form in forms]
            # Every check-in a phone was told about is in the database.
            assert all(keys[number] in stored for number, ok in confirmed.items() if ok)
            sent += list(zip(phones, forms, strict=True))
            interrupted += sum(not ok for ok in confirmed.values())
            deadline = time.monotonic() + 20
            while len(worker_pids(master.pid)) < 3 and time.monotonic() < deadline:
                time.sleep(0.2)  # the master replaces the dead worker
            if interrupted:
                break
        assert interrupted, "no round had a request in the killed worker"

        # Every phone now retries its same form (same idempotency key), the confirmed ones too.
        for phone, form in sent:
            status, page, _ = phone.post(f"/c/{served['code']}", form)
            assert status == 200 and "checked in" in page, status
        rows = stored_keys(served["url"])
        assert sorted(rows) == sorted(stored_key(served["session_id"], form["key"]) for _phone, form in sent)
        assert len(rows) == len(set(rows))  # exactly one row per check-in: none lost, none doubled
        engine = sa.create_engine(served["url"].replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM participants")).scalar() == \
                len(sent) + served["participants_before"]
        engine.dispose()
        assert len(worker_pids(master.pid)) == 3  # the server goes on with a new worker


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
        form.update(kind="phone", phone="012 888 777")
        assert phone.post(f"/c/{served['code']}?phone=012888777", form)[0] == 200
        token = CSRF.search(phone.get("/login")[1]).group(1)
        phone.post("/login?password=hunter2-secret", {"csrf_token": token, "email": "x@example.org", "password": "p"})
    log = (tmp_path / "gunicorn.log").read_text()
    assert "GET /p/[card]" in log  # the request was logged, without its secret
    for secret in (served["card_code"], "012888777", "012 888 777", "hunter2-secret"):
        assert secret not in log, secret
