"""Fixtures for test folders that read English pages: the usual clients, after a tap on "English".

A folder's conftest imports them; pages elsewhere keep their default language (Khmer).
"""

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
