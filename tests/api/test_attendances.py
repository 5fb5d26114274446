"""Attendance through the API: by card, by participant, as a walk-in; once per client key."""

import sqlalchemy as sa

from tests.factories import make_participant
from training_portal.attendance.models import Attendance, Participant
from training_portal.auth.models import AuditLog
from training_portal.events.models import EventStatus
from training_portal.extensions import db


def attendance_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Attendance))


def url(event) -> str:
    return f"/api/v1/sessions/{event.sessions[0].id}/attendances"


def test_a_card_checks_in_once_and_the_same_key_again_gets_the_first_answer(api, event):
    person = make_participant(name="Dara", checked_in=False)
    first = api.post(url(event), {"client_key": "phone-0001", "card_code": f"https://x.example/p/{person.card_code}"})
    again = api.post(url(event), {"client_key": "phone-0001", "card_code": person.card_code})
    assert first.status_code == 201
    assert first.json["participant_name"] == "Dara" and first.json["already_checked_in"] is False
    assert first.json["method"] == "scan"
    assert again.status_code == 200 and again.json == first.json
    assert attendance_count() == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)
                             .where(AuditLog.action == "api.attendance.create")) == 1


def test_a_participant_already_checked_in_with_another_key_writes_nothing(api, event):
    person = make_participant(event, name="Dara")
    answer = api.post(url(event), {"client_key": "phone-0002", "participant_id": person.id})
    assert answer.status_code == 200 and answer.json["already_checked_in"] is True
    assert attendance_count() == 1


def test_a_walk_in_is_created_once(api, event):
    group = event.target_groups[0].id
    body = {"client_key": "walkin-0001", "walk_in": {"name": "Sophea", "sex": "f", "age_band": "18_24",
                                                      "target_group_id": group, "phone": "012 345 678"}}
    first, again = api.post(url(event), body), api.post(url(event), body)
    assert first.status_code == 201 and again.status_code == 200 and again.json == first.json
    people = db.session.scalars(sa.select(Participant)).all()
    assert [(p.name, p.sex.value, p.phone) for p in people] == [("Sophea", "female", "012345678")]


def test_an_unknown_card_is_refused_in_the_users_language_and_writes_nothing(api, event):
    answer = api.post(url(event), {"client_key": "phone-0003", "card_code": "A" * 22}, language="km")
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert answer.json["detail"] != "Unknown card" and answer.json["errors"]["card_code"]
    assert api.post(url(event), {"client_key": "phone-0003", "card_code": "A" * 22}).json["detail"] == "Unknown card"
    assert attendance_count() == 0


def test_bad_fields_are_named_and_nothing_is_written(api, event):
    answer = api.post(url(event), {"client_key": "x", "walk_in": {"name": "A", "sex": "q"}})
    assert answer.status_code == 422
    assert {"client_key", "walk_in.sex", "walk_in.age_band"} <= set(answer.json["errors"])
    assert attendance_count() == 0


def test_a_cancelled_event_refuses_check_in(api, event):
    person = make_participant(name="Dara", checked_in=False)
    event.status = EventStatus.CANCELLED
    answer = api.post(url(event), {"client_key": "phone-0004", "participant_id": person.id})
    assert answer.status_code == 409 and answer.json["detail"]
    assert attendance_count() == 0


def test_another_trainers_session_is_refused(client, other_trainer, event):
    from tests.api.conftest import token_client

    person = make_participant(event, name="Dara")
    other = token_client(client, other_trainer)
    answer = other.post(url(event), {"client_key": "phone-0005", "participant_id": person.id})
    assert answer.status_code == 403
    assert other.get(f"/api/v1/sessions/{event.sessions[0].id}/roster").status_code == 403
    assert attendance_count() == 1


def test_a_read_token_cannot_write(client, trainer, event):
    from tests.api.conftest import token_client

    reader = token_client(client, trainer, scope="read")
    answer = reader.post(url(event), {"client_key": "phone-0006", "card_code": "A" * 22})
    assert answer.status_code == 403 and attendance_count() == 0


def test_without_a_token_or_session_the_api_answers_401(client, event):
    answer = client.post(url(event), json={"client_key": "phone-0007", "card_code": "A" * 22})
    assert answer.status_code == 401 and answer.mimetype == "application/problem+json"


def test_a_method_the_api_does_not_route_is_a_problem_with_allow(api):
    answer = api.client.delete("/api/v1/events", headers=api.headers())
    assert answer.status_code == 405 and answer.mimetype == "application/problem+json"
    assert "GET" in answer.headers["Allow"]
