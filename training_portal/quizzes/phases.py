"""An event's pre-test and post-test: which quiz each uses, when each is open, who may answer, and what a
participant's phone offers them."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..attendance.models import Attendance, Participant
from ..events.models import Event, Session
from ..extensions import db
from . import statistics
from .models import Phase, Question, Quiz, QuizAttempt


def phase_quiz_id(event: Event, phase: Phase) -> int | None:
    return event.pre_quiz_id if phase == Phase.PRE else event.post_quiz_id


def phase_quiz(event: Event, phase: Phase) -> Quiz | None:
    quiz_id = phase_quiz_id(event, phase)
    return db.session.get(Quiz, quiz_id) if quiz_id else None


def phase_quiz_with_questions(event: Event, phase: Phase) -> Quiz | None:
    """The phase's quiz with its questions and their options loaded, to answer or score it."""
    quiz_id = phase_quiz_id(event, phase)
    if not quiz_id:
        return None
    return db.session.scalar(
        select(Quiz).where(Quiz.id == quiz_id).options(selectinload(Quiz.questions).selectinload(Question.options)))


def phase_is_open(event: Event, phase: Phase) -> bool:
    """A phase takes answers while open, never for a cancelled event or without a quiz."""
    is_open = event.pre_test_open if phase == Phase.PRE else event.post_test_open
    return bool(is_open) and not event.is_cancelled and phase_quiz_id(event, phase) is not None


def phase_attempt_count(event: Event, phase: Phase) -> int:
    return db.session.scalar(
        select(func.count()).select_from(QuizAttempt).where(QuizAttempt.event_id == event.id, QuizAttempt.phase == phase)
    )


def set_event_quizzes(event: Event, pre_quiz: Quiz | None, post_quiz: Quiz | None) -> str | None:
    """Choose the pre-test and post-test quiz; refused (a key) for a phase that already has attempts."""
    for phase, quiz in ((Phase.PRE, pre_quiz), (Phase.POST, post_quiz)):
        new_id = quiz.id if quiz else None
        if new_id != phase_quiz_id(event, phase) and phase_attempt_count(event, phase):
            return "phase_has_attempts"
    event.pre_quiz_id = pre_quiz.id if pre_quiz else None
    event.post_quiz_id = post_quiz.id if post_quiz else None
    if pre_quiz is None:
        event.pre_test_open = False
    if post_quiz is None:
        event.post_test_open = False
    return None


def open_phase(event: Event, phase: Phase) -> str | None:
    """Open a phase for answers; opening the post-test closes the pre-test. Returns a refusal key or None."""
    if event.is_cancelled:
        return "event_cancelled"
    quiz = phase_quiz(event, phase)
    if quiz is None:
        return "no_quiz"
    if not quiz.questions:
        return "quiz_empty"
    if phase == Phase.PRE:
        event.pre_test_open = True
    else:
        event.post_test_open = True
        event.pre_test_open = False
    return None


def close_phase(event: Event, phase: Phase) -> None:
    if phase == Phase.PRE:
        event.pre_test_open = False
    else:
        event.post_test_open = False


def checked_in_query(event: Event) -> sa.Select:
    """Ids of participants with an attendance in any session of the event."""
    return (
        select(Attendance.participant_id)
        .join(Session, Attendance.session_id == Session.id)
        .where(Session.event_id == event.id)
        .distinct()
    )


def is_checked_in(participant: Participant, event: Event) -> bool:
    return db.session.scalar(select(sa.exists().where(
        Attendance.participant_id == participant.id,
        Attendance.session_id.in_(select(Session.id).where(Session.event_id == event.id)),
    )))


def checked_in_participants(event: Event) -> list[Participant]:
    """The event's participants, in the order they first checked in."""
    first_seen = (
        select(Attendance.participant_id, func.min(Attendance.checked_in_at).label("first"))
        .join(Session, Attendance.session_id == Session.id)
        .where(Session.event_id == event.id)
        .group_by(Attendance.participant_id)
        .subquery()
    )
    return list(db.session.scalars(
        select(Participant).join(first_seen, first_seen.c.participant_id == Participant.id)
        .order_by(first_seen.c.first, Participant.id)
    ))


@dataclass(frozen=True)
class PhaseCounts:
    checked_in: int
    pre_submitted: int
    post_submitted: int


def phase_counts(event: Event) -> PhaseCounts:
    """Live counts for the trainer: checked in, pre-test submitted, post-test submitted."""
    checked_in = db.session.scalar(select(func.count()).select_from(checked_in_query(event).subquery()))
    return PhaseCounts(checked_in, phase_attempt_count(event, Phase.PRE), phase_attempt_count(event, Phase.POST))


def find_attempt(participant: Participant, event: Event, phase: Phase) -> QuizAttempt | None:
    return db.session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.participant_id == participant.id, QuizAttempt.event_id == event.id, QuizAttempt.phase == phase
        )
    )


@dataclass
class ParticipantOffer:
    """What a participant's phone offers for an event: the open test, or their results."""

    event: Event
    checked_in: bool
    pre_attempt: QuizAttempt | None
    post_attempt: QuizAttempt | None
    open_phase: Phase | None  # an open phase they have not taken yet

    @property
    def has_quizzes(self) -> bool:
        return bool(self.event.pre_quiz_id or self.event.post_quiz_id)

    @property
    def gain(self) -> float | None:
        if self.pre_attempt and self.post_attempt:
            return self.post_attempt.score - self.pre_attempt.score
        return None

    @property
    def normalised_gain(self) -> float | None:
        if self.pre_attempt and self.post_attempt:
            return statistics.normalised_gain(self.pre_attempt.score, self.post_attempt.score)
        return None


def participant_offer(event: Event, participant: Participant | None) -> ParticipantOffer:
    if participant is None:
        return ParticipantOffer(event, False, None, None, None)
    pre = find_attempt(participant, event, Phase.PRE)
    post = find_attempt(participant, event, Phase.POST)
    open_phase = None
    for phase, attempt in ((Phase.POST, post), (Phase.PRE, pre)):
        if attempt is None and phase_is_open(event, phase):
            open_phase = phase
            break
    return ParticipantOffer(event, is_checked_in(participant, event), pre, post, open_phase)


def offer_for_new_participant(event: Event) -> ParticipantOffer:
    """The offer to a participant created by the check-in being answered: checked in, no attempts yet."""
    open_phase = next((phase for phase in (Phase.POST, Phase.PRE) if phase_is_open(event, phase)), None)
    return ParticipantOffer(event, True, None, None, open_phase)


def offer_state(offer: ParticipantOffer) -> str:
    """A short fingerprint of what the page shows, so a waiting phone knows when to reload."""
    return "-".join([
        offer.open_phase.value if offer.open_phase else "none",
        "p" if offer.pre_attempt else "",
        "q" if offer.post_attempt else "",
    ])
