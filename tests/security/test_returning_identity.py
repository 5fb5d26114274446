"""A phone number, or a name, is not an identity: a stranger who knows someone's phone number gets
nothing at a session's check-in page (issue 17, threat 1)."""

from sqlalchemy import select

from tests.attendance.helpers import attendance_count, form_values, self_checkin
from tests.factories import open_event
from training_portal.attendance.models import Participant
from training_portal.extensions import db


def returning(client, code, phone, personal_code=None):
    page = client.get(f"/c/{code}").get_data(as_text=True)
    csrf, key = form_values(page)
    data = {"csrf_token": csrf, "key": key, "kind": "phone", "phone": phone}
    if personal_code is not None:
        data["personal_code"] = personal_code
    return client.post(f"/c/{code}", data=data)


def test_a_stranger_with_only_a_phone_number_gets_nothing(app, client, trainer):
    session = open_event(trainer).sessions[0]
    self_checkin(client, session.checkin_code, name="Sokha Chan", phone="012 345 678")
    participant = db.session.scalar(select(Participant))
    session.event.sessions[0].checkin_open = True
    db.session.commit()
    before = attendance_count()
    stranger = app.test_client()
    stranger.set_cookie("lang", "en")
    for guess in (None, "", "AAAAAA"):
        response = returning(stranger, session.checkin_code, "+85512345678", guess)
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "Sokha" not in page and participant.card_code not in page
        assert "participant=" not in response.headers.get("Set-Cookie", "")
    assert stranger.get_cookie("participant") is None
    assert attendance_count() == before
    assert stranger.get(f"/c/{session.checkin_code}").get_data(as_text=True).count("Sokha") == 0
    for url in (f"/p/events/{session.event_id}", f"/p/events/{session.event_id}/pre"):
        assert "Sokha" not in stranger.get(url).get_data(as_text=True)


def test_an_unknown_number_and_a_wrong_code_get_the_same_answer(app, client, trainer):
    session = open_event(trainer).sessions[0]
    self_checkin(client, session.checkin_code, phone="012 345 678")
    stranger = app.test_client()
    stranger.set_cookie("lang", "en")
    known = returning(stranger, session.checkin_code, "012 345 678", "AAAAAA")
    unknown = returning(stranger, session.checkin_code, "099 999 999", "AAAAAA")
    message = "We could not find you with this phone number and code."
    assert known.status_code == unknown.status_code == 400
    assert message in known.get_data(as_text=True) and message in unknown.get_data(as_text=True)


def test_guessing_a_code_for_one_phone_number_is_limited(app, client, trainer):
    session = open_event(trainer).sessions[0]
    self_checkin(client, session.checkin_code, phone="012 345 678")
    participant = db.session.scalar(select(Participant))
    db.session.commit()
    for attempt in range(5):
        stranger = app.test_client()  # a new device each time
        stranger.set_cookie("lang", "en")
        written = ("012 345 678", "+85512345678", "012345678", "+855 12 345 678", "0 12-345-678")[attempt]
        assert returning(stranger, session.checkin_code, written, "AAAAA" + "3479"[attempt % 4]).status_code == 400
    late = app.test_client()
    late.set_cookie("lang", "en")
    refused = returning(late, session.checkin_code, "012 345 678", participant.personal_code)
    assert refused.status_code == 429
    assert late.get_cookie("participant") is None
    assert attendance_count() == 1
