"""Two servers: the field laptop (the ``app`` fixture's database) and the central server (a second
database of the same kind, made by the test), and an event recorded on the laptop."""

import io
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from tests.conftest import new_database, settings_for
from tests.factories import attend, choose, make_event, make_headcount, make_participant, make_quiz, make_staff
from training_portal import create_app
from training_portal.attendance.models import Registration
from training_portal.auth.models import Role
from training_portal.events.services import load_reference_data
from training_portal.extensions import db
from training_portal.quizzes.attempts import submit_attempt
from training_portal.quizzes.models import Phase
from training_portal.reports.exports import write_yearly_workbook
from training_portal.reports.period import ReportFilters, make_period

TABLES = ("events", "event_sessions", "event_trainers", "event_target_groups", "participants", "registrations",
          "attendances", "event_participants", "headcounts", "quizzes", "questions", "options", "quiz_attempts",
          "answers", "answer_selections")


def table_counts() -> dict[str, int]:
    """How many rows each table of an event's records holds, in the current app's database."""
    return {table: db.session.scalar(sa.text(f"SELECT COUNT(*) FROM {table}")) for table in TABLES}


def year_workbook(year: int = 2015) -> dict[str, list[tuple]]:
    """The yearly workbook's cells, sheet by sheet, without the columns of database ids (each server
    numbers its own rows)."""
    output = io.BytesIO()
    write_yearly_workbook(ReportFilters(period=make_period(year, False)), output, "en", include_participants=True)
    workbook = load_workbook(io.BytesIO(output.getvalue()), read_only=True)
    sheets = {}
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        keep = [index for index, header in enumerate(rows[0] if rows else ()) if "ID" not in str(header or "")]
        sheets[sheet.title] = [tuple(row[index] for index in keep if index < len(row)) for row in rows]
    return sheets


@pytest.fixture
def central(tmp_path):
    """The central server's app, on a database of its own with the reference lists and a manager."""
    with new_database(tmp_path) as url:
        central_app = create_app(settings_for(url))
        central_app.instance_path = str(tmp_path / "central")
        with central_app.app_context():
            db.create_all()
            load_reference_data()
            make_staff("manager@example.org", Role.MANAGER, "Mony Manager")
            make_staff("sokha@example.org", Role.TRAINER, "Sokha Trainer")
            db.session.commit()
        yield central_app
        with central_app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def field_event(app, manager, trainer):
    """A two-day training recorded on the laptop: three participants (one only registered), attendance
    at both sessions, a headcount of villagers, and pre- and post-tests with their answers."""
    other = make_staff("dara@example.org", Role.TRAINER, "Dara Trainer")  # has no account on the central server
    quiz = make_quiz(manager)
    event = make_event(manager, trainers=[trainer, other], days=(date(2015, 3, 10), date(2015, 3, 11)))
    event.pre_quiz_id = event.post_quiz_id = quiz.id
    mom = make_participant(event, "Srey Mom", phone="012345678")
    attend(mom, event.sessions[1], recorded_by=trainer)
    dara = make_participant(event, "Dara Chan", sex="male", group="hotel_staff", phone="097111222")
    vanna = make_participant(None, "Vanna Keo", phone="016333444")
    db.session.add(Registration(event_id=event.id, participant_id=vanna.id, registered_by_id=trainer.id))
    make_headcount(event, 40, "female", "villager")
    make_headcount(event, 35, "male", "villager")
    submit_attempt(mom, event, Phase.PRE, choose(quiz, "B", "A", "A"), on_paper=True, recorded_by=trainer)
    submit_attempt(mom, event, Phase.POST, choose(quiz, "A", "AB", "B"), on_paper=True, recorded_by=trainer)
    submit_attempt(dara, event, Phase.PRE, choose(quiz, "A", "A", "B"), on_paper=True, recorded_by=trainer)
    db.session.commit()
    return event
