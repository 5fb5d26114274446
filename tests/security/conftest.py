"""A small world of real records owned by different people, and clients for every role."""

from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import PortalClient, logged_in_client
from tests.factories import attend, make_event, make_participant, make_staff
from training_portal.attendance.device import PARTICIPANT_COOKIE
from training_portal.auth.models import Role
from training_portal.events.models import EventType, TargetGroup
from training_portal.extensions import db
from training_portal.quizzes.models import Option, Question, QuestionKind, Quiz

ROLES = ("anonymous", "device", "trainer", "other_trainer", "manager", "admin")
# A phone number that must never appear in a log.
PHONE = "012345678"


@dataclass
class World:
    admin: object
    manager: object
    trainer: object
    other_trainer: object
    victim: object  # a staff account that administration routes act on
    event: object  # the trainer's event (assigned), with a check-in session
    session: object
    spare_session: object  # no attendance: may be removed
    participant: object
    attendance: object
    quiz: object
    question: object
    spare_group: object  # a reference entry nobody uses


@pytest.fixture
def world(app) -> World:
    admin = make_staff("admin@example.org", Role.ADMIN, "Ada Admin")
    manager = make_staff("manager@example.org", Role.MANAGER, "Mony Manager")
    trainer = make_staff("sokha@example.org", Role.TRAINER, "Sokha Trainer")
    other_trainer = make_staff("vanna@example.org", Role.TRAINER, "Vanna Trainer")
    victim = make_staff("victim@example.org", Role.TRAINER, "Vichea Trainer")
    event = make_event(trainer, title="Hotel staff training", trainers=[trainer],
                       days=(date(2015, 3, 10), date(2015, 3, 11)))
    session, spare_session = event.sessions
    session.checkin_open = True
    participant = make_participant(name="Dara Sok", group="hotel_staff", phone=PHONE, organisation="Riverside Hotel")
    attendance = attend(participant, session, method="self")
    quiz = Quiz(title_en="Child protection basics", title_km="មូលដ្ឋានការពារកុមារ", created_by_id=trainer.id)
    question = Question(quiz=quiz, kind=QuestionKind.TRUE_FALSE, text_en="Children have rights.",
                        text_km="កុមារមានសិទ្ធិ។", position=1)
    question.options = [Option(text_en="True", text_km="ពិត", is_correct=True, position=1),
                        Option(text_en="False", text_km="មិនពិត", is_correct=False, position=2)]
    spare_group = TargetGroup(code="spare_group", name_en="Spare group", name_km="ក្រុមទំនេរ", sort_order=99)
    db.session.add_all([quiz, spare_group])
    db.session.flush()
    event.pre_quiz_id = quiz.id
    event.post_quiz_id = quiz.id
    db.session.commit()
    return World(admin, manager, trainer, other_trainer, victim, event, session, spare_session, participant,
                 attendance, quiz, question, spare_group)


def client_for(app, world: World, role: str) -> PortalClient:
    """A client as this role: nobody, a participant's phone (device cookie), or a logged-in staff member."""
    app.test_client_class = PortalClient
    if role == "anonymous":
        return app.test_client()
    if role == "device":
        client = app.test_client()
        client.set_cookie(PARTICIPANT_COOKIE, world.participant.card_code)
        return client
    return logged_in_client(app, getattr(world, role))


def snapshot() -> dict:
    """Every row of every table, to show that a request changed nothing."""
    db.session.expire_all()
    state = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table)).all()
        state[table.name] = sorted(repr(tuple(row)) for row in rows)
    db.session.rollback()
    return state


def row_counts() -> dict:
    counts = {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
              for table in db.metadata.sorted_tables}
    db.session.rollback()
    return counts


__all__ = ["ROLES", "World", "client_for", "snapshot", "row_counts", "EventType"]
