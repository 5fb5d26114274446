"""On SQLite, shell work takes the write lock, and reading after a request has committed (the page it
answers with) or after its view has returned (streamed downloads) never holds it."""

import pytest
from flask import template_rendered
from sqlalchemy import event, func, select, text

from tests.attendance.helpers import self_checkin
from tests.conftest import PortalClient, settings_for
from tests.factories import make_staff, open_event
from tests.races import write_lock_is_free
from training_portal.attendance.models import Attendance
from training_portal.auth.models import Role
from training_portal.events.services import load_reference_data
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


def test_a_check_in_does_not_hold_the_write_lock_while_its_confirmation_renders(sqlite_app):
    """The phone's check-in commits, then its confirmation page (with the QR card) renders: meanwhile the
    next phone's check-in can take the write lock instead of waiting."""
    load_reference_data()
    event = open_event(make_staff("trainer@example.org", Role.TRAINER))
    code = event.sessions[0].checkin_code
    path = db.engine.url.database
    while_rendering = {}

    def rendered(_app, template, **_context):
        while_rendering[template.name] = write_lock_is_free(path)

    sqlite_app.test_client_class = PortalClient
    with template_rendered.connected_to(rendered, sqlite_app):
        reply = self_checkin(sqlite_app.test_client(), code)

    assert reply.status_code == 200 and 'class="qr"' in reply.get_data(as_text=True)  # the card's QR
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 1
    assert while_rendering == {"attendance/checkin.html": True, "attendance/checkin_done.html": True}
