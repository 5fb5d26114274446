"""On SQLite, shell work takes the write lock, and reading after a request's view has returned (streamed
downloads) never holds it."""

import pytest
from sqlalchemy import event, text

from tests.conftest import settings_for
from tests.races import write_lock_is_free
from training_portal import create_app
from training_portal.database import reading_only
from training_portal.extensions import db, limiter


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
