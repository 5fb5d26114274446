"""A quiz submission overtaken by another submission of the same participant and phase.

Two phones of one participant (or a double tap through a slow network) send the
pre-test at once. On PostgreSQL the other submission can commit between this
one's look-up of earlier attempts and its insert: this one must then answer with
the attempt that was recorded and record nothing, whether it runs in a savepoint
(paper answers) or is the whole transaction (a phone's submission). On SQLite
the look-up already holds the write lock, so nobody can commit in between.
"""

import pytest
import sqlalchemy as sa

from tests.factories import choose
from tests.races import overtaken_before_insert
from training_portal.attendance.models import Participant
from training_portal.events.models import Event
from training_portal.extensions import db
from training_portal.quizzes import services
from training_portal.quizzes.models import Answer, Phase, QuizAttempt


@pytest.mark.parametrize("whole_transaction", [True, False], ids=["whole transaction", "savepoint"])
def test_a_submission_overtaken_by_another_returns_the_recorded_attempt(app, event, quiz, participant,
                                                                        whole_transaction):
    assert services.open_phase(event, Phase.PRE) is None
    db.session.commit()
    event_id, participant_id = event.id, participant.id
    overtaken = []

    def other_phone_submits_first():
        with app.app_context():
            attempt, created = services.submit_attempt(
                db.session.get(Participant, participant_id), db.session.get(Event, event_id), Phase.PRE,
                choose(quiz, "B", "C", "A"), "other-phone", checked_in=True, whole_transaction=True)
            db.session.commit()
            return attempt.id, created

    with app.test_request_context(f"/p/events/{event_id}/pre", method="POST"):  # SQLite: BEGIN IMMEDIATE
        db.session.rollback()
        sa.event.listen(db.session(), "do_orm_execute", overtaken_before_insert(other_phone_submits_first, overtaken))
        attempt, created = services.submit_attempt(
            db.session.get(Participant, participant_id), db.session.get(Event, event_id), Phase.PRE,
            choose(quiz, "A", "AB", "B"), "this-phone", checked_in=True, whole_transaction=whole_transaction)
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
