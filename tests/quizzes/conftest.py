"""Quiz fixtures: a small bilingual quiz, an event using it, and checked-in participants."""

import pytest

from tests.english_pages import manager_client, other_trainer_client, trainer_client  # noqa: F401
from tests.factories import make_event, make_participant, make_quiz
from training_portal.extensions import db


@pytest.fixture
def quiz(app, trainer):
    return make_quiz(trainer)


@pytest.fixture
def event(app, trainer, quiz):
    event = make_event(trainer, trainers=(trainer,))
    event.pre_quiz_id = quiz.id
    event.post_quiz_id = quiz.id
    db.session.commit()
    return event


@pytest.fixture
def participant(event):
    return make_participant(event)


@pytest.fixture
def participant_client(client, participant):
    client.set_cookie("participant", participant.card_code)
    client.set_cookie("lang", "en")
    return client

