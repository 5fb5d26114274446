"""Staff sessions end after inactivity; cookies are HttpOnly, SameSite=Lax and Secure in production;
passwords: argon2id, 8 to 128 characters, 10,000 common passwords refused (ASVS V6, V7).

Logout, disabling and password changes ending replayed sessions are tested in
tests/auth/test_staff_accounts.py; the expiry and production cases are here.
"""

import time
import types

import itsdangerous.timed
import pytest

from tests.conftest import TEST_PASSWORD, PortalClient, logged_in_client, settings_for
from tests.security.conftest import client_for
from training_portal import create_app
from training_portal.attendance.device import PARTICIPANT_COOKIE
from training_portal.auth import services as auth_services
from training_portal.extensions import limiter

HOUR = 3600


@pytest.fixture
def clock(monkeypatch):
    """Moves the clock that signs and checks session cookies."""
    offset = {"seconds": 0}
    fake = types.SimpleNamespace(time=lambda: time.time() + offset["seconds"])
    monkeypatch.setattr(itsdangerous.timed, "time", fake)

    def advance(seconds):
        offset["seconds"] += seconds

    return advance


def test_a_staff_session_ends_after_eight_hours_without_activity(app, world, clock):
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 8 * HOUR
    trainer = client_for(app, world, "trainer")
    clock(7 * HOUR)
    assert trainer.get("/events").status_code == 200  # still active; the cookie is signed anew
    clock(7 * HOUR)
    assert trainer.get("/events").status_code == 200  # 14 hours after login, 7 since the last request
    clock(8 * HOUR + 60)
    response = trainer.get("/events")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_old_cookie_replayed_after_the_inactivity_limit_is_refused(app, world, clock):
    trainer = client_for(app, world, "trainer")
    stolen = trainer.get_cookie("session").value
    clock(9 * HOUR)
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/events").status_code == 302


def test_the_staff_cookie_says_when_it_expires(app, world):
    app.test_client_class = PortalClient
    response = app.test_client().login(world.trainer.email)
    cookie = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")][-1]
    assert "Expires=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.fixture
def production(app, database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("TRAINING_PORTAL_PRODUCTION", "1")
    production = create_app(settings_for(database_url))
    production.instance_path = str(tmp_path)
    production.test_client_class = PortalClient
    yield production
    limiter.init_app(app)


def test_in_production_every_cookie_is_secure_httponly_and_lax(production, world):
    client = production.test_client()
    page = client.get("/login", base_url="https://portal.example.org")
    token = page.get_data(as_text=True).split('name="csrf_token"')[1].split('value="')[1].split('"')[0]
    no_referrer = client.post("/login", base_url="https://portal.example.org",
                              data={"email": world.trainer.email, "password": TEST_PASSWORD, "csrf_token": token})
    assert no_referrer.status_code == 400  # over HTTPS the token must also come from our own pages
    response = client.post("/login", base_url="https://portal.example.org",
                           headers={"Referer": "https://portal.example.org/login"}, data={"email": world.trainer.email, "password": TEST_PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = [value for value in cookies if value.startswith("session=")][-1]
    for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
        assert flag in session_cookie

    phone = production.test_client()
    url = f"/c/{world.session.checkin_code}"
    page = phone.get(url, base_url="https://portal.example.org").get_data(as_text=True)
    token = page.split('name="csrf_token"')[1].split('value="')[1].split('"')[0]
    key = page.split('name="key"')[1].split('value="')[1].split('"')[0]
    answer = phone.post(url, base_url="https://portal.example.org", headers={"Referer": f"https://portal.example.org{url}"}, data={
        "csrf_token": token, "key": key, "kind": "phone", "phone": world.participant.phone,
        "personal_code": world.participant.personal_code})
    assert answer.status_code == 200
    device = [value for value in answer.headers.getlist("Set-Cookie") if value.startswith(f"{PARTICIPANT_COOKIE}=")]
    assert device and all(flag in device[-1] for flag in ("Secure", "HttpOnly", "SameSite=Lax"))


# --- Passwords ---------------------------------------------------------------------------


def test_the_common_password_list_is_a_real_one():
    assert len(auth_services.COMMON_PASSWORDS) >= 10_000
    for common in ("123456", "password", "iloveyou", "qwertyuiop", "1q2w3e4r", "football1", "cambodia123",
                   "phnompenh", "sunshine", "trustno1"):
        assert common in auth_services.COMMON_PASSWORDS, common
    assert not any(password.startswith("#") for password in auth_services.COMMON_PASSWORDS)


@pytest.mark.parametrize("password, problem", [
    ("Password1", "common"),  # compared without regard to case
    ("QWERTYUIOP", "common"),
    ("letmein123", "common"),
    ("seven77", "too_short"),
    ("x" * 129, "too_long"),
    ("eight888", None),
    ("a passphrase of exactly sixty four characters for the trainer ok", None),
    ("x" * 128, None),
    ("ពាក្យសម្ងាត់ខ្មែរ", None),  # Khmer letters are fine
])
def test_password_rules(password, problem, app):
    assert auth_services.password_problem(password) == problem


def test_hashes_are_argon2id_with_the_configured_cost(app, world):
    assert world.trainer.password_hash.startswith("$argon2id$v=19$m=8192,t=1,p=1$")  # the tests' cheap setting
    from training_portal.config import Defaults

    assert (Defaults.PASSWORD_MEMORY_COST, Defaults.PASSWORD_TIME_COST) >= (64 * 1024, 3)


def test_the_login_form_accepts_a_long_passphrase_but_not_a_megabyte(app, world):
    client = logged_in_client(app, world.admin)
    long_one = "tuk-tuk drivers learn to report abuse at the community hall " * 2  # 120 characters
    assert client.post_form("/admin/staff/new", {"email": "long@example.org", "name": "Long",
                                                 "role": "trainer", "password": long_one}).status_code == 302
    assert app.test_client().login("long@example.org", long_one).status_code == 302
    huge = app.test_client()
    response = huge.login("long@example.org", "x" * 100_000)
    assert response.status_code == 200  # refused by the form's length check before any hashing


def test_login_is_rate_limited_per_address_across_accounts(app, world):
    """Guessing over many accounts from one address is slowed down too (per-account: tests/auth)."""
    app.config["LOGIN_RATE_LIMIT"] = "5 per minute"
    app.test_client_class = PortalClient
    limiter.reset()
    try:
        statuses = []
        for number in range(7):
            client = app.test_client()
            statuses.append(client.login(f"guess{number}@example.org", "a wrong password").status_code)
        assert statuses == [200] * 5 + [429, 429]
        other_address = app.test_client()
        token = other_address.csrf_token()
        response = other_address.post("/login", environ_base={"REMOTE_ADDR": "198.51.100.20"}, data={
            "email": "guess9@example.org", "password": "a wrong password", "csrf_token": token})
        assert response.status_code == 200  # another address is not slowed down by the first
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
        limiter.reset()
