"""Personal access tokens on the account page: shown once, stored hashed, revoked, expiring."""

import re
from datetime import date

import sqlalchemy as sa

from training_portal.api.models import ApiToken
from training_portal.extensions import db

SECRET = re.compile(r"tp_[A-Za-z0-9_-]{40,}")


def create(client, **fields):
    data = {"name": "Offline phone", "scope": "write", "expires_on": ""}
    data.update(fields)
    return client.english().post_form("/account/tokens", data)


def test_a_token_is_shown_once_stored_hashed_and_works(trainer_client, event):
    page = create(trainer_client)
    assert page.status_code == 201
    secret = SECRET.search(page.get_data(as_text=True)).group(0)
    token = db.session.scalar(sa.select(ApiToken))
    assert token.token_hash != secret and secret not in token.token_hash
    assert secret not in trainer_client.get("/account/tokens").get_data(as_text=True)
    answer = trainer_client.get(f"/api/v1/sessions/{event.sessions[0].id}/roster",
                                headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200


def test_a_revoked_token_stops_working(client, trainer_client, event):
    secret = SECRET.search(create(trainer_client).get_data(as_text=True)).group(0)
    token = db.session.scalar(sa.select(ApiToken))
    trainer_client.post_form(f"/account/tokens/{token.id}/revoke")
    answer = client.get("/api/v1/events", headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en"})
    assert answer.status_code == 401
    assert "revoked" in answer.json["detail"]


def test_an_expired_token_stops_working(client, trainer_client):
    secret = SECRET.search(create(trainer_client).get_data(as_text=True)).group(0)
    db.session.scalar(sa.select(ApiToken)).expires_on = date(2020, 1, 1)
    db.session.commit()
    assert client.get("/api/v1/events", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_a_token_without_a_name_is_refused_and_nothing_is_stored(trainer_client):
    page = create(trainer_client, name="")
    assert page.status_code == 400 and "This field is required." in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_the_account_and_navigation_link_to_the_tokens(trainer_client):
    assert 'href="/account/tokens"' in trainer_client.get("/account/password").get_data(as_text=True)


def test_the_api_is_rate_limited_per_token(app, client, trainer):
    from tests.api.conftest import token_client

    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        first, second = token_client(client, trainer), token_client(client, trainer)
        answers = [first.get("/api/v1/events").status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        assert first.get("/api/v1/events").json["status"] == 429
        assert second.get("/api/v1/events").status_code == 200
    finally:
        app.config["API_RATE_LIMIT"] = "120 per minute"
