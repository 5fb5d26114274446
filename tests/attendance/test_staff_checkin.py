"""Trainers open check-in, show the projector, scan cards, add walk-ins and fix the roster."""

import json

from sqlalchemy import select

from tests.attendance.helpers import attendance_count, decoded_png, participant_count, self_checkin
from tests.conftest import CSRF_PATTERN
from tests.factories import group_id, make_event, make_participant, open_event
from training_portal.attendance import headcounts, roster, services
from training_portal.attendance.models import Attendance, CheckInMethod, Participant, Sex
from training_portal.auth.models import AuditLog
from training_portal.extensions import db
from training_portal.timeutil import local_today

KEY = "k" * 24


def test_trainer_opens_check_in_from_the_event_page_and_closes_it(trainer_client, trainer):
    event = make_event(trainer, trainers=[trainer])
    session = event.sessions[0]
    page = trainer_client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Open check-in" in page and "Projector" in page and "Pre-registration" in page
    trainer_client.post_form(f"/sessions/{session.id}/checkin/open")
    assert session.checkin_open
    trainer_client.post_form(f"/sessions/{session.id}/checkin/close")
    assert not session.checkin_open
    actions = db.session.scalars(select(AuditLog.action)).all()
    assert "checkin.open" in actions and "checkin.close" in actions


def test_rotating_the_code_stops_the_old_one_at_once(client, trainer_client, trainer):
    session = open_event(trainer, trainers=[trainer]).sessions[0]
    old = session.checkin_code
    trainer_client.post_form(f"/sessions/{session.id}/checkin/rotate")
    assert session.checkin_code != old and len(session.checkin_code) <= 10
    assert client.get(f"/c/{old}").status_code == 404
    assert client.get(f"/c/{session.checkin_code}").status_code == 200


def test_a_get_cannot_open_check_in(trainer_client, trainer):
    session = make_event(trainer, trainers=[trainer]).sessions[0]
    assert trainer_client.get(f"/sessions/{session.id}/checkin/open").status_code == 405
    assert not session.checkin_open


def test_another_trainer_may_not_run_check_in(other_trainer_client, trainer):
    session = open_event(trainer, trainers=[trainer]).sessions[0]
    for url in ("projector", "scanner", "roster", "count.json", "poster", "sheet.xlsx"):
        assert other_trainer_client.get(f"/sessions/{session.id}/{url}").status_code == 403
    assert other_trainer_client.post_form(f"/sessions/{session.id}/checkin/close").status_code == 403
    assert session.checkin_open


def test_projector_shows_the_qr_the_code_and_a_live_count(client, trainer_client, trainer):
    session = open_event(trainer, trainers=[trainer]).sessions[0]
    page = trainer_client.get(f"/sessions/{session.id}/projector").get_data(as_text=True)
    assert session.checkin_code in page and "<svg" in page and "checkin-projector.js" in page
    assert trainer_client.get(f"/sessions/{session.id}/count.json").json["count"] == 0
    self_checkin(client, session.checkin_code)
    assert trainer_client.get(f"/sessions/{session.id}/count.json").json == {
        "count": 1, "open": True, "code": session.checkin_code}


def test_poster_is_bilingual_and_printable(trainer_client, trainer):
    event = open_event(trainer, trainers=[trainer], title="Training for tuk-tuk drivers")
    page = trainer_client.get(f"/sessions/{event.sessions[0].id}/poster").get_data(as_text=True)
    assert "Check in with your phone" in page and "ចុះឈ្មោះចូលរួមដោយប្រើទូរស័ព្ទរបស់អ្នក" in page
    assert "Training for tuk-tuk drivers" in page and event.sessions[0].checkin_code in page
    assert "attendance.css" in page and "<svg" in page


def test_session_qr_downloads_as_png(trainer_client, trainer):
    session = open_event(trainer, trainers=[trainer]).sessions[0]
    response = trainer_client.get(f"/sessions/{session.id}/qr.png")
    assert response.mimetype == "image/png"
    assert decoded_png(response.data) == [f"http://localhost/c/{session.checkin_code}"]


def scan(client, session, card, key=KEY):
    return client.post_form(f"/sessions/{session.id}/scan", {"card": card, "key": key},
                            headers={"Accept": "application/json"}).json


def test_scanning_a_card_checks_in_then_says_already_then_rejects_strangers(trainer_client, trainer):
    # Staff may scan while self check-in is closed.
    session = make_event(trainer, trainers=[trainer], days=(local_today(),)).sessions[0]
    participant = make_participant(name="Dara", sex="male")
    answer = scan(trainer_client, session, f"http://localhost/p/{participant.card_code}")
    assert answer["status"] == "checked_in" and answer["name"] == "Dara" and answer["count"] == 1
    assert scan(trainer_client, session, participant.card_code, key="m" * 24)["status"] == "already_checked_in"
    assert scan(trainer_client, session, "http://localhost/p/AAAAAAAAAAAAAAAAAAAAAA", key="n" * 24)["status"] == "not_valid"
    attendance = db.session.scalar(select(Attendance))
    assert attendance.method == CheckInMethod.SCAN and attendance.recorded_by_id == trainer.id
    assert attendance_count() == 1


def test_a_retried_scan_gets_the_same_answer(trainer_client, trainer):
    session = make_event(trainer, trainers=[trainer], days=(local_today(),)).sessions[0]
    participant = make_participant(name="Dara", sex="male")
    assert scan(trainer_client, session, participant.card_code)["status"] == "checked_in"
    assert scan(trainer_client, session, participant.card_code)["status"] == "checked_in"
    assert attendance_count() == 1


def test_usb_scanner_form_works_without_javascript(trainer_client, trainer):
    session = make_event(trainer, trainers=[trainer], days=(local_today(),)).sessions[0]
    participant = make_participant(name="Vanna", sex="male")
    trainer_client.set_cookie("lang", "en")
    response = trainer_client.post_form(f"/sessions/{session.id}/scan", {"card": participant.card_code, "key": KEY})
    page = response.get_data(as_text=True)
    assert "Checked in" in page and "Vanna" in page


def met_at_an_earlier_event(participant, trainer):
    """The participant registered for an earlier event of this trainer's."""
    roster.register(make_event(trainer, title="Earlier training", trainers=[trainer]), participant, trainer)
    db.session.commit()
    return participant


def test_walk_in_search_finds_returning_participants_first(trainer_client, trainer):
    session = make_event(trainer, trainers=[trainer]).sessions[0]
    met_at_an_earlier_event(make_participant(name="Sokha Chan", sex="male", phone="012345678"), trainer)
    by_name = trainer_client.get(f"/sessions/{session.id}/roster?q=sokha").get_data(as_text=True)
    by_phone = trainer_client.get(f"/sessions/{session.id}/roster?q=012 345").get_data(as_text=True)
    assert "Sokha Chan" in by_name and "Sokha Chan" in by_phone
    assert "Nobody found" in trainer_client.get(f"/sessions/{session.id}/roster?q=zzz").get_data(as_text=True)


def test_returning_participant_is_checked_in_from_the_search(trainer_client, trainer):
    session = make_event(trainer, trainers=[trainer]).sessions[0]
    participant = met_at_an_earlier_event(make_participant(name="Sokha Chan", sex="male"), trainer)
    trainer_client.post_form(f"/sessions/{session.id}/walk-in/returning", {"participant_id": participant.id, "key": KEY})
    attendance = db.session.scalar(select(Attendance))
    assert attendance.participant_id == participant.id and attendance.method == CheckInMethod.WALK_IN
    assert participant_count() == 1


def test_walk_in_adds_a_new_participant_with_the_event_defaults(trainer_client, trainer):
    event = make_event(trainer, trainers=[trainer], province_code="kampot")
    session = event.sessions[0]
    response = trainer_client.post_form(f"/sessions/{session.id}/walk-in", {
        "key": KEY, "name": "Srey Mom", "sex": "female", "age_band": "50_plus",
        "target_group_id": group_id("hotel_staff"), "phone": ""})
    assert response.status_code == 302
    participant = db.session.scalar(select(Participant))
    assert participant.name == "Srey Mom" and participant.province.code == "kampot"
    assert "Srey Mom is checked in." in trainer_client.get(f"/sessions/{session.id}/roster").get_data(as_text=True)
    # The same form sent twice (a double tap) is one participant and one check-in.
    trainer_client.post_form(f"/sessions/{session.id}/walk-in", {
        "key": KEY, "name": "Srey Mom", "sex": "female", "age_band": "50_plus",
        "target_group_id": group_id("hotel_staff")})
    assert participant_count() == 1 and attendance_count() == 1


def test_walk_in_with_a_missing_field_says_which_and_records_nothing(trainer_client, trainer):
    session = make_event(trainer, trainers=[trainer]).sessions[0]
    response = trainer_client.post_form(f"/sessions/{session.id}/walk-in", {"key": KEY, "name": "X", "sex": "female",
                                                                             "age_band": ""})
    assert response.status_code == 400 and "Choose one." in response.get_data(as_text=True)
    assert participant_count() == 0


def test_roster_shows_who_when_how_and_by_whom_and_a_wrong_check_in_is_removed(client, trainer_client, trainer):
    session = open_event(trainer, trainers=[trainer]).sessions[0]
    self_checkin(client, session.checkin_code, name="Wrong Person")
    trainer_client.set_cookie("lang", "en")
    page = trainer_client.get(f"/sessions/{session.id}/roster").get_data(as_text=True)
    assert "Wrong Person" in page and "Self check-in" in page and "the participant" in page
    attendance = db.session.scalar(select(Attendance))
    attendance_id = attendance.id
    trainer_client.post_form(f"/attendance/{attendance_id}/remove")
    assert attendance_count() == 0
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "attendance.remove"))
    assert entry.user_id == trainer.id and json.loads(entry.details)["attendance_id"] == attendance_id


def test_headcounts_are_recorded_per_target_group_and_sex(trainer_client, trainer):
    event = make_event(trainer, trainers=[trainer], groups=("villager", "student"))
    villager, student = group_id("villager"), group_id("student")
    data = {f"count_{g}_{s}": 0 for g in (villager, student) for s in ("female", "male", "other")}
    data.update({f"count_{villager}_female": 40, f"count_{villager}_male": 35, f"count_{student}_female": 12})
    assert trainer_client.post_form(f"/events/{event.id}/headcounts", data).status_code == 302
    assert headcounts.headcounts(event) == {(villager, "female"): 40, (villager, "male"): 35, (student, "female"): 12}
    assert headcounts.headcount_total(event) == 87
    data[f"count_{student}_female"] = 0
    data[f"count_{villager}_male"] = -3
    response = trainer_client.post_form(f"/events/{event.id}/headcounts", data)
    assert response.status_code == 400 and headcounts.headcount_total(event) == 87
    data[f"count_{villager}_male"] = 30
    trainer_client.post_form(f"/events/{event.id}/headcounts", data)
    assert headcounts.headcounts(event) == {(villager, "female"): 40, (villager, "male"): 30}


def test_pre_registered_participants_get_printable_cards_without_personal_data_in_the_qr(trainer_client, trainer):
    event = make_event(trainer, trainers=[trainer])
    response = trainer_client.post_form(f"/events/{event.id}/participants", {
        "name": "Chenda Ouk", "sex": "female", "age_band": "18_24", "target_group_id": group_id("hotel_staff"),
        "phone": "097 111 2222", "organisation": "Riverside Hotel", "province_id": event.province_id})
    assert response.status_code == 302
    participant = db.session.scalar(select(Participant))
    assert roster.registered_participants(event) == [participant] and attendance_count() == 0
    page = trainer_client.get(f"/events/{event.id}/cards").get_data(as_text=True)
    assert "Chenda Ouk" in page and page.count('class="qr"') == 1


def test_counts_for_other_packages(client, trainer):
    from datetime import date

    event = open_event(trainer, days=[date(2015, 3, 10), date(2015, 3, 11)])
    first, second = event.sessions
    second.checkin_open = True
    db.session.commit()
    self_checkin(client, first.checkin_code, name="A")
    page = client.get(f"/c/{second.checkin_code}").get_data(as_text=True)
    token = CSRF_PATTERN.search(page).group(1)
    from tests.attendance.helpers import KEY_PATTERN
    client.post(f"/c/{second.checkin_code}", data={"csrf_token": token, "key": KEY_PATTERN.search(page).group(1),
                                                   "kind": "returning"})
    self_checkin(client, second.checkin_code, name="B", key="b" * 20, csrf_token=token)
    assert services.checked_in_count(first) == 1 and services.checked_in_count(second) == 2
    assert services.event_participant_count(event) == 2


def test_the_projector_page_rotates_the_code_and_stays_on_the_projector(trainer_client, trainer):
    session = open_event(trainer, trainers=[trainer]).sessions[0]
    old = session.checkin_code
    page = trainer_client.get(f"/sessions/{session.id}/projector").get_data(as_text=True)
    assert "New code" in page and "Close check-in" in page
    response = trainer_client.post_form(f"/sessions/{session.id}/checkin/rotate",
                                        {"next": f"/sessions/{session.id}/projector"})
    assert response.headers["Location"].endswith(f"/sessions/{session.id}/projector")
    assert session.checkin_code != old
    elsewhere = trainer_client.post_form(f"/sessions/{session.id}/checkin/close", {"next": "//evil.example/"})
    assert elsewhere.headers["Location"].endswith(f"/events/{session.event_id}")


def test_the_event_page_shows_each_sessions_check_ins_and_the_events_participants(trainer_client, trainer):
    from datetime import date

    from training_portal.attendance.models import Headcount

    event = make_event(trainer, trainers=[trainer], days=(date(2015, 3, 10), date(2015, 3, 11)))
    first, second = event.sessions
    dara, sokha = make_participant(name="Dara"), make_participant(name="Sokha")
    for number, (participant, session) in enumerate([(dara, first), (dara, second), (sokha, second)]):
        db.session.add(Attendance(participant_id=participant.id, session_id=session.id, method=CheckInMethod.WALK_IN,
                                  idempotency_key=f"walk-in-{number}".ljust(20, "x")))
    db.session.add(Headcount(event_id=event.id, target_group_id=group_id("villager"), sex=Sex.FEMALE, count=40))
    db.session.commit()
    page = trainer_client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "1 checked in" in page and "2 checked in" in page
    assert "Participants: 2 individually checked in, 40 in headcounts." in page
