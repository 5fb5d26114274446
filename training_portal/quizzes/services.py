"""The quiz bank, the pre/post phases of events, attempts and their results.

Scoring rules live in scoring.py and the gain statistics in statistics.py
(pure functions, reused by the reports); this module connects them to the
database.
"""

import secrets
import uuid
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import worker_cache
from ..attendance import summary as attendance_summary
from ..attendance.models import AgeBand, Attendance, CheckInMethod, Participant, Sex
from ..auth.models import User
from ..database import attach_inserted, insert_row, insert_values
from ..events.models import Event, Session, TargetGroup
from ..extensions import db
from ..i18n import current_language
from . import statistics
from .models import Answer, Option, Phase, Question, QuestionKind, Quiz, QuizAttempt, answer_selections
from .scoring import QuestionKey, score_attempt

MIN_OPTIONS = 2
MAX_OPTIONS = 6
OPTION_LETTERS = "ABCDEF"
TRUE_LABELS = ("True", "ពិត")
FALSE_LABELS = ("False", "មិនពិត")


class QuizLocked(Exception):
    """The quiz has answers: changing its questions would falsify earlier results."""


class SubmissionRefused(Exception):
    """An attempt that may not be recorded; ``reason`` is an untranslated key."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- The quiz bank -----------------------------------------------------------


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


# --- Phases of an event ------------------------------------------------------


def phase_quiz_id(event: Event, phase: Phase) -> int | None:
    return event.pre_quiz_id if phase == Phase.PRE else event.post_quiz_id


def phase_quiz(event: Event, phase: Phase) -> Quiz | None:
    quiz_id = phase_quiz_id(event, phase)
    return db.session.get(Quiz, quiz_id) if quiz_id else None


@dataclass(frozen=True)
class SheetOption:
    id: int
    position: int
    is_correct: bool
    text: str


@dataclass(frozen=True)
class SheetQuestion:
    id: int
    position: int
    kind: QuestionKind
    text: str
    options: tuple[SheetOption, ...]


@dataclass(frozen=True)
class AnswerSheet:
    """A quiz as a participant answers it: plain values in the page's language, read in two queries.

    Loading the quiz, its 15 questions and their 60 options as ORM objects was the largest
    cost of a quiz page and of a submission; this has what both need (ids, kinds, texts,
    correct options) and nothing to keep in step.
    """

    id: int
    title: str
    questions: tuple[SheetQuestion, ...]
    # The questions as a fresh page shows them, drawn once (see participant.questions_html).
    drawn: dict = field(default_factory=dict, compare=False, repr=False)


def phase_answer_sheet(event: Event, phase: Phase) -> AnswerSheet | None:
    """The phase's quiz for answering (see AnswerSheet), None when the phase has none.

    Once anyone has answered a quiz it is locked: its questions, options and correct answers
    never change again (only its title may), so each worker keeps a locked quiz's sheet
    (worker_cache; a rename is seen at once in this worker, in the others within a minute).
    """
    quiz_id = phase_quiz_id(event, phase)
    if not quiz_id:
        return None
    language = current_language()
    key = answer_sheet_key(quiz_id, language)
    sheet = worker_cache.kept(key)
    if sheet is None:
        sheet = _read_answer_sheet(quiz_id, language == "km")
        if sheet is not None and answered_at(event, quiz_id):
            worker_cache.keep(key, sheet)
    return sheet


def answered_at(event: Event, quiz_id: int) -> bool:
    """True when someone answered the quiz at this event, and so it is locked (the event's index finds it)."""
    return db.session.scalar(select(sa.exists().where(QuizAttempt.event_id == event.id, QuizAttempt.quiz_id == quiz_id)))


def answer_sheet_key(quiz_id: int, language: str) -> str:
    return f"answer_sheet:{quiz_id}:{language}"


def _read_answer_sheet(quiz_id: int, khmer: bool) -> AnswerSheet | None:
    title = db.session.execute(select(Quiz.title_en, Quiz.title_km).where(Quiz.id == quiz_id)).first()
    if title is None:
        return None
    rows = db.session.execute(
        select(Question.id, Question.position, Question.kind, Question.text_en, Question.text_km,
               Option.id, Option.position, Option.is_correct, Option.text_en, Option.text_km)
        .join(Option, Option.question_id == Question.id, isouter=True)
        .where(Question.quiz_id == quiz_id)
        .order_by(Question.position, Question.id, Option.position, Option.id)
    ).all()
    pick = (lambda en, km: km or en) if khmer else (lambda en, _km: en)
    questions, options = [], {}
    for q_id, q_position, kind, q_en, q_km, o_id, o_position, correct, o_en, o_km in rows:
        if q_id not in options:
            options[q_id] = []
            questions.append((q_id, q_position, kind, pick(q_en or "", q_km)))
        if o_id is not None:
            options[q_id].append(SheetOption(o_id, o_position, bool(correct), pick(o_en or "", o_km)))
    return AnswerSheet(quiz_id, pick(title.title_en or "", title.title_km), tuple(
        SheetQuestion(q_id, position, QuestionKind(kind), text, tuple(options[q_id]))
        for q_id, position, kind, text in questions))


def _quiz_keys(obj) -> list[str]:
    """A change to a quiz (its title) forgets its kept sheets in this worker."""
    if isinstance(obj, Quiz) and obj.id is not None:
        return [answer_sheet_key(obj.id, language) for language in ("en", "km")]
    return []


worker_cache.forget_on_flush(_quiz_keys)


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
    return db.session.scalar(select(_checked_in(participant, event)))


def _checked_in(participant: Participant, event: Event) -> sa.Exists:
    return sa.exists().where(
        Attendance.participant_id == participant.id,
        Attendance.session_id.in_(select(Session.id).where(Session.event_id == event.id)),
    )


@dataclass(frozen=True)
class Standing:
    """Where a participant stands with a test: their attempt's id (or None) and whether they are checked in."""

    attempt_id: int | None
    checked_in: bool


def quiz_visit(event_id: int, card_code: str | None,
               phase: Phase) -> tuple[Event, Participant | None, Standing | None] | None:
    """A phone at a test, in one query: the event (None when there is no such event), the participant whose
    card the phone remembers (or None) and where they stand with the phase's test."""
    row = db.session.execute(QUIZ_VISIT, {"event_id": event_id, "card_code": card_code or "", "phase": phase}).first()
    if row is None:
        return None
    event, participant, attempt_id, checked_in = row
    return event, participant, None if participant is None else Standing(attempt_id, checked_in)


# Built once, as the attempt look-ups below: building these cost as much as running them.
QUIZ_VISIT = (
    select(
        Event, Participant,
        select(QuizAttempt.id).where(QuizAttempt.participant_id == Participant.id, QuizAttempt.event_id == Event.id,
                                     QuizAttempt.phase == sa.bindparam("phase")).scalar_subquery(),
        sa.exists().where(Attendance.participant_id == Participant.id, Attendance.session_id.in_(
            select(Session.id).where(Session.event_id == Event.id).correlate(Event))),
    )
    .select_from(Event)
    .outerjoin(Participant, sa.and_(Participant.card_code == sa.bindparam("card_code"),
                                    Participant.anonymised_at.is_(None)))
    .where(Event.id == sa.bindparam("event_id"))
)


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


# --- Attempts ----------------------------------------------------------------


def find_attempt(participant: Participant, event: Event, phase: Phase) -> QuizAttempt | None:
    return db.session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.participant_id == participant.id, QuizAttempt.event_id == event.id, QuizAttempt.phase == phase
        )
    )


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
                   recorded_by: User | None = None, sheet: AnswerSheet | None = None,
                   checked_in: bool = False, whole_transaction: bool = False) -> tuple[QuizAttempt, bool]:
    """Score and record one attempt; returns (attempt, created).

    A resubmission (same idempotency key, or any second attempt of this
    participant for this event and phase) returns the attempt already
    recorded and changes nothing. Raises SubmissionRefused, having saved
    nothing, when the phase is closed (participants only: paper sheets are
    entered after the event), the participant is not checked in to the event,
    or the phase has no quiz. ``checked_in``: the caller has just found the participant checked in
    to the event (see ``standing``). A race with another submission is settled in a
    savepoint, or, when the attempt is the ``whole_transaction`` (nothing else was written in it), by
    rolling that back.
    """
    # In one query: the attempt sent with this key, and this participant's attempt for the phase (their
    # columns only: an object is built only for an attempt to return).
    found = db.session.execute(ATTEMPTS_OF_PHASE_OR_KEY if idempotency_key else ATTEMPTS_OF_PHASE, {
        "participant_id": participant.id, "event_id": event.id, "phase": phase, "key": idempotency_key}).all()
    existing_id = next((attempt.id for attempt in found if (attempt.participant_id, attempt.event_id, attempt.phase)
                        == (participant.id, event.id, phase)), None)
    if existing_id is not None:
        return db.session.get(QuizAttempt, existing_id), False
    if any(attempt.idempotency_key == idempotency_key for attempt in found):
        idempotency_key = None  # a reused key from elsewhere: never attach to someone else's attempt
    # The caller's answer sheet when it is this phase's quiz (the page already read it).
    quiz = sheet if sheet is not None and sheet.id == phase_quiz_id(event, phase) else phase_answer_sheet(event, phase)
    if quiz is None or not quiz.questions:
        raise SubmissionRefused("no_quiz")
    if not on_paper and not phase_is_open(event, phase):
        raise SubmissionRefused("closed")
    if not checked_in and not is_checked_in(participant, event):
        raise SubmissionRefused("not_checked_in")

    chosen = clean_selections(quiz, selections)
    scored = score_attempt(answer_key(quiz), chosen)
    attempt = QuizAttempt(
        participant_id=participant.id, event_id=event.id, quiz_id=quiz.id, phase=phase,
        score=scored.score, correct_count=scored.correct_count, question_count=scored.question_count,
        on_paper=on_paper, recorded_by_id=recorded_by.id if recorded_by else None,
        idempotency_key=idempotency_key or new_idempotency_key(),
    )
    try:
        with nullcontext() if whole_transaction else db.session.begin_nested():
            row = insert_row(attempt)
            insert_answers(row["id"], quiz, chosen, scored.correct_by_question)
            attach_inserted(attempt, row)
    except IntegrityError:
        # Two submissions raced each other; the other one was recorded.
        if whole_transaction:
            db.session.rollback()
        existing = find_attempt(participant, event, phase)
        if existing is None:
            raise
        return existing, False
    return attempt, True


def _this_phase() -> sa.ColumnElement:
    """The attempts of the participant, event and phase given as parameters."""
    return sa.and_(QuizAttempt.participant_id == sa.bindparam("participant_id"),
                   QuizAttempt.event_id == sa.bindparam("event_id"), QuizAttempt.phase == sa.bindparam("phase"))


# Built once: building them cost as much as running them.
ATTEMPT_KEYS = (QuizAttempt.id, QuizAttempt.participant_id, QuizAttempt.event_id, QuizAttempt.phase,
                QuizAttempt.idempotency_key)
ATTEMPTS_OF_PHASE = select(*ATTEMPT_KEYS).where(_this_phase())
ATTEMPTS_OF_PHASE_OR_KEY = select(*ATTEMPT_KEYS).where(
    sa.or_(_this_phase(), QuizAttempt.idempotency_key == sa.bindparam("key")))


def insert_answers(attempt_id: int, quiz: Quiz, chosen: dict[int, set[int]],
                   correct_by_question: dict[int, bool]) -> None:
    """The attempt's answers and their ticked options, in one INSERT of each table (as ORM objects: two
    per answer; through SQLAlchemy's many-rows INSERT: several times what the driver takes)."""
    answer_ids = dict(insert_values(
        Answer.__table__, ("attempt_id", "question_id", "is_correct"),
        [(attempt_id, question.id, correct_by_question[question.id]) for question in quiz.questions],
        returning=("question_id", "id")))
    selections = [(answer_ids[question_id], option_id)
                  for question_id, option_ids in chosen.items() for option_id in sorted(option_ids)]
    if selections:
        insert_values(answer_selections, ("answer_id", "option_id"), selections)


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


# --- Paper answer sheets ------------------------------------------------------


def paper_status(event: Event, phase: Phase) -> tuple[list[Participant], list[tuple[Participant, QuizAttempt]]]:
    """The event's participants without an attempt in this phase, and those with one (and the attempt)."""
    pending, done = [], []
    for participant in checked_in_participants(event):
        attempt = find_attempt(participant, event, phase)
        if attempt is None:
            pending.append(participant)
        else:
            done.append((participant, attempt))
    return pending, done


def parse_letters(question: Question, text: str) -> tuple[set[int] | None, str | None]:
    """Option ids for the letters written on a paper sheet ("B", "a c", "AC").

    Returns (None, None) for a blank cell, (ids, None) when valid, or
    (None, problem key) when not.
    """
    letters = [c for c in (text or "").upper() if not c.isspace() and c not in ",;/"]
    if not letters:
        return None, None
    by_letter = {option_letter(option.position): option.id for option in question.options}
    by_letter.update({option_letter(index): option.id for index, option in enumerate(question.options)})
    if question.kind == QuestionKind.TRUE_FALSE:
        by_letter.setdefault("T", question.options[0].id)
        by_letter.setdefault("F", question.options[1].id)
    if any(letter not in by_letter for letter in letters):
        return None, "unknown_letter"
    chosen = {by_letter[letter] for letter in letters}
    if question.kind != QuestionKind.MULTIPLE and len(chosen) != 1:
        return None, "one_letter"
    return chosen, None


def add_walk_in(event: Event, session: Session, name: str, sex: Sex, age_band: AgeBand,
                target_group: TargetGroup, recorded_by: User | None) -> Participant:
    """A participant without a phone, entered from a paper sheet, and their attendance at the session."""
    participant = Participant(name=name.strip(), sex=Sex(sex), age_band=AgeBand(age_band),
                              target_group_id=target_group.id, province_id=event.province_id)
    db.session.add(participant)
    db.session.flush()
    db.session.add(Attendance(participant_id=participant.id, session_id=session.id, method=CheckInMethod.WALK_IN,
                              recorded_by_id=recorded_by.id if recorded_by else None,
                              idempotency_key="paper-" + secrets.token_hex(16)))
    db.session.flush()
    attendance_summary.add(session.event, participant)
    return participant


# --- Results -------------------------------------------------------------------


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
        participants=sorted(by_participant.values(), key=lambda r: (r.participant.name.lower(), r.participant.id)),
        questions=rows,
        pre_distribution=statistics.score_distribution(pre_scores.values()),
        post_distribution=statistics.score_distribution(post_scores.values()),
    )


def attempt_review(attempt: QuizAttempt) -> list[tuple[Question, Answer | None, set[int]]]:
    """The attempt's questions in order with the answer given and the ids of the options chosen."""
    answers = {answer.question_id: answer for answer in attempt.answers}
    quiz = db.session.get(Quiz, attempt.quiz_id)
    return [
        (q, answers.get(q.id), {o.id for o in answers[q.id].selected} if q.id in answers else set())
        for q in quiz.questions
    ]


@dataclass
class PaperRow:
    """One row of the paper grid: a checked-in participant, or a walk-in to add (participant None)."""

    key: str
    participant: Participant | None
    cells: dict[int, str]  # question id -> letters as written
    walk_in: dict | None = None  # name, sex, age_band, target_group_id, session_id

    @property
    def is_blank(self) -> bool:
        return not any((text or "").strip() for text in self.cells.values())


def walk_in_is_complete(event: Event, info: dict) -> bool:
    """Sex, age band, an active target group and one of the event's sessions are given."""
    session_ids = {str(session.id) for session in event.sessions}
    group_ids = {str(group_id) for group_id in db.session.scalars(select(TargetGroup.id).where(TargetGroup.active))}
    return (info.get("sex") in {sex.value for sex in Sex} and info.get("age_band") in {a.value for a in AgeBand}
            and str(info.get("target_group_id") or "") in group_ids and str(info.get("session_id") or "") in session_ids)


def paper_problems(event: Event, quiz: Quiz,
                   rows: list[PaperRow]) -> tuple[dict[tuple[str, int], str], dict[str, str]]:
    """Cell problems {(row key, question id): key} and row problems {row key: key}; both empty when valid."""
    cell_problems, row_problems = {}, {}
    for row in rows:
        if row.is_blank:
            if row.walk_in and row.walk_in.get("name", "").strip():
                row_problems[row.key] = "walk_in_without_answers"
            continue
        for question in quiz.questions:
            _chosen, problem = parse_letters(question, row.cells.get(question.id, ""))
            if problem:
                cell_problems[(row.key, question.id)] = problem
        if row.walk_in is not None and not walk_in_is_complete(event, row.walk_in):
            row_problems[row.key] = "walk_in_incomplete"
    return cell_problems, row_problems


def record_paper_sheets(event: Event, phase: Phase, quiz: Quiz, rows: list[PaperRow],
                        recorded_by: User) -> int:
    """Record the non-blank rows (validated with paper_problems first); returns the number of new attempts.

    Participants who already have an attempt for this phase keep it.
    """
    created = 0
    for row in rows:
        if row.is_blank:
            continue
        participant = row.participant
        if participant is None:
            info = row.walk_in
            participant = add_walk_in(
                event, db.session.get(Session, int(info["session_id"])), info.get("name", ""), Sex(info["sex"]),
                AgeBand(info["age_band"]), db.session.get(TargetGroup, int(info["target_group_id"])), recorded_by)
        selections = {q.id: parse_letters(q, row.cells.get(q.id, ""))[0] or set() for q in quiz.questions}
        _attempt, was_created = submit_attempt(participant, event, phase, selections, on_paper=True,
                                               recorded_by=recorded_by)
        created += was_created
    return created
