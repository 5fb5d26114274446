"""A check-in overtaken by its own repeat between its look-up and its insert.

A phone on a weak connection sends the form again while the first request is
still on its way; both carry the same idempotency key. On PostgreSQL the
second request can commit between the first one's look-up of the key and its
insert: the first must then answer like the second (the same person, checked
in once). On SQLite the look-up already holds the write lock, so nobody can
commit in between.
"""

import sqlalchemy as sa

from tests.factories import make_event, new_participant
from tests.races import overtaken_before_flush
from training_portal.attendance import services
from training_portal.attendance.models import Attendance, CheckInMethod, EventParticipant, Participant
from training_portal.events.models import Session
from training_portal.extensions import db



def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_check_in_overtaken_by_its_repeat_answers_like_the_repeat(app, trainer):
    event = make_event(trainer, groups=("taxi_driver",), language="en")
    session_id = event.sessions[0].id
    client_key = services.new_client_key()
    overtaken = []

    def repeat_commits_first():
        """The same form, sent again, handled by another worker with its own connection."""
        with app.app_context():
            session = db.session.get(Session, session_id)
            result = services.check_in(session, new_participant("Sokha"), CheckInMethod.SELF, client_key)
            db.session.commit()
            return result.participant.id

    with app.test_request_context("/c/CODE", method="POST"):  # a request that writes: SQLite's BEGIN IMMEDIATE
        db.session.rollback()
        session = db.session.get(Session, session_id)
        sa.event.listen(db.session(), "before_flush", overtaken_before_flush(repeat_commits_first, overtaken))
        result = services.check_in(session, new_participant("Sokha"), CheckInMethod.SELF, client_key)
        db.session.commit()

    assert result.status == services.CHECKED_IN
    if db.engine.dialect.name == "postgresql":
        assert result.participant.id == overtaken[0]
    else:
        assert overtaken == [False]  # the write lock was taken before the look-up
    db.session.expire_all()
    assert count(Participant) == 1
    assert count(Attendance) == 1
    assert count(EventParticipant) == 1
    assert db.session.scalar(sa.select(Participant.name)) == "Sokha"
