"""A quiz submission overtaken by another submission of the same participant and phase.

Two phones of one participant (or a double tap through a slow network) send the
pre-test at once. On PostgreSQL the other submission can commit between this
one's look-up of earlier attempts and its insert: this one must then answer with
the attempt that was recorded and record nothing. On SQLite the look-up already
holds the write lock, so nobody can commit in between.
"""

import sqlalchemy as sa

from tests.factories import choose
from tests.races import overtaken_before_flush
from training_portal.attendance.models import Participant
from training_portal.events.models import Event
from training_portal.extensions import db
from training_portal.quizzes import attempts, phases
from training_portal.quizzes.models import Answer, Phase, QuizAttempt


def test_a_submission_overtaken_by_another_returns_the_recorded_attempt(app, event, quiz, participant):
    assert phases.open_phase(event, Phase.PRE) is None
    db.session.commit()
    event_id, participant_id = event.id, participant.id
    overtaken = []

    def other_phone_submits_first():
        with app.app_context():
            attempt, created = attempts.submit_attempt(
                db.session.get(Participant, participant_id), db.session.get(Event, event_id), Phase.PRE,
                choose(quiz, "B", "C", "A"), "other-phone")
            db.session.commit()
            return attempt.id, created

    with app.test_request_context(f"/p/events/{event_id}/pre", method="POST"):  # SQLite: BEGIN IMMEDIATE
        db.session.rollback()
        sa.event.listen(db.session(), "before_flush", overtaken_before_flush(other_phone_submits_first, overtaken))
        attempt, created = attempts.submit_attempt(
            db.session.get(Participant, participant_id), db.session.get(Event, event_id), Phase.PRE,
            choose(quiz, "A", "AB", "B"), "this-phone")
        answer = (attempt.id, created, attempt.score)
        db.session.commit()

    db.session.expire_all()
    recorded = db.session.scalars(sa.select(QuizAttempt)).all()
    assert len(recorded) == 1
    if db.engine.dialect.name == "postgresql":
        assert overtaken == [(recorded[0].id, True)]
        assert answer == (recorded[0].id, False, 0.0)  # the other phone's answers, all wrong
    else:
        assert overtaken == [False]  # the write lock was taken before the look-up
        assert answer == (recorded[0].id, True, 100.0)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 3
