"""Roster, headcounts and paper quiz answers through the API, and the browser's session with CSRF."""

import json
import re

import sqlalchemy as sa

from tests.factories import make_participant, make_quiz
from training_portal.attendance.models import Headcount
from training_portal.auth.models import AuditLog
from training_portal.extensions import db
from training_portal.quizzes.models import QuizAttempt


def test_the_roster_lists_the_events_people_marked_checked_in(api, event):
    make_participant(event, name="Dara")
    answer = api.get(f"/api/v1/sessions/{event.sessions[0].id}/roster")
    assert answer.status_code == 200
    assert answer.json["session"]["id"] == event.sessions[0].id
    [person] = answer.json["participants"]
    assert person["name"] == "Dara" and person["checked_in"] is True and person["sex"] == "f"


def test_headcounts_replace_the_given_cells(api, event):
    group = event.target_groups[0].id
    url = f"/api/v1/events/{event.id}/headcounts"
    answer = api.put(url, {"counts": [{"target_group_id": group, "sex": "f", "count": 12},
                                      {"target_group_id": group, "sex": "m", "count": 9}]})
    again = api.put(url, {"counts": [{"target_group_id": group, "sex": "m", "count": 0}]})
    assert answer.status_code == 200 and again.status_code == 200
    assert again.json["counts"] == [{"target_group_id": group, "sex": "f", "count": 12}]
    assert [(h.sex.value, h.count) for h in db.session.scalars(sa.select(Headcount))] == [("female", 12)]


def test_a_negative_headcount_is_refused(api, event):
    answer = api.put(f"/api/v1/events/{event.id}/headcounts",
                     {"counts": [{"target_group_id": event.target_groups[0].id, "sex": "f", "count": -1}]})
    assert answer.status_code == 422 and "counts.0.count" in answer.json["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Headcount)) == 0


def paper_event(event, manager):
    quiz = make_quiz(manager)
    event.pre_quiz_id = event.post_quiz_id = quiz.id
    db.session.commit()
    return quiz


def test_paper_answers_count_once_and_a_replay_changes_nothing(api, event, manager):
    quiz = paper_event(event, manager)
    person = make_participant(event, name="Dara")
    walk_in = api.post(f"/api/v1/sessions/{event.sessions[0].id}/attendances", {
        "client_key": "offline-walkin-1", "walk_in": {"name": "Sophea", "sex": "f", "age_band": "18_24",
                                                      "target_group_id": event.target_groups[0].id}})
    q = [str(question.id) for question in quiz.questions]
    body = {"phase": "pre", "rows": [
        {"participant_id": person.id, "answers": {q[0]: "A", q[1]: "AB", q[2]: "B"}},
        {"attendance_client_key": "offline-walkin-1", "answers": {q[0]: "b"}}]}
    first = api.post(f"/api/v1/events/{event.id}/paper-answers", body)
    replay = api.post(f"/api/v1/events/{event.id}/paper-answers", body)
    assert first.status_code == 200 and first.json["created"] == 2
    assert [row["participant_id"] for row in first.json["rows"]] == [person.id, walk_in.json["participant_id"]]
    assert replay.json == {"created": 0, "rows": [{"participant_id": person.id, "created": False},
                                                  {"participant_id": walk_in.json["participant_id"], "created": False}]}
    scores = sorted(a.score for a in db.session.scalars(sa.select(QuizAttempt)))
    assert scores == [0.0, 100.0]


def test_invalid_letters_are_refused_per_row_and_nothing_is_written(api, event, manager):
    quiz = paper_event(event, manager)
    first, second = make_participant(event, name="Dara"), make_participant(event, name="Vuthy")
    q = [str(question.id) for question in quiz.questions]
    answer = api.post(f"/api/v1/events/{event.id}/paper-answers", {"phase": "post", "rows": [
        {"participant_id": first.id, "answers": {q[0]: "A"}},
        {"participant_id": second.id, "answers": {q[0]: "Z"}}]})
    assert answer.status_code == 422 and list(answer.json["errors"]) == [f"rows.1.answers.{q[0]}"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 0


def test_the_browser_session_writes_only_with_the_csrf_header(trainer_client, event):
    person = make_participant(name="Dara", checked_in=False)
    url = f"/api/v1/sessions/{event.sessions[0].id}/attendances"
    body = {"client_key": "browser-0001", "card_code": person.card_code}
    refused = trainer_client.post(url, json=body)
    assert refused.status_code == 400 and refused.mimetype == "application/problem+json"
    page = trainer_client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page) or re.search(r'value="([^"]{20,})"', page)
    token = token.group(1) if token else trainer_client.csrf_token()
    accepted = trainer_client.post(url, json=body, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201
    details = db.session.scalar(sa.select(AuditLog.details).where(AuditLog.action == "api.attendance.create"))
    assert json.loads(details)["via"] == "session"
