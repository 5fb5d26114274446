"""Hand-made participants, attendance, headcounts and quiz attempts for the report tests."""

import uuid
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from training_portal.attendance import summary
from training_portal.attendance.models import AgeBand, Attendance, CheckInMethod, Headcount, Participant, Sex
from training_portal.events.models import TargetGroup
from training_portal.extensions import db
from training_portal.quizzes.models import Phase, Quiz, QuizAttempt
from tests.factories import reference


def person(sex: str = "female", group: str = "taxi_driver", age_band: str = "25_34", name: str = "") -> Participant:
    participant = Participant(name=name, sex=Sex(sex), age_band=AgeBand(age_band),
                              target_group_id=reference(TargetGroup, group).id)
    db.session.add(participant)
    db.session.flush()
    return participant


def attend(participant: Participant, session, recorded_by=None, method: str = "scan") -> Attendance:
    attendance = Attendance(participant_id=participant.id, session_id=session.id, method=CheckInMethod(method),
                            recorded_by_id=recorded_by.id if recorded_by else None,
                            idempotency_key=uuid.uuid4().hex)
    db.session.add(attendance)
    db.session.flush()
    summary.add(session.event, participant)  # as every write path does
    return attendance


def tally(event, count: int, sex: str = "female", group: str = "villager") -> Headcount:
    headcount = Headcount(event_id=event.id, target_group_id=reference(TargetGroup, group).id, sex=Sex(sex),
                          count=count)
    db.session.add(headcount)
    db.session.flush()
    return headcount


def quiz() -> Quiz:
    existing = db.session.scalar(select(Quiz))
    if existing:
        return existing
    made = Quiz(title_en="Child protection basics", title_km="មូលដ្ឋានការពារកុមារ")
    db.session.add(made)
    db.session.flush()
    return made


def scored(participant: Participant, event, phase: str, score: float) -> QuizAttempt:
    attempt = QuizAttempt(participant_id=participant.id, event_id=event.id, quiz_id=quiz().id, phase=Phase(phase),
                          score=score, correct_count=round(score / 10), question_count=10)
    db.session.add(attempt)
    db.session.flush()
    return attempt


def sheet_rows(workbook, title: str) -> list[dict]:
    """A sheet's rows as dicts keyed by the header row (row 1), read by header name."""
    rows = list(workbook[title].iter_rows(values_only=True))
    headers = rows[0]
    return [dict(zip(headers, row)) for row in rows[1:] if any(value is not None for value in row)]


def open_workbook(data: bytes):
    return load_workbook(BytesIO(data))


def row_named(rows: list[dict], column: str, value) -> dict:
    matches = [row for row in rows if row.get(column) == value]
    assert len(matches) == 1, f"{value!r} in column {column!r}: {len(matches)} rows"
    return matches[0]
