"""On SQLite, reading after a request's view has returned (streamed downloads) never holds the write lock, and
a phone's quiz holds it only while it writes."""

import re

import pytest
import sqlalchemy as sa
from sqlalchemy import event, text

from tests.attendance.helpers import CSRF_PATTERN, KEY_PATTERN, self_checkin
from tests.conftest import PortalClient, settings_for
from tests.factories import make_event
from tests.quizzes.conftest import make_quiz
from tests.races import write_lock_is_free
from training_portal import create_app
from training_portal.auth.models import Role
from training_portal.auth.services import create_user
from training_portal.database import reading_only
from training_portal.events.services import load_reference_data
from training_portal.extensions import db, limiter
from training_portal.quizzes import services as quiz_services
from training_portal.quizzes.models import Phase, QuizAttempt


@pytest.fixture
def sqlite_app(app, tmp_path):
    embedded = create_app(settings_for(f"sqlite:///{tmp_path / 'locks.db'}"))
    embedded.config["SQLITE_IMMEDIATE_OUTSIDE_REQUESTS"] = True  # as in production
    with embedded.app_context():
        db.create_all()
        yield embedded
        db.session.remove()
        db.engine.dispose()
    limiter.init_app(app)


def test_shell_work_takes_the_write_lock_but_reading_only_does_not(sqlite_app):
    path = db.engine.url.database
    db.session.execute(text("SELECT 1"))
    assert not write_lock_is_free(path)  # a shell command may write: it waits its turn up front
    db.session.rollback()
    with reading_only():
        db.session.execute(text("SELECT 1"))
        assert write_lock_is_free(path)
        db.session.rollback()


def test_after_the_view_returned_a_post_request_only_reads(sqlite_app):
    path = db.engine.url.database
    with sqlite_app.test_request_context("/reports/attendance.csv", method="POST"):
        db.session.execute(text("SELECT 1"))
        assert not write_lock_is_free(path)
        db.session.rollback()
        sqlite_app.process_response(sqlite_app.response_class("streaming..."))  # the view has returned
        db.session.execute(text("SELECT 1"))
        assert write_lock_is_free(path)
        db.session.rollback()


def lock_while_running(path: str) -> list[tuple[str, bool]]:
    """(statement, whether another writer could take the write lock right after it), for every
    statement the app runs from now on."""
    seen = []

    @event.listens_for(db.engine, "after_cursor_execute")
    def after(_connection, _cursor, statement, *_args):
        seen.append((" ".join(statement.split()), write_lock_is_free(path)))

    return seen


def held_by(seen: list[tuple[str, bool]], start: str) -> set[bool]:
    return {free is False for statement, free in seen if statement.startswith(start)}


def test_a_phones_quiz_reads_without_the_write_lock_and_takes_it_to_write(sqlite_app):
    """Forty phones at once: each waits for the others only while it writes, not while its
    event, participant and answers are read and checked."""
    load_reference_data()
    trainer = create_user("trainer@example.org", "Trainer", Role.TRAINER, "correct horse battery staple")
    quiz = make_quiz(trainer)
    event = make_event(trainer, groups=("taxi_driver",), language="en")
    event.sessions[0].checkin_open = True
    event.pre_quiz_id = quiz.id
    db.session.commit()
    assert quiz_services.open_phase(event, Phase.PRE) is None
    db.session.commit()
    path, code, event_id = db.engine.url.database, event.sessions[0].checkin_code, event.id
    sqlite_app.test_client_class = PortalClient  # each request in its own context, as in production
    phone = sqlite_app.test_client()
    page = phone.get(f"/c/{code}").get_data(as_text=True)

    answer = self_checkin(phone, code, csrf_token=CSRF_PATTERN.search(page).group(1),
                          key=KEY_PATTERN.search(page).group(1))
    assert answer.status_code == 200

    quiz_page = phone.get(f"/p/events/{event_id}/pre").get_data(as_text=True)
    seen = lock_while_running(path)
    sent = phone.post(f"/p/events/{event_id}/pre", data={
        "csrf_token": CSRF_PATTERN.search(quiz_page).group(1),
        "idempotency_key": re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', quiz_page).group(1),
        **{name: value for name, value in re.findall(r'name="(q\d+)" value="(\d+)"', quiz_page)}})
    assert sent.status_code == 302
    # The event, the phone's participant and their standing are read in one statement.
    assert held_by(seen, "SELECT events") == {False}
    assert any("JOIN participants" in statement for statement, _free in seen if statement.startswith("SELECT events"))
    assert held_by(seen, "INSERT INTO quiz_attempts") == {True}
    assert held_by(seen, "INSERT INTO answers") == {True}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 1
