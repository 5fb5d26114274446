"""Quiz fixtures: a small bilingual quiz, an event using it, and checked-in participants."""

from html.parser import HTMLParser

import pytest

from tests.english_pages import manager_client, other_trainer_client, trainer_client  # noqa: F401
from tests.factories import make_event, make_participant, make_quiz
from training_portal.extensions import db


class PageElements(HTMLParser):
    """A page's element ids, its inputs and its labels, as a browser reads them."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.ids, self.inputs, self.labels, self.open_labels = [], [], [], []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "label":
            label = {"for": attrs.get("for"), "inputs": []}
            self.labels.append(label)
            self.open_labels.append(label)
        elif tag in ("input", "select", "textarea"):
            self.inputs.append(attrs)
            for label in self.open_labels:
                label["inputs"].append(attrs)

    def handle_endtag(self, tag):
        if tag == "label" and self.open_labels:
            self.open_labels.pop()


def ticked(page: str) -> dict[str, list[str]]:
    """{field name: the values shown ticked} on a quiz page."""
    chosen = {}
    for field in PageElements(page).inputs:
        if field.get("type") in ("radio", "checkbox") and "checked" in field:
            chosen.setdefault(field["name"], []).append(field["value"])
    return chosen


def hidden_value(page: str, name: str) -> str:
    return next(field["value"] for field in PageElements(page).inputs if field.get("name") == name)


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

