"""Rows each worker keeps in memory (training_portal/worker_cache.py): a change made in this worker
shows at once; a change made elsewhere (another worker, a shell) shows once the kept copy is
older than CACHE_SECONDS, and never later."""

import sqlalchemy as sa

from tests.attendance.helpers import open_event
from tests.quizzes.conftest import form_answers, make_participant, make_quiz
from training_portal import worker_cache
from training_portal.events.models import TargetGroup
from training_portal.extensions import db
from training_portal.i18n import set_khmer_digits
from training_portal.quizzes import services as quiz_services
from training_portal.quizzes.models import Phase, Question


def later(monkeypatch, seconds: float) -> None:
    """Move the worker's clock on, as if ``seconds`` had passed."""
    now = worker_cache.time.monotonic()
    monkeypatch.setattr(worker_cache.time, "monotonic", lambda: now + seconds)


def group_named(code: str) -> TargetGroup:
    return db.session.scalar(sa.select(TargetGroup).where(TargetGroup.code == code))


def checkin_page(client, event) -> str:
    return client.get(f"/c/{event.sessions[0].checkin_code}").get_data(as_text=True)


def test_an_event_given_another_target_group_here_lists_it_at_once(client, trainer):
    event = open_event(trainer, groups=("taxi_driver",))
    police = group_named("police")
    assert police.name_en not in checkin_page(client.english(), event)  # the event's groups are now kept
    event.target_groups.append(police)
    db.session.commit()
    assert police.name_en in checkin_page(client, event)


def test_the_khmer_digits_setting_shows_at_once_here_and_within_the_cache_time_elsewhere(
        app, client, trainer, monkeypatch):
    event = open_event(trainer, language="km")
    assert "២០១៥" not in checkin_page(client, event)  # 2015, the session's year, in ASCII digits
    set_khmer_digits(True)
    db.session.commit()
    assert "២០១៥" in checkin_page(client, event)
    db.session.execute(sa.text("UPDATE settings SET value = '0' WHERE key = 'khmer_digits'"))  # another worker
    db.session.commit()
    assert "២០១៥" in checkin_page(client, event)
    later(monkeypatch, worker_cache.CACHE_SECONDS + 1)
    assert "២០១៥" not in checkin_page(client, event)


def test_a_quiz_is_kept_only_once_answered_and_a_new_title_shows_at_once(client, trainer):
    quiz = make_quiz(trainer)
    event = open_event(trainer)
    event.pre_quiz_id = quiz.id
    assert quiz_services.open_phase(event, Phase.PRE) is None
    db.session.commit()
    participant = make_participant(event)
    client.set_cookie("participant", participant.card_code)
    client.english()
    assert "Child protection basics" in client.get(f"/p/events/{event.id}/pre").get_data(as_text=True)
    # Not answered yet, so not kept: a question edited now is what the next phone sees.
    question = db.session.scalar(sa.select(Question).where(Question.quiz_id == quiz.id).order_by(Question.position))
    question.text_en = "Which number do you call about a child in danger?"
    db.session.commit()
    assert "Which number do you call about a child in danger?" in client.get(
        f"/p/events/{event.id}/pre").get_data(as_text=True)

    sent = client.post_form(f"/p/events/{event.id}/pre", {**form_answers(quiz, "A", "A", "B"), "idempotency_key": "k-1"})
    assert sent.status_code == 302
    assert quiz_services.quiz_is_locked(quiz)
    other = make_participant(event, name="Dara")
    client.set_cookie("participant", other.card_code)
    assert "Child protection basics" in client.get(f"/p/events/{event.id}/pre").get_data(as_text=True)  # now kept
    quiz_services.rename_quiz(quiz, "Keeping children safe", "")
    db.session.commit()
    assert "Keeping children safe" in client.get(f"/p/events/{event.id}/pre").get_data(as_text=True)
