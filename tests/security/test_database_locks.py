"""On SQLite, reading after a request's view has returned (streamed downloads) never holds the write lock."""

import sqlite3

import pytest
from sqlalchemy import text

from tests.conftest import settings_for
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


def write_lock_is_free(path: str) -> bool:
    other = sqlite3.connect(path, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.rollback()
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


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
