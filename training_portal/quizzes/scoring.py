"""Scoring a quiz attempt: pure functions over plain values, no database.

The rule, stated to participants on the quiz page and in README.md (Pre-test and post-test quizzes):
each question counts one point. A single-choice or true/false question is
right when the one chosen option is the correct one. A multiple-choice
question is right only when exactly the correct options are chosen: every
correct option ticked and no wrong one (no partial credit). An unanswered
question counts as wrong. The score is the share of right answers in per cent.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

SINGLE = "single"
MULTIPLE = "multiple"
TRUE_FALSE = "true_false"


@dataclass(frozen=True)
class QuestionKey:
    """What scoring needs to know of a question: its id, kind and correct option ids."""

    question_id: int
    kind: str
    correct_option_ids: frozenset[int]


@dataclass(frozen=True)
class ScoredAttempt:
    """The outcome of scoring: right or wrong per question, and the totals."""

    correct_by_question: dict[int, bool] = field(default_factory=dict)
    correct_count: int = 0
    question_count: int = 0

    @property
    def score(self) -> float:
        """Percentage of questions answered right (0 for a quiz without questions)."""
        if not self.question_count:
            return 0.0
        return 100.0 * self.correct_count / self.question_count


def answer_is_correct(kind: str, correct_option_ids: Iterable[int], selected_option_ids: Iterable[int]) -> bool:
    """Whether a selection answers a question right (see the module's rule)."""
    correct = frozenset(correct_option_ids)
    selected = frozenset(selected_option_ids)
    if not selected or not correct:
        return False
    if kind in (SINGLE, TRUE_FALSE) and len(selected) != 1:
        return False
    return selected == correct


def score_attempt(questions: Iterable[QuestionKey], selections: Mapping[int, Iterable[int]]) -> ScoredAttempt:
    """Score the selected option ids per question id against the answer key.

    Questions missing from ``selections`` are unanswered and count as wrong;
    selections for questions not in the key are ignored.
    """
    correct_by_question = {}
    for question in questions:
        selected = selections.get(question.question_id, ())
        correct_by_question[question.question_id] = answer_is_correct(
            question.kind, question.correct_option_ids, selected
        )
    return ScoredAttempt(
        correct_by_question=correct_by_question,
        correct_count=sum(correct_by_question.values()),
        question_count=len(correct_by_question),
    )
