import re

from argon2 import PasswordHasher
from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD, PortalClient
from tests.factories import make_staff
from training_portal.auth.models import AuditLog, Role, User
from training_portal.auth.services import authenticate, hash_password
from training_portal.extensions import db, limiter


def test_login_page_offers_the_language_switch_and_a_login_form(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'name="language" value="km"' in page and 'name="language" value="en"' in page
    assert 'name="password"' in page


def test_wrong_password_is_refused_with_a_message_and_no_session(client, trainer):
    response = client.english().post_form("/login", {"email": trainer.email, "password": "not the password"})
    assert response.status_code == 200
    assert "Email or password is not correct." in response.get_data(as_text=True)
    assert client.get("/events").status_code == 302


def test_login_without_csrf_token_is_refused(client, trainer):
    response = client.post("/login", data={"email": trainer.email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert client.get("/events").status_code == 302


def test_passwords_are_stored_as_argon2id_hashes(app, trainer):
    assert trainer.password_hash.startswith("$argon2id$")
    assert TEST_PASSWORD not in trainer.password_hash


def test_default_password_parameters_are_strong(app):
    from training_portal.config import Defaults

    # argon2id with 64 MiB and 3 passes (RFC 9106); tests lower them for speed only.
    assert Defaults.PASSWORD_MEMORY_COST >= 64 * 1024 and Defaults.PASSWORD_TIME_COST >= 3


def test_an_outdated_hash_is_upgraded_when_the_person_logs_in(app, trainer):
    old = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(TEST_PASSWORD)
    trainer.password_hash = old
    db.session.commit()
    assert authenticate(trainer.email, TEST_PASSWORD) is trainer
    db.session.commit()
    assert trainer.password_hash != old
    assert "m=8192" in trainer.password_hash  # the configured memory cost


def test_logout_ends_the_session_even_for_a_replayed_cookie(app, trainer, trainer_client):
    stolen_cookie = trainer_client.get_cookie("session").value
    trainer_client.post_form("/logout")
    replay = app.test_client()
    replay.set_cookie("session", stolen_cookie)
    response = replay.get("/events")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_disabling_an_account_ends_its_sessions_and_blocks_login(app, admin_client, trainer, trainer_client):
    response = admin_client.post_form(f"/admin/staff/{trainer.id}/active")
    assert response.status_code == 302
    assert db.session.get(User, trainer.id).active is False
    assert trainer_client.get("/events").status_code == 302
    fresh = app.test_client()
    assert fresh.login(trainer.email).status_code == 200  # the form again, not a redirect
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.object_id == trainer.id)) == "user.disable"


def test_password_change_logs_out_other_devices(app, trainer, trainer_client):
    laptop = trainer_client
    phone = app.test_client()
    assert phone.login(trainer.email).status_code == 302
    response = laptop.english().post_form("/account/password", {
        "current": TEST_PASSWORD, "password": "a long new passphrase", "confirm": "a long new passphrase"})
    assert response.status_code == 302
    assert laptop.get("/events").status_code == 200
    assert phone.get("/events").status_code == 302


def test_common_and_short_passwords_are_refused(app, admin_client):
    admin_client.english()
    for password, message in [("password123", "This password is too common."), ("short", "Use at least 8 characters.")]:
        response = admin_client.post_form("/admin/staff/new", {
            "email": "new@example.org", "name": "New Trainer", "role": "trainer", "password": password})
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email == "new@example.org")) == 0


def test_long_passphrases_are_allowed(app, admin_client):
    passphrase = "tuk-tuk drivers learn to report abuse " * 2  # 76 characters
    response = admin_client.post_form("/admin/staff/new", {
        "email": "long@example.org", "name": "Long Pass", "role": "manager", "password": passphrase})
    assert response.status_code == 302
    assert app.test_client().login("long@example.org", passphrase).status_code == 302


def test_admin_adds_a_trainer_who_can_then_log_in(app, admin_client):
    response = admin_client.post_form("/admin/staff/new", {
        "email": "Kanha@Example.org", "name": "Kanha", "role": "trainer", "password": "rice fields at dawn"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "kanha@example.org"))
    assert user.role == Role.TRAINER
    assert app.test_client().login("kanha@example.org", "rice fields at dawn").status_code == 302


def test_admin_resets_a_password_and_old_sessions_end(app, admin_client, trainer, trainer_client):
    response = admin_client.post_form(f"/admin/staff/{trainer.id}/password", {
        "password": "mekong river sunset", "confirm": "mekong river sunset"})
    assert response.status_code == 302
    assert trainer_client.get("/events").status_code == 302
    assert app.test_client().login(trainer.email, "mekong river sunset").status_code == 302


def test_trainers_and_managers_cannot_open_staff_administration(trainer_client, manager_client):
    for client in (trainer_client, manager_client):
        assert client.get("/admin/staff").status_code == 403
        assert client.post_form("/admin/staff/new", {"email": "x@example.org", "name": "X", "role": "admin",
                                                      "password": "some long password"}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email == "x@example.org")) == 0


def test_login_is_rate_limited_per_account(app, trainer):
    app.config["LOGIN_RATE_LIMIT"] = "10 per minute"
    limiter.reset()
    try:
        statuses = []
        for attempt in range(12):
            client = app.test_client()  # a new client each time: a different browser
            statuses.append(client.login(trainer.email, f"wrong {attempt}").status_code)
        assert statuses[:10] == [200] * 10
        assert statuses[10:] == [429, 429]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
        limiter.reset()


def test_next_parameter_cannot_send_people_to_another_site(app, trainer):
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login?next=//evil.example/", data={
        "email": trainer.email, "password": TEST_PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_staff_session_cookie_is_httponly_and_samesite_lax(app, trainer):
    client = app.test_client()
    response = client.login(trainer.email)
    cookie = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")][-1]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
