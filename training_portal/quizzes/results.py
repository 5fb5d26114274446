"""An event's quiz results: scores before and after, gains, and how each question fared (see statistics.py
for the definitions)."""

import re
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..attendance.models import Participant
from ..events.models import Event
from ..extensions import db
from . import statistics
from .models import Phase, Question, Quiz, QuizAttempt
from .phases import phase_quiz


@dataclass
class QuestionResult:
    number: int
    question: Question | None  # the pre-test's question (or the post-test's when it has none)
    post_question: Question | None
    pre_correct: list[bool]
    post_correct: list[bool]
    pre_discrimination: float | None
    post_discrimination: float | None

    @property
    def pre_share(self) -> float | None:
        return statistics.share_correct(self.pre_correct)

    @property
    def post_share(self) -> float | None:
        return statistics.share_correct(self.post_correct)

    @property
    def change(self) -> float | None:
        if self.pre_share is None or self.post_share is None:
            return None
        return self.post_share - self.pre_share

    @property
    def same_question(self) -> bool:
        return self.post_question is None or self.question is None or self.question.id == self.post_question.id


@dataclass
class ParticipantResult:
    participant: Participant
    pre: QuizAttempt | None
    post: QuizAttempt | None

    @property
    def gain(self) -> float | None:
        return self.post.score - self.pre.score if self.pre and self.post else None

    @property
    def normalised_gain(self) -> float | None:
        return statistics.normalised_gain(self.pre.score, self.post.score) if self.pre and self.post else None


@dataclass
class EventResults:
    event: Event
    pre_quiz: Quiz | None
    post_quiz: Quiz | None
    summary: statistics.KnowledgeSummary
    participants: list[ParticipantResult]
    questions: list[QuestionResult]
    pre_distribution: list[tuple[int, int, int]]
    post_distribution: list[tuple[int, int, int]]

    @property
    def has_attempts(self) -> bool:
        return bool(self.summary.pre_count or self.summary.post_count)


def natural_key(name: str) -> tuple:
    """Sorts names as people do, numbers by their value: P1, P2, P10 (not P1, P10, P2)."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name.casefold()))


def _phase_attempts(event: Event, phase: Phase) -> list[QuizAttempt]:
    return list(db.session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.event_id == event.id, QuizAttempt.phase == phase)
        .options(selectinload(QuizAttempt.answers), selectinload(QuizAttempt.participant))
        .order_by(QuizAttempt.id)
    ))


def _item_results(attempts: list[QuizAttempt]) -> dict[int, dict[int, bool]]:
    """{question id: {participant id: right or wrong}}."""
    results = defaultdict(dict)
    for attempt in attempts:
        for answer in attempt.answers:
            results[answer.question_id][attempt.participant_id] = answer.is_correct
    return results


def event_results(event: Event) -> EventResults:
    """Every knowledge figure of one event (see statistics.py for the definitions)."""
    pre_attempts, post_attempts = _phase_attempts(event, Phase.PRE), _phase_attempts(event, Phase.POST)
    pre_quiz = db.session.get(Quiz, pre_attempts[0].quiz_id) if pre_attempts else phase_quiz(event, Phase.PRE)
    post_quiz = db.session.get(Quiz, post_attempts[0].quiz_id) if post_attempts else phase_quiz(event, Phase.POST)
    pre_scores = {a.participant_id: a.score for a in pre_attempts}
    post_scores = {a.participant_id: a.score for a in post_attempts}
    summary = statistics.knowledge_summary(pre_scores, post_scores)

    by_participant = {}
    for attempt in pre_attempts + post_attempts:
        by_participant.setdefault(attempt.participant_id, ParticipantResult(attempt.participant, None, None))
        if attempt.phase == Phase.PRE:
            by_participant[attempt.participant_id].pre = attempt
        else:
            by_participant[attempt.participant_id].post = attempt

    pre_items, post_items = _item_results(pre_attempts), _item_results(post_attempts)
    pre_questions = list(pre_quiz.questions) if pre_quiz else []
    post_questions = list(post_quiz.questions) if post_quiz else []
    rows = []
    for index in range(max(len(pre_questions), len(post_questions))):
        pre_q = pre_questions[index] if index < len(pre_questions) else None
        post_q = post_questions[index] if index < len(post_questions) else None
        pre_res = pre_items.get(pre_q.id, {}) if pre_q else {}
        post_res = post_items.get(post_q.id, {}) if post_q else {}
        rows.append(QuestionResult(
            number=index + 1, question=pre_q or post_q, post_question=post_q,
            pre_correct=list(pre_res.values()), post_correct=list(post_res.values()),
            pre_discrimination=statistics.item_discrimination(pre_res, pre_scores),
            post_discrimination=statistics.item_discrimination(post_res, post_scores),
        ))
    return EventResults(
        event=event, pre_quiz=pre_quiz, post_quiz=post_quiz, summary=summary,
        participants=sorted(by_participant.values(), key=lambda r: (natural_key(r.participant.name), r.participant.id)),
        questions=rows,
        pre_distribution=statistics.score_distribution(pre_scores.values()),
        post_distribution=statistics.score_distribution(post_scores.values()),
    )
