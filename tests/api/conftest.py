"""API tests: a client that sends a personal access token, as the offline app or a partner's script does."""

import pytest

from tests.factories import open_event
from training_portal.api.tokens import create_token
from training_portal.extensions import db


class TokenClient:
    """JSON requests with ``Authorization: Bearer``; answers in English unless a language is asked for."""

    def __init__(self, client, secret: str):
        self.client, self.secret = client, secret

    def headers(self, language: str = "en") -> dict:
        return {"Authorization": f"Bearer {self.secret}", "Accept-Language": language}

    def get(self, url, language="en", **kwargs):
        return self.client.get(url, headers=self.headers(language), **kwargs)

    def post(self, url, json=None, language="en"):
        return self.client.post(url, json=json, headers=self.headers(language))

    def put(self, url, json=None, language="en"):
        return self.client.put(url, json=json, headers=self.headers(language))


def token_client(client, user, scope="write") -> TokenClient:
    _token, secret = create_token(user, "phone", scope)
    db.session.commit()
    return TokenClient(client, secret)


@pytest.fixture
def api(client, trainer):
    """The trainer's write token."""
    return token_client(client, trainer)


@pytest.fixture
def event(trainer, manager):
    """An open event of the trainer's (one session, check-in open), made by a manager."""
    return open_event(manager, trainers=[trainer])
