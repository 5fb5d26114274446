"""Rate limits of the participants' pages cannot be turned against the room (issue 17, threats 2, 3, 7).

A venue puts every phone behind one address, so nothing a single client sends, however much, may lock the
other phones out of check-in or of handing in a test; and guesses at check-in codes are limited.


Each phone is a client of its own (tests/conftest.PortalClient, as the ``client`` fixture sets); a flooding
client is Flask's plain test client, which sends its requests faster.
"""

import secrets

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.attendance.helpers import attendance_count, form_values, participant_count, self_checkin
from tests.factories import form_answers, make_event, make_participant, make_quiz, open_event
from training_portal.extensions import db
from training_portal.quizzes import phases as quiz_phases
from training_portal.quizzes.models import Phase, QuizAttempt

# More than the whole room's limit of check-ins, and of an event's quiz submissions, there used to be.
FLOOD = 1250


def flooder(app) -> FlaskClient:
    return FlaskClient(app, app.response_class, use_cookies=True)


def test_junk_check_ins_from_one_client_do_not_lock_the_room_out(app, client, trainer):
    code = open_event(trainer).sessions[0].checkin_code
    attacker = flooder(app)
    csrf, key = form_values(attacker.get(f"/c/{code}").get_data(as_text=True))
    statuses = set()
    for number in range(FLOOD):
        attacker.set_cookie("participant", secrets.token_urlsafe(16))  # a new "device" each time
        junk = {"csrf_token": csrf, "key": key, "kind": "new", "sex": "robot"}  # fails the form
        if number % 100 == 0:
            junk = {**junk, "csrf_token": "forged"}  # fails CSRF
        statuses.add(attacker.post(f"/c/{code}", data=junk).status_code)
    assert statuses <= {400, 429}
    for name in ("Sokha", "Dara"):
        phone = app.test_client()
        answer = self_checkin(phone, code, name=name)
        assert answer.status_code == 200, answer.status_code
    assert attendance_count() == 2


def test_a_rotating_participant_cookie_does_not_escape_the_limit_of_the_device(app, client, trainer, monkeypatch):
    monkeypatch.setitem(app.config, "CHECKIN_DEVICE_RATE_LIMIT", "5 per minute")
    code = open_event(trainer).sessions[0].checkin_code
    attacker = app.test_client()
    csrf, key = form_values(attacker.get(f"/c/{code}").get_data(as_text=True))
    statuses = []
    for _ in range(8):
        attacker.set_cookie("participant", secrets.token_urlsafe(16))
        statuses.append(attacker.post(f"/c/{code}", data={"csrf_token": csrf, "key": key, "kind": "new"}).status_code)
    assert statuses == [400] * 5 + [429] * 3


def test_a_check_in_without_the_session_its_page_gave_is_refused_and_writes_nothing(app, client, trainer):
    code = open_event(trainer).sessions[0].checkin_code
    stranger = app.test_client()
    stranger.set_cookie("lang", "en")
    # A valid CSRF token and session from another page (the login page), but not the check-in page's device id.
    answer = self_checkin(stranger, code, csrf_token=stranger.csrf_token(), key=secrets.token_urlsafe(18))
    assert answer.status_code == 400 and "Reload the page and try again" in answer.get_data(as_text=True)
    assert attendance_count() == 0 and participant_count() == 0


def test_junk_quiz_submissions_do_not_block_the_events_participants(app, client, trainer):
    quiz = make_quiz(trainer)
    event = make_event(trainer, trainers=(trainer,))
    event.pre_quiz_id = quiz.id
    assert quiz_phases.open_phase(event, Phase.PRE) is None
    db.session.commit()
    participant = make_participant(event)
    anonymous = flooder(app)
    # Sent to either test of the event: the post-test, which has no quiz yet, answers 404 at once.
    phases = ["pre"] + ["post"] * 24
    statuses = {anonymous.post(f"/p/events/{event.id}/{phases[number % 25]}", data={"junk": "x"}).status_code
                for number in range(FLOOD)}
    assert statuses == {400, 404}
    phone = app.test_client()
    phone.set_cookie("participant", participant.card_code)
    page = phone.get(f"/p/events/{event.id}/pre").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    sent = phone.post(f"/p/events/{event.id}/pre", data={**form_answers(quiz, "A", "AB", "B"), "csrf_token": token,
                                                          "idempotency_key": "real-phone-0001"})
    assert sent.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1


@pytest.fixture
def guess_limits(app, monkeypatch):
    monkeypatch.setitem(app.config, "CHECKIN_CODE_GUESS_DEVICE_LIMIT", "3 per minute")
    monkeypatch.setitem(app.config, "CHECKIN_CODE_GUESS_ADDRESS_LIMIT", "8 per hour")


def guess(client) -> int:
    return client.get(f"/c/{secrets.choice('ABCDEFGH')}{secrets.token_hex(3).upper()}").status_code


def test_guesses_at_check_in_codes_are_limited_per_device(app, client, trainer, guess_limits):
    code = open_event(trainer).sessions[0].checkin_code
    guesser = app.test_client()
    assert [guess(guesser) for _ in range(5)] == [404] * 4 + [429]  # the first guess gives the device id
    assert guesser.get(f"/c/{code}").status_code == 200  # an open code is never a guess
    assert guess(app.test_client()) == 404  # another phone at the same address


def test_guesses_from_one_address_are_limited_even_without_cookies_and_the_room_still_checks_in(
        app, client, trainer, guess_limits):
    code = open_event(trainer).sessions[0].checkin_code
    statuses = [guess(app.test_client()) for _ in range(10)]  # a fresh client each time: no device to count
    assert statuses == [404] * 8 + [429] * 2
    phone = app.test_client()  # the same address
    assert self_checkin(phone, code).status_code == 200
    assert attendance_count() == 1
