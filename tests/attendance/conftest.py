"""The attendance tests read English pages (the participant pages default to the event's language)."""

import pytest


def in_english(client):
    client.set_cookie("lang", "en")
    return client


@pytest.fixture
def client(client):
    return in_english(client)


@pytest.fixture
def trainer_client(trainer_client):
    return in_english(trainer_client)


@pytest.fixture
def other_trainer_client(other_trainer_client):
    return in_english(other_trainer_client)


@pytest.fixture
def manager_client(manager_client):
    return in_english(manager_client)
