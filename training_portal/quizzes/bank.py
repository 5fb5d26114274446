"""The quiz bank: bilingual quizzes, their questions and options, copies and archiving.

A quiz that anyone has answered is locked: its questions can then only be changed in a copy.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..extensions import db
from .models import Option, Question, QuestionKind, Quiz, QuizAttempt

MIN_OPTIONS = 2
MAX_OPTIONS = 6
OPTION_LETTERS = "ABCDEF"
TRUE_LABELS = ("True", "ពិត")
FALSE_LABELS = ("False", "មិនពិត")


class QuizLocked(Exception):
    """The quiz has answers: changing its questions would falsify earlier results."""


@dataclass
class OptionData:
    text_en: str
    text_km: str = ""
    is_correct: bool = False


@dataclass
class QuestionData:
    """A question as entered in a form or a spreadsheet row, before it is saved."""

    kind: str
    text_en: str
    text_km: str = ""
    explanation_en: str = ""
    explanation_km: str = ""
    options: list[OptionData] = field(default_factory=list)


def true_false_options(true_is_correct: bool) -> list[OptionData]:
    """The two bilingual options of a true/false question."""
    return [
        OptionData(TRUE_LABELS[0], TRUE_LABELS[1], true_is_correct),
        OptionData(FALSE_LABELS[0], FALSE_LABELS[1], not true_is_correct),
    ]


def question_problems(data: QuestionData) -> list[str]:
    """Why a question cannot be saved (untranslated keys); empty when it can."""
    problems = []
    if not data.text_en.strip():
        problems.append("no_text")
    options = [option for option in data.options if option.text_en.strip()]
    if any(option.text_km.strip() and not option.text_en.strip() for option in data.options):
        problems.append("option_without_english")
    if data.kind == QuestionKind.TRUE_FALSE and len(options) != 2:
        problems.append("true_false_two_options")
    elif len(options) < MIN_OPTIONS:
        problems.append("too_few_options")
    elif len(options) > MAX_OPTIONS:
        problems.append("too_many_options")
    correct = sum(option.is_correct for option in options)
    if correct == 0:
        problems.append("no_correct_option")
    elif correct > 1 and data.kind != QuestionKind.MULTIPLE:
        problems.append("one_correct_option")
    return problems


def quiz_is_locked(quiz: Quiz) -> bool:
    """True once anyone has answered the quiz: its questions can then only be changed in a copy."""
    if quiz.id is None:
        return False
    return db.session.scalar(select(sa.exists().where(QuizAttempt.quiz_id == quiz.id)))


def ensure_unlocked(quiz: Quiz) -> None:
    if quiz_is_locked(quiz):
        raise QuizLocked(quiz.id)


def quiz_bank(include_archived: bool = False) -> list[Quiz]:
    """Quizzes newest first, with their question counts loaded."""
    query = select(Quiz).options(selectinload(Quiz.questions)).order_by(Quiz.created_at.desc(), Quiz.id.desc())
    if not include_archived:
        query = query.where(Quiz.archived.is_(False))
    return list(db.session.scalars(query))


def locked_quiz_ids() -> set[int]:
    return set(db.session.scalars(select(QuizAttempt.quiz_id).distinct()))


def create_quiz(title_en: str, title_km: str, creator: User | None) -> Quiz:
    quiz = Quiz(title_en=title_en.strip(), title_km=(title_km or "").strip(), created_by_id=creator.id if creator else None)
    db.session.add(quiz)
    return quiz


def rename_quiz(quiz: Quiz, title_en: str, title_km: str) -> None:
    """Titles may change even on a locked quiz: they do not change any result."""
    quiz.title_en = title_en.strip()
    quiz.title_km = (title_km or "").strip()


def _apply_question(question: Question, data: QuestionData) -> None:
    question.kind = QuestionKind(data.kind)
    question.text_en = data.text_en.strip()
    question.text_km = data.text_km.strip()
    question.explanation_en = data.explanation_en.strip()
    question.explanation_km = data.explanation_km.strip()
    question.options.clear()
    db.session.flush()
    options = [option for option in data.options if option.text_en.strip()]
    for position, option in enumerate(options):
        question.options.append(
            Option(position=position, text_en=option.text_en.strip(), text_km=option.text_km.strip(),
                   is_correct=option.is_correct)
        )


def add_question(quiz: Quiz, data: QuestionData) -> Question:
    """Append a valid question (check question_problems first)."""
    ensure_unlocked(quiz)
    question = Question(position=len(quiz.questions), kind=QuestionKind(data.kind), text_en="")
    quiz.questions.append(question)
    _apply_question(question, data)
    return question


def update_question(question: Question, data: QuestionData) -> None:
    ensure_unlocked(question.quiz)
    _apply_question(question, data)


def question_data(question: Question) -> QuestionData:
    return QuestionData(
        kind=question.kind.value,
        text_en=question.text_en,
        text_km=question.text_km,
        explanation_en=question.explanation_en,
        explanation_km=question.explanation_km,
        options=[OptionData(o.text_en, o.text_km, o.is_correct) for o in question.options],
    )


def _renumber(quiz: Quiz) -> None:
    for position, question in enumerate(quiz.questions):
        question.position = position


def remove_question(question: Question) -> None:
    quiz = question.quiz
    ensure_unlocked(quiz)
    quiz.questions.remove(question)
    _renumber(quiz)


def move_question(question: Question, offset: int) -> bool:
    """Move a question up (-1) or down (+1); False when it is already at that end."""
    quiz = question.quiz
    ensure_unlocked(quiz)
    questions = list(quiz.questions)
    index = questions.index(question)
    target = index + offset
    if not 0 <= target < len(questions):
        return False
    questions[index], questions[target] = questions[target], questions[index]
    for position, item in enumerate(questions):
        item.position = position
    db.session.flush()
    db.session.expire(quiz, ["questions"])
    return True


def duplicate_quiz(quiz: Quiz, creator: User | None, suffix: str = " (copy)") -> Quiz:
    """An unlocked, unarchived copy with the same questions, to change freely."""
    copy = create_quiz(quiz.title_en + suffix, quiz.title_km + (suffix if quiz.title_km else ""), creator)
    for question in quiz.questions:
        copy.questions.append(
            Question(
                position=question.position, kind=question.kind, text_en=question.text_en, text_km=question.text_km,
                explanation_en=question.explanation_en, explanation_km=question.explanation_km,
                options=[Option(position=o.position, text_en=o.text_en, text_km=o.text_km, is_correct=o.is_correct)
                         for o in question.options],
            )
        )
    return copy


def set_archived(quiz: Quiz, archived: bool) -> None:
    """Archived quizzes leave the bank's list and the event's choices; results stay."""
    quiz.archived = archived


def create_quiz_with_questions(title_en: str, title_km: str, questions: list[QuestionData], creator: User | None) -> Quiz:
    """A new quiz from validated question data (e.g. an uploaded spreadsheet)."""
    quiz = create_quiz(title_en, title_km, creator)
    for data in questions:
        add_question(quiz, data)
    return quiz


def option_letter(position: int) -> str:
    return OPTION_LETTERS[position] if position < len(OPTION_LETTERS) else str(position + 1)
