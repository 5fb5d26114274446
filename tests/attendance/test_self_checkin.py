"""A participant checks in on their own phone at /c/<code>."""

import re

import pytest
from sqlalchemy import select

from tests.attendance.helpers import attendance_count, decoded_svg, form_values, participant_count, self_checkin
from tests.factories import group_id, open_event
from training_portal.attendance.models import Attendance, CheckInMethod, Participant
from training_portal.events.models import TargetGroup, event_target_groups
from training_portal.extensions import db


def test_new_participant_checks_in_and_gets_a_card_and_a_cookie(client, trainer):
    event = open_event(trainer)
    session = event.sessions[0]
    response = self_checkin(client, session.checkin_code, phone="+855 12 345 678")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "You are checked in, Sokha" in page or "Sokha" in page
    participant = db.session.scalar(select(Participant))
    assert participant.phone == "012345678"
    assert participant.province.code == "phnom_penh"
    attendance = db.session.scalar(select(Attendance))
    assert (attendance.session_id, attendance.method) == (session.id, CheckInMethod.SELF)
    assert attendance.recorded_by_id is None
    assert f"/p/{participant.card_code}" in page  # the personal card
    assert participant.card_code in response.headers["Set-Cookie"]


def test_reopening_the_page_says_already_checked_in_and_records_nothing(client, trainer):
    session = open_event(trainer).sessions[0]
    self_checkin(client, session.checkin_code)
    page = client.get(f"/c/{session.checkin_code}").get_data(as_text=True)
    assert "already checked in" in page
    assert attendance_count() == 1


def test_a_repeated_submission_gets_the_same_answer_and_one_row(client, trainer):
    session = open_event(trainer).sessions[0]
    page = client.get(f"/c/{session.checkin_code}").get_data(as_text=True)
    csrf, key = form_values(page)
    first = self_checkin(client, session.checkin_code, key=key, csrf_token=csrf)
    again = self_checkin(client, session.checkin_code, key=key, csrf_token=csrf)
    assert first.status_code == again.status_code == 200
    assert "You are checked in" in again.get_data(as_text=True)
    assert attendance_count() == 1 and participant_count() == 1


def test_returning_participant_checks_in_with_one_tap_at_the_next_session(client, trainer):
    event = open_event(trainer, days=[__import__("datetime").date(2015, 3, 10), __import__("datetime").date(2015, 3, 11)])
    first, second = event.sessions
    self_checkin(client, first.checkin_code)
    second.checkin_open = True
    db.session.commit()
    page = client.get(f"/c/{second.checkin_code}").get_data(as_text=True)
    assert "Check in as Sokha" in page
    csrf, key = form_values(page)
    response = client.post(f"/c/{second.checkin_code}", data={"csrf_token": csrf, "key": key, "kind": "returning"})
    assert "You are checked in, Sokha" in response.get_data(as_text=True)
    assert participant_count() == 1
    assert attendance_count(second) == 1


def returning_on(phone_client, code, phone, personal_code):
    page = phone_client.get(f"/c/{code}").get_data(as_text=True)
    csrf, key = form_values(page)
    return phone_client.post(f"/c/{code}", data={"csrf_token": csrf, "key": key, "kind": "phone", "phone": phone,
                                                  "personal_code": personal_code})


def new_phone(app):
    phone_client = app.test_client()
    phone_client.set_cookie("lang", "en")
    return phone_client


def test_returning_participant_on_another_phone_checks_in_with_phone_number_and_code(app, client, trainer):
    event = open_event(trainer, days=[__import__("datetime").date(2015, 3, 10), __import__("datetime").date(2015, 3, 11)])
    first, second = event.sessions
    self_checkin(client, first.checkin_code, phone="012 345 678")
    second.checkin_open = True
    db.session.commit()
    participant = db.session.scalar(select(Participant))
    other_phone = new_phone(app)
    response = returning_on(other_phone, second.checkin_code, "+85512345678", participant.personal_code.lower())
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "You are checked in, Sokha" in page
    assert f"Your code for checking in on another phone: {participant.personal_code}" in page
    assert other_phone.get_cookie("participant") is not None
    assert participant_count() == 1 and attendance_count(second) == 1


def test_unknown_phone_number_or_wrong_code_writes_nothing_and_names_nobody(app, client, trainer):
    session = open_event(trainer).sessions[0]
    self_checkin(client, session.checkin_code, phone="012 345 678")
    participant = db.session.scalar(select(Participant))
    wrong = "3" * 6 if participant.personal_code != "3" * 6 else "4" * 6
    for phone, code in (("099 999 999", participant.personal_code), ("012 345 678", wrong)):
        response = returning_on(new_phone(app), session.checkin_code, phone, code)
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "We could not find you with this phone number and code." in page and "Sokha" not in page
    assert attendance_count() == 1


def test_five_wrong_codes_lock_that_phone_number_but_not_another_participant(app, client, trainer):
    session = open_event(trainer).sessions[0]
    self_checkin(client, session.checkin_code, phone="012 345 678")
    other = app.test_client()
    other.set_cookie("lang", "en")
    self_checkin(other, session.checkin_code, phone="097 111 222", name="Dara")
    victim, dara = db.session.scalars(select(Participant).order_by(Participant.id)).all()
    wrong = "3" * 6 if victim.personal_code != "3" * 6 else "4" * 6
    for _ in range(5):
        assert returning_on(new_phone(app), session.checkin_code, "012 345 678", wrong).status_code == 400
    refused = returning_on(new_phone(app), session.checkin_code, "012 345 678", victim.personal_code)
    assert refused.status_code == 429
    dara_phone = new_phone(app)
    allowed = returning_on(dara_phone, session.checkin_code, "097 111 222", dara.personal_code)
    assert allowed.status_code == 200 and "already checked in" in allowed.get_data(as_text=True)
    assert attendance_count() == 2


def test_the_card_page_shows_the_code_and_remembers_the_phone_with_csrf(app, client, trainer):
    session = open_event(trainer).sessions[0]
    self_checkin(client, session.checkin_code, phone="012 345 678")
    participant = db.session.scalar(select(Participant))
    phone = new_phone(app)
    page = phone.get(f"/p/{participant.card_code}").get_data(as_text=True)
    assert f"Your code for checking in on another phone: {participant.personal_code}" in page
    assert phone.post(f"/p/{participant.card_code}/remember", data={}).status_code == 400
    assert phone.get_cookie("participant") is None
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    remembered = phone.post(f"/p/{participant.card_code}/remember", data={"csrf_token": csrf})
    assert remembered.status_code == 200 and "This phone remembers you" in remembered.get_data(as_text=True)
    assert phone.get_cookie("participant") is not None
    assert "already checked in" in phone.get(f"/c/{session.checkin_code}").get_data(as_text=True)


def test_consent_and_the_required_fields_are_asked_for(client, trainer):
    session = open_event(trainer).sessions[0]
    response = self_checkin(client, session.checkin_code, consent="", sex="", age_band="")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please agree to the statement" in page
    assert page.count("Choose one.") >= 2
    assert attendance_count() == 0 and participant_count() == 0


def test_an_anonymous_participant_needs_only_sex_age_band_and_target_group(client, trainer):
    session = open_event(trainer).sessions[0]
    response = self_checkin(client, session.checkin_code, name="", phone="")
    assert "You are checked in." in response.get_data(as_text=True)
    assert db.session.scalar(select(Participant)).name == ""


def test_closed_rotated_cancelled_and_unknown_codes_get_one_answer_and_record_nothing(client, trainer):
    """Nobody can tell a closed code from one that never existed: both are "no such open code"."""
    event = open_event(trainer)
    session = event.sessions[0]
    code = session.checkin_code
    page = client.get(f"/c/{code}").get_data(as_text=True)
    csrf, key = form_values(page)
    answers = {}

    session.checkin_open = False
    db.session.commit()
    answers["closed"] = self_checkin(client, code, csrf_token=csrf, key=key)
    answers["closed page"] = client.get(f"/c/{code}")

    session.checkin_open = True
    event.status = event.status.CANCELLED
    db.session.commit()
    answers["cancelled"] = client.get(f"/c/{code}")

    event.status = event.status.PLANNED
    session.checkin_code = "XYZ777"
    db.session.commit()
    answers["rotated"] = client.post(f"/c/{code}", data={"csrf_token": csrf, "key": key, "kind": "new", "sex": "male"})
    answers["unknown"] = client.get("/c/QQQQQQ")

    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(answers, 404)
    # The same page, but for the language switch's token (signed with the time) and where it comes back to.
    pages = {re.sub(r'name="(next|csrf_token)" value="[^"]*"', "", answer.get_data(as_text=True))
             for answer in answers.values()}
    assert len(pages) == 1 and "This check-in code is not valid" in pages.pop()
    assert attendance_count() == 0 and participant_count() == 0


def test_a_get_never_records_anything(client, trainer):
    session = open_event(trainer).sessions[0]
    for url in (f"/c/{session.checkin_code}", f"/c/{session.checkin_code.lower()}", "/c", f"/c?code={session.checkin_code}"):
        client.get(url)
    assert attendance_count() == 0 and participant_count() == 0


def test_typed_code_leads_to_the_check_in_page(client, trainer):
    session = open_event(trainer).sessions[0]
    response = client.get(f"/c?code={session.checkin_code.lower()}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/c/{session.checkin_code}")


def test_the_page_speaks_the_event_language_unless_the_phone_chose_another(app, trainer):
    english = open_event(trainer, language="en").sessions[0]
    khmer = open_event(trainer, language="km", title="Khmer event").sessions[0]
    phone = app.test_client()
    assert "Your name" in phone.get(f"/c/{english.checkin_code}").get_data(as_text=True)
    assert "Your name" not in phone.get(f"/c/{khmer.checkin_code}").get_data(as_text=True)
    phone.set_cookie("lang", "en")
    assert "Your name" in phone.get(f"/c/{khmer.checkin_code}").get_data(as_text=True)


def test_personal_card_page_shows_the_qr_with_only_the_card_url(client, trainer):
    session = open_event(trainer).sessions[0]
    self_checkin(client, session.checkin_code)
    participant = db.session.scalar(select(Participant))
    page = client.get(f"/p/{participant.card_code}")
    assert page.status_code == 200 and "<svg" in page.get_data(as_text=True)
    assert client.get("/p/not-a-real-card-code-000").status_code == 404
    card_url = f"http://localhost/p/{participant.card_code}"
    assert decoded_svg(page.get_data(as_text=True)) == [card_url]
    svg = client.get(f"/p/{participant.card_code}/qr.svg")
    assert svg.mimetype == "image/svg+xml"
    assert decoded_svg(svg.data) == [card_url]


def test_the_province_may_be_left_unstated(client, trainer):
    session = open_event(trainer).sessions[0]
    response = self_checkin(client, session.checkin_code, name="", province_id="")
    assert response.status_code == 200
    assert db.session.scalar(select(Participant)).province_id is None


@pytest.mark.parametrize("fields", [
    {"sex": "robot"},
    {"age_band": "99_100"},
    {"target_group_id": "police"},  # replaced by the police's id: a group this event is not for
    {"target_group_id": "not-a-number"},
    {"province_id": "99999"},
], ids=["sex", "age band", "another event's group", "garbage group", "unknown province"])
def test_a_choice_the_form_did_not_offer_is_refused_and_nothing_is_written(client, trainer, fields):
    session = open_event(trainer).sessions[0]
    if fields.get("target_group_id") == "police":
        fields = {"target_group_id": str(group_id("police"))}
    response = self_checkin(client, session.checkin_code, **fields)
    assert response.status_code == 400
    assert "Not a valid choice." in response.get_data(as_text=True)
    assert attendance_count() == 0 and participant_count() == 0


def test_a_target_group_given_to_the_event_by_another_worker_is_listed_at_once(client, trainer):
    event = open_event(trainer, groups=("taxi_driver",))
    police = db.session.scalar(select(TargetGroup).where(TargetGroup.code == "police"))
    url = f"/c/{event.sessions[0].checkin_code}"
    assert police.name_en not in client.get(url).get_data(as_text=True)
    # Another process adds the group: this worker's ORM sees no change.
    db.session.execute(event_target_groups.insert().values(event_id=event.id, target_group_id=police.id))
    db.session.commit()
    assert police.name_en in client.get(url).get_data(as_text=True)
