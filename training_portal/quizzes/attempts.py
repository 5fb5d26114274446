"""Participants' attempts: a pre-test or post-test handed in, scored on the server and recorded once."""

import uuid

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..attendance.models import Participant
from ..auth.models import User
from ..events.models import Event
from ..extensions import db
from .models import Answer, Phase, Question, QuestionKind, Quiz, QuizAttempt
from .phases import find_attempt, is_checked_in, phase_is_open, phase_quiz_with_questions
from .scoring import QuestionKey, score_attempt


class SubmissionRefused(Exception):
    """An attempt that may not be recorded; ``reason`` is an untranslated key."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def answer_key(quiz: Quiz) -> list[QuestionKey]:
    return [
        QuestionKey(q.id, q.kind.value, frozenset(o.id for o in q.options if o.is_correct)) for q in quiz.questions
    ]


def clean_selections(quiz: Quiz, selections: dict) -> dict[int, set[int]]:
    """Keep only option ids that belong to their question (a single answer for single/true-false)."""
    cleaned = {}
    for question in quiz.questions:
        valid = {option.id for option in question.options}
        chosen = {int(v) for v in selections.get(question.id, ()) if str(v).isdigit() and int(v) in valid}
        if chosen and (question.kind == QuestionKind.MULTIPLE or len(chosen) == 1):
            cleaned[question.id] = chosen
    return cleaned


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


def submit_attempt(participant: Participant, event: Event, phase: Phase, selections: dict,
                   idempotency_key: str | None = None, *, on_paper: bool = False,
                   recorded_by: User | None = None, quiz: Quiz | None = None) -> tuple[QuizAttempt, bool]:
    """Score and record one attempt; returns (attempt, created).

    A resubmission (same idempotency key, or any second attempt of this
    participant for this event and phase) returns the attempt already
    recorded and changes nothing. Raises SubmissionRefused, having saved
    nothing, when the phase is closed (participants only: paper sheets are
    entered after the event), the participant is not checked in to the event,
    or the phase has no quiz. A race with another submission of the same
    participant and phase is settled in a savepoint: the attempt recorded
    first is returned. ``quiz``: the phase's quiz with its questions, when the caller has loaded it.
    """
    existing = find_attempt(participant, event, phase)
    if existing is not None:
        return existing, False
    if idempotency_key and db.session.scalar(select(sa.exists().where(QuizAttempt.idempotency_key == idempotency_key))):
        idempotency_key = None  # a reused key from elsewhere: never attach to someone else's attempt
    if quiz is None:
        quiz = phase_quiz_with_questions(event, phase)
    if quiz is None or not quiz.questions:
        raise SubmissionRefused("no_quiz")
    if not on_paper and not phase_is_open(event, phase):
        raise SubmissionRefused("closed")
    if not is_checked_in(participant, event):
        raise SubmissionRefused("not_checked_in")

    chosen = clean_selections(quiz, selections)
    scored = score_attempt(answer_key(quiz), chosen)
    attempt = QuizAttempt(
        participant_id=participant.id, event_id=event.id, quiz_id=quiz.id, phase=phase,
        score=scored.score, correct_count=scored.correct_count, question_count=scored.question_count,
        on_paper=on_paper, recorded_by_id=recorded_by.id if recorded_by else None,
        idempotency_key=idempotency_key or new_idempotency_key(),
        answers=[Answer(question_id=question.id, is_correct=scored.correct_by_question[question.id],
                        selected=[option for option in question.options if option.id in chosen.get(question.id, ())])
                 for question in quiz.questions],
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
            db.session.flush()
    except IntegrityError:
        # Another submission of this participant and phase was recorded first.
        existing = find_attempt(participant, event, phase)
        if existing is None:
            raise
        return existing, False
    return attempt, True


def attempt_review(attempt: QuizAttempt) -> list[tuple[Question, Answer | None, set[int]]]:
    """The attempt's questions in order with the answer given and the ids of the options chosen."""
    answers = {answer.question_id: answer for answer in attempt.answers}
    quiz = db.session.scalar(select(Quiz).where(Quiz.id == attempt.quiz_id)
                             .options(selectinload(Quiz.questions).selectinload(Question.options)))
    return [
        (q, answers.get(q.id), {o.id for o in answers[q.id].selected} if q.id in answers else set())
        for q in quiz.questions
    ]
