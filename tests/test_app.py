"""Start-up, configuration, health check and the shell commands."""

import sqlite3

import pytest
from sqlalchemy import func, select, text

from tests.conftest import TEST_PASSWORD, settings_for
from training_portal import create_app
from training_portal.auth.models import Role, User
from training_portal.events.models import Event, EventType, Province
from training_portal.extensions import db


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_healthz_answers_503_when_the_database_does_not(tmp_path):
    app = create_app(settings_for("postgresql://postgres@127.0.0.1:1/nowhere"))
    app.instance_path = str(tmp_path)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json() == {"status": "unavailable"}


@pytest.mark.parametrize("key", [None, "dev", "short-key"])
def test_production_refuses_to_start_with_a_weak_or_missing_secret_key(monkeypatch, key, database_url):
    monkeypatch.setenv("TRAINING_PORTAL_PRODUCTION", "1")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings = settings_for(database_url)
    settings["SECRET_KEY"] = key
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(settings)


def test_production_sets_secure_cookies_and_hsts(monkeypatch, database_url):
    monkeypatch.setenv("TRAINING_PORTAL_PRODUCTION", "1")
    app = create_app(settings_for(database_url))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert "Strict-Transport-Security" in app.test_client().get("/healthz").headers


def test_without_a_secret_key_one_is_generated_once_into_the_instance_folder(tmp_path, database_url, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings = settings_for(database_url)
    del settings["SECRET_KEY"]
    first = create_app(settings)
    assert len(first.config["SECRET_KEY"]) >= 64
    second = create_app(settings)
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_every_response_carries_the_security_headers(client):
    for url in ("/login", "/healthz", "/no-such-page"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.fixture
def sqlite_app(tmp_path):
    """An app on a SQLite file of its own, whatever database this run uses."""
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'embedded.db'}"))
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(sqlite_app):
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    db.session.rollback()


def test_a_post_request_takes_the_sqlite_write_lock_at_its_first_statement(sqlite_app):
    """BEGIN IMMEDIATE: a writer waits its turn at the start instead of failing later."""
    path = db.engine.url.database
    with sqlite_app.test_request_context("/events/new", method="POST"):
        db.session.execute(text("SELECT 1"))
        other = sqlite3.connect(path, timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
        db.session.rollback()
    with sqlite_app.test_request_context("/events", method="GET"):
        db.session.execute(text("SELECT 1"))
        other = sqlite3.connect(path, timeout=0)
        other.execute("BEGIN IMMEDIATE")  # a reading request leaves writers alone
        other.rollback()
        other.close()
        db.session.rollback()


def test_create_user_reads_the_password_from_standard_input(runner, app):
    result = runner.invoke(args=["create-user", "Kosal@Example.org", "--role", "manager"], input="monsoon rains in july\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "kosal@example.org"))
    assert user.role == Role.MANAGER
    assert app.test_client().login("kosal@example.org", "monsoon rains in july").status_code == 302


@pytest.mark.parametrize("args, password, message", [
    (["create-user", "a@example.org", "--role", "trainer"], "123456\n", "at least 8 characters"),
    (["create-user", "a@example.org", "--role", "trainer"], "password123\n", "too common"),
    (["create-user", "a@example.org", "--role", "boss"], "long enough password\n", "Invalid value"),
    (["create-user", "not-an-email", "--role", "trainer"], "long enough password\n", "not an email"),
])
def test_create_user_refuses_bad_input_and_writes_nothing(runner, app, args, password, message):
    result = runner.invoke(args=args, input=password)
    assert result.exit_code != 0 and message in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_create_user_refuses_a_second_account_with_the_same_email(runner, app, trainer):
    result = runner.invoke(args=["create-user", trainer.email.upper(), "--role", "admin"], input="long enough password\n")
    assert result.exit_code != 0 and "already exists" in result.output


def test_seed_demo_fills_an_empty_database_with_the_2015_program(runner, app):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    counts = dict(db.session.execute(
        select(EventType.code, func.count(Event.id)).join(Event.event_type).group_by(EventType.code)).all())
    assert counts == {"awareness": 7, "training": 4, "workshop": 2, "informant": 7, "online_safety": 4, "guest_speaker": 10}
    years = {event.starts_on.year for event in db.session.scalars(select(Event))}
    months = {event.starts_on.month for event in db.session.scalars(select(Event))}
    provinces = set(db.session.scalars(select(Province.code).join(Event, Event.province_id == Province.id)))
    assert years == {2015} and len(months) == 12
    assert {"phnom_penh", "preah_sihanouk", "siem_reap"} < provinces and len(provinces) >= 6
    assert "admin@demo.training-portal.org" in result.output


def test_seed_demo_refuses_a_database_that_has_events(runner, app):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    before = db.session.scalar(select(func.count()).select_from(Event))
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "already has events" in result.output
    assert db.session.scalar(select(func.count()).select_from(Event)) == before


def test_setup_twice_changes_no_data_and_prints_how_to_log_in(runner, app):
    first = runner.invoke(args=["setup"])
    assert first.exit_code == 0 and "Log in at /login" in first.output
    role, email, password = first.output.split("demo account (role, email, password):")[1].split()[:3]
    assert (role, email) == ("admin", "admin@demo.training-portal.org")
    assert "trainer  dara@demo.training-portal.org" in first.output and "manager  manager@demo" in first.output
    counts = [db.session.scalar(select(func.count()).select_from(model)) for model in (Event, User, Province)]
    second = runner.invoke(args=["setup"])
    assert second.exit_code == 0 and f"{email}  {password}" in second.output
    assert [db.session.scalar(select(func.count()).select_from(model)) for model in (Event, User, Province)] == counts
    assert app.test_client().login(email, password).status_code == 302


def test_demo_credentials_are_not_a_known_password(runner, app):
    runner.invoke(args=["setup"])
    password = runner.invoke(args=["setup"]).output.split("demo account (role, email, password):")[1].split()[2]
    assert password != TEST_PASSWORD and len(password) >= 12


@pytest.mark.parametrize("url", ["/p/events/9223372036854775808", "/p/events/9223372036854775808/state",
                                 "/p/events/99999999999999999999/pre"])
def test_an_id_too_large_for_the_database_is_not_found(client, url):
    response = client.get(url)
    assert response.status_code == 404


def test_setup_without_demo_loads_only_the_reference_lists_then_the_first_admin_logs_in(runner, app):
    result = runner.invoke(args=["setup", "--no-demo"])
    assert result.exit_code == 0 and "create the first admin" in result.output
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert db.session.scalar(select(func.count()).select_from(Province)) == 25

    created = runner.invoke(args=["create-user", "director@example.org", "--role", "admin"],
                            input="first admin's long passphrase\n")
    assert created.exit_code == 0
    assert "create the first admin" not in runner.invoke(args=["setup", "--no-demo"]).output
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0
    assert app.test_client().login("director@example.org", "first admin's long passphrase").status_code == 302


def test_serving_on_every_network_prints_the_addresses_phones_open(runner, app):
    app.config["BASE_URL"] = ""
    result = runner.invoke(args=["addresses", "--host", "0.0.0.0", "--port", "5000"])
    assert "Serving on http://127.0.0.1:5000/login" in result.output
    assert "Set BASE_URL" in result.output
    app.config["BASE_URL"] = "http://10.42.0.1:5000"
    assert "QR codes and posters point at http://10.42.0.1:5000." in runner.invoke(
        args=["addresses", "--host", "0.0.0.0"]).output
    app.config["BASE_URL"] = ""
