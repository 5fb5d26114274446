"""The attendance tests read English pages (the participant pages default to the event's language)."""

import pytest



@pytest.fixture
def client(client):
    return client.english()


@pytest.fixture
def trainer_client(trainer_client):
    return trainer_client.english()


@pytest.fixture
def other_trainer_client(other_trainer_client):
    return other_trainer_client.english()


@pytest.fixture
def manager_client(manager_client):
    return manager_client.english()
