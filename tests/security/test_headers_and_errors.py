"""Security headers on every answer, friendly error pages without internals, and clean logs (ASVS V3.4, V16)."""

import logging

import pytest
from sqlalchemy import select

from tests.conftest import TEST_PASSWORD, PortalClient, settings_for
from tests.security.conftest import PHONE, client_for
from tests.security.routes import url_for_rule
from tests.security.test_access_control import ordered_endpoints
from training_portal import create_app
from training_portal.attendance.models import Participant
from training_portal.extensions import db, limiter

SECRET_KEY = settings_for("sqlite://")["SECRET_KEY"]
LEAKED = "s3cr3t-Pa55word"


def assert_security_headers(response, where: str, production: bool = False) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives.get("script-src") == ["'self'"], where
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, where
    assert directives.get("object-src") == ["'none'"], where
    assert directives.get("base-uri") == ["'none'"], where
    assert directives.get("frame-ancestors") == ["'none'"], where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", where
    if production:
        assert headers.get("Strict-Transport-Security", "").startswith("max-age=31536000"), where


@pytest.mark.parametrize("role", ["anonymous", "device", "other_trainer", "admin"])
def test_every_route_answers_with_the_security_headers(app, world, role):
    client = client_for(app, world, role)
    for method in ("GET", "POST"):
        for endpoint in ordered_endpoints(app, method):
            url = url_for_rule(app, world, endpoint)
            response = client.get(url, buffered=True) if method == "GET" else client.post_form(url, {}, buffered=True)
            assert_security_headers(response, f"{method} {url} ({response.status_code})")


def error_responses(client, world, app):
    """One response of each error status the app can answer with."""
    limiter.reset()
    yield 404, client.get("/no-such-page")
    yield 405, client.get("/logout")
    yield 400, client.post("/login", data={"email": "x@example.org"})  # no CSRF token
    yield 403, client.get("/admin/staff")
    big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    yield 413, client.post(f"/sessions/{world.session.id}/sheet", data=big, content_type="application/octet-stream")
    app.config["LOGIN_RATE_LIMIT"] = "1 per minute"
    try:
        client.post_form("/login", {"email": "a@example.org"})
        yield 429, client.post_form("/login", {"email": "a@example.org"})
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
        limiter.reset()


def test_error_pages_are_friendly_and_carry_the_headers(app, world):
    client = client_for(app, world, "trainer")
    client.set_cookie("lang", "en")
    seen = set()
    for status, response in error_responses(client, world, app):
        assert response.status_code == status
        page = response.get_data(as_text=True)
        assert "<h1>" in page and "Back to the start page" in page and "Traceback" not in page, status
        assert_security_headers(response, str(status))
        seen.add(status)
    assert seen == {400, 403, 404, 405, 413, 429}


def test_a_too_large_upload_gets_a_page_that_says_so(app, world):
    client = client_for(app, world, "trainer")
    client.set_cookie("lang", "en")
    big = b"PK" + b"\0" * app.config["MAX_CONTENT_LENGTH"]
    response = client.post(f"/sessions/{world.session.id}/sheet", data=big, content_type="application/octet-stream")
    assert response.status_code == 413
    assert "File too large" in response.get_data(as_text=True)
    assert app.config["MAX_CONTENT_LENGTH"] <= 16 * 1024 * 1024


@pytest.fixture
def crashing_app(database_url, tmp_path, monkeypatch):
    """The real app in production mode, with one extra route that fails with a secret in its message."""
    monkeypatch.setenv("TRAINING_PORTAL_PRODUCTION", "1")
    settings = settings_for(database_url)
    settings.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    app = create_app(settings)
    app.instance_path = str(tmp_path)

    @app.get("/crash")
    def crash():
        raise RuntimeError(f"internal detail {SECRET_KEY} password={LEAKED} phone {PHONE}")

    yield app
    limiter.init_app(app)  # the limiter is global: leave it bound to a live app


def test_a_500_shows_no_traceback_and_no_secret(crashing_app, caplog):
    client = crashing_app.test_client()
    client.set_cookie("lang", "en")
    with caplog.at_level(logging.DEBUG):
        response = client.get("/crash", base_url="https://localhost")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page
    for leak in ("Traceback", "RuntimeError", "internal detail", SECRET_KEY, LEAKED, PHONE, "File \""):
        assert leak not in page
    assert_security_headers(response, "500", production=True)
    # The log has the traceback for the operator, but not the secrets in it.
    assert "RuntimeError" in caplog.text
    assert LEAKED not in caplog.text and PHONE not in caplog.text


def test_logs_carry_no_password_token_or_phone_number(app, world, caplog):
    """A login, a failed login, a check-in with a phone number, an error: nothing secret in any log line."""
    trainer = client_for(app, world, "anonymous")
    phone_client = client_for(app, world, "anonymous")
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # even with SQL echo on
        try:
            trainer.login(world.trainer.email, "a wrong password 123")
            trainer.login(world.trainer.email)
            token = trainer.csrf_token()
            url = f"/c/{world.session.checkin_code}"
            phone_client.get(url)
            phone_client.post_form(url, {"kind": "phone", "phone": PHONE, "key": "logtestkey000000000001",
                                         "personal_code": world.participant.personal_code})
            phone_client.post_form(url, {"kind": "phone", "phone": "+855 12 999 888", "key": "logtestkey000000000002",
                                         "personal_code": "AAAAAA"})
            trainer.get("/no-such-page")
        finally:
            logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    text = caplog.text + "".join(str(record.args) for record in caplog.records)
    assert any(record.name.startswith("sqlalchemy.engine") for record in caplog.records)  # SQL was logged
    assert "[phone]" in text  # ...with the phone numbers masked
    for secret in (TEST_PASSWORD, "a wrong password 123", PHONE, "12 999 888", "012999888", token,
                   world.participant.card_code, world.trainer.login_token, trainer.get_cookie("session").value):
        assert secret not in text, secret
    db.session.rollback()
    assert db.session.scalar(select(Participant).where(Participant.phone == "012999888")) is None  # unknown


def test_production_answers_carry_hsts(app, world, monkeypatch, database_url, tmp_path):
    monkeypatch.setenv("TRAINING_PORTAL_PRODUCTION", "1")
    production = create_app(settings_for(database_url))
    production.instance_path = str(tmp_path)
    production.test_client_class = PortalClient
    try:
        client = production.test_client()
        for url in ("/login", "/healthz", "/no-such-page", "/static/css/app.css", f"/c/{world.session.checkin_code}"):
            assert_security_headers(client.get(url, base_url="https://localhost"), url, production=True)
    finally:
        limiter.init_app(app)


@pytest.mark.parametrize("trusted", [0, 1])
def test_per_address_login_limits_count_people_behind_a_trusted_proxy_only(app, world, database_url, trusted):
    """Behind one trusted proxy, X-Forwarded-For names the person; without one it is ignored (forgeable)."""
    settings = settings_for(database_url)
    settings.update(TRUSTED_PROXIES=trusted, LOGIN_RATE_LIMIT="2 per minute")
    proxied = create_app(settings)
    proxied.test_client_class = PortalClient
    try:
        limiter.reset()
        answers = {}
        for address in ("203.0.113.7", "203.0.113.7", "198.51.100.9"):
            client = proxied.test_client()
            headers = {"X-Forwarded-For": address, "X-Forwarded-Proto": "https", "Referer": "https://localhost/login"}
            token = client.csrf_token()
            answers.setdefault(address, []).append(client.post(
                "/login", headers=headers,
                data={"email": f"nobody{len(answers)}@example.org", "password": "x", "csrf_token": token}).status_code)
        if trusted:
            assert answers == {"203.0.113.7": [200, 200], "198.51.100.9": [200]}  # another person, own limit
        else:
            assert answers == {"203.0.113.7": [200, 200], "198.51.100.9": [429]}  # all one address: the proxy
    finally:
        limiter.reset()
        limiter.init_app(app)


def test_pages_and_downloads_are_not_kept_by_browsers_or_proxies_but_static_files_are(app, world):
    manager = client_for(app, world, "manager")
    for url in ("/events", f"/sessions/{world.session.id}/roster", f"/p/{world.participant.card_code}", "/login"):
        assert manager.get(url).headers["Cache-Control"] == "no-store", url
    results = manager.post_form(f"/events/{world.event.id}/quiz/results.xlsx", {}, buffered=True)
    assert results.headers["Content-Disposition"].startswith("attachment")
    assert results.headers["Cache-Control"] == "no-store"  # send_file would have said "public, max-age=3600"
    assert "no-store" not in manager.get("/static/css/app.css").headers.get("Cache-Control", "")
