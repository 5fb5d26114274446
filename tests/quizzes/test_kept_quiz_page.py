"""A quiz page with nothing ticked is drawn once per answer sheet and kept (page_cache.py): every phone
must still get the page as it would be drawn for it, with its own tokens, and see a change at once."""

import re
import uuid

import pytest
from sqlalchemy import func, select

from tests.factories import form_answers, make_participant
from training_portal.extensions import db
from training_portal.quizzes import participant as participant_pages
from training_portal.quizzes import services
from training_portal.quizzes.models import Phase, QuizAttempt

TOKENS = re.compile(r'(name="(?:csrf_token|idempotency_key)"[^>]*value=")[^"]+"')
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
KEY = re.compile(r'name="idempotency_key"[^>]*value="([^"]+)"')


def without_tokens(page: str) -> str:
    return TOKENS.sub(r'\1TOKEN"', page)


def phone_of(app, event, language: str):
    """The phone of a participant checked in to the event."""
    phone = app.test_client()
    phone.set_cookie("participant", make_participant(event, name=f"Participant {uuid.uuid4().hex[:6]}").card_code)
    phone.set_cookie("lang", language)
    return phone


@pytest.fixture
def open_pre_test(event):
    assert services.open_phase(event, Phase.PRE) is None
    db.session.commit()
    return event


def hand_in(phone, url: str, quiz) -> None:
    page = phone.get(url).get_data(as_text=True)
    sent = phone.post(url, data={**form_answers(quiz, "A", "A", "B"), "csrf_token": CSRF.search(page).group(1),
                                 "idempotency_key": KEY.search(page).group(1)})
    assert sent.status_code == 302


@pytest.mark.parametrize("language", ["km", "en"])
@pytest.mark.parametrize("answered_before", [False, True])  # once answered, the sheet is kept by the worker
def test_a_kept_quiz_page_is_the_page_drawn_for_the_phone(app, client, open_pre_test, quiz, monkeypatch, language,
                                                         answered_before):
    event = open_pre_test
    url = f"/p/events/{event.id}/pre"
    if answered_before:
        hand_in(phone_of(app, event, language), url, quiz)
    pages = [phone_of(app, event, language).get(url).get_data(as_text=True) for _ in range(3)]
    with monkeypatch.context() as patch:
        patch.setattr(participant_pages, "same_for_everyone", lambda: False)
        anew = phone_of(app, event, language).get(url).get_data(as_text=True)
    assert {without_tokens(page) for page in pages} == {without_tokens(anew)}
    assert len({CSRF.search(page).group(1) for page in pages}) == 3
    assert len({KEY.search(page).group(1) for page in pages}) == 3
    assert "hole-" not in "".join(pages)


def test_each_phone_hands_in_and_switches_language_with_its_own_tokens(app, client, open_pre_test, quiz):
    event = open_pre_test
    url = f"/p/events/{event.id}/pre"
    for _phone in range(3):
        hand_in(phone_of(app, event, "en"), url, quiz)
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 3
    for _phone in range(2):  # the first draws the page, the second is given it
        phone = phone_of(app, event, "en")
        page = phone.get(url).get_data(as_text=True)
        switched = phone.post("/language", data={"csrf_token": CSRF.search(page).group(1), "language": "km",
                                                 "next": url})
        assert switched.status_code == 302


def test_a_new_event_title_shows_at_once(app, client, open_pre_test, quiz):
    event = open_pre_test
    url = f"/p/events/{event.id}/pre"
    hand_in(phone_of(app, event, "en"), url, quiz)
    assert "Child protection training" in phone_of(app, event, "en").get(url).get_data(as_text=True)
    event.title = "Child protection training, day two"
    db.session.commit()
    assert "Child protection training, day two" in phone_of(app, event, "en").get(url).get_data(as_text=True)
