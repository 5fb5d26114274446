"""Checking an event package before anything of it is written: its shape, its values, and that the
reference codes it names exist here. Each problem raises PackageError with the place it was found."""

from datetime import UTC, datetime

import sqlalchemy as sa

from ..attendance.models import AgeBand, CheckInMethod, Sex
from ..attendance.services import PhoneError, normalise_phone
from ..events.models import EventStatus, EventType, Language, Province, TargetGroup
from ..extensions import db
from ..quizzes.models import Phase, QuestionKind
from .package import PackageError

SECTIONS = ("sessions", "participants", "registrations", "attendance", "headcounts", "quizzes", "quiz_attempts")


def parse_time(value: str) -> datetime:
    """An ISO 8601 time from a package as naive UTC, as the database keeps it."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def need(entry: dict, key: str, kind, place: str, *, optional: bool = False, length: int | None = None,
         choices=None):
    """``entry[key]`` when it is of ``kind`` (and within ``length``, one of ``choices``); else PackageError."""
    where = f"{place}.{key}"
    if not isinstance(entry, dict):
        raise PackageError("invalid", place)
    value = entry.get(key)
    if value is None:
        if optional:
            return None
        raise PackageError("invalid", where)
    if kind == "time":
        try:
            parse_time(value)
        except (TypeError, ValueError) as error:
            raise PackageError("invalid", where) from error
        return value
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise PackageError("invalid", where)
    if length is not None and len(value) > length:
        raise PackageError("invalid", where)
    if choices is not None and value not in choices:
        raise PackageError("invalid", where)
    return value


def values(enum_class) -> set[str]:
    return {member.value for member in enum_class}


def known_codes(model) -> set[str]:
    return set(db.session.scalars(sa.select(model.code)))


def check_code(code: str | None, codes: set[str], place: str) -> None:
    if code is not None and code not in codes:
        raise PackageError("unknown_code", place)


def check_unique(items: list, key: str, place: str) -> set:
    seen = set()
    for index, item in enumerate(items):
        if item[key] is not None and item[key] in seen:
            raise PackageError("duplicate", f"{place}[{index}].{key}")
        seen.add(item[key])
    return seen


def check_event(event: dict, groups: set[str]) -> None:
    need(event, "uid", str, "event", length=36)
    need(event, "title", str, "event", length=200)
    need(event, "description", str, "event")
    check_code(need(event, "event_type", str, "event"), known_codes(EventType), "event.event_type")
    check_code(need(event, "province", str, "event"), known_codes(Province), "event.province")
    need(event, "venue", str, "event", length=200)
    need(event, "language", str, "event", choices=values(Language))
    need(event, "status", str, "event", choices=values(EventStatus))
    need(event, "cancel_reason", str, "event", optional=True)
    expected = need(event, "expected_participants", int, "event", optional=True)
    if expected is not None and expected < 0:
        raise PackageError("invalid", "event.expected_participants")
    for key in ("pre_quiz", "post_quiz"):
        need(event, key, str, "event", optional=True, length=36)
    for index, code in enumerate(need(event, "target_groups", list, "event")):
        check_code(code if isinstance(code, str) else "", groups, f"event.target_groups[{index}]")
    for index, email in enumerate(need(event, "trainers", list, "event")):
        if not isinstance(email, str) or "@" not in email:
            raise PackageError("invalid", f"event.trainers[{index}]")


def check_participant(person: dict, place: str, groups: set[str], provinces: set[str]) -> None:
    need(person, "uid", str, place, length=36)
    need(person, "name", str, place, length=120)
    need(person, "sex", str, place, choices=values(Sex))
    need(person, "age_band", str, place, choices=values(AgeBand))
    check_code(need(person, "target_group", str, place), groups, f"{place}.target_group")
    check_code(need(person, "province", str, place, optional=True), provinces, f"{place}.province")
    try:
        if normalise_phone(need(person, "phone", str, place, optional=True)) != person.get("phone"):
            raise PackageError("invalid", f"{place}.phone")
    except PhoneError as error:
        raise PackageError("invalid", f"{place}.phone") from error
    need(person, "organisation", str, place, length=120)
    if len(need(person, "card_code", str, place, length=32)) < 16:
        raise PackageError("invalid", f"{place}.card_code")
    need(person, "personal_code", str, place, length=6)
    need(person, "created_at", "time", place)
    need(person, "anonymised_at", "time", place, optional=True)


def check_quiz(quiz: dict, place: str) -> None:
    need(quiz, "uid", str, place, length=36)
    need(quiz, "title_en", str, place, length=200)
    need(quiz, "title_km", str, place, length=200)
    need(quiz, "archived", bool, place)
    questions = need(quiz, "questions", list, place)
    for index, question in enumerate(questions):
        where = f"{place}.questions[{index}]"
        need(question, "position", int, where)
        need(question, "kind", str, where, choices=values(QuestionKind))
        for key in ("text_en", "text_km", "explanation_en", "explanation_km"):
            need(question, key, str, where)
        for number, option in enumerate(need(question, "options", list, where)):
            option_place = f"{where}.options[{number}]"
            need(option, "position", int, option_place)
            need(option, "text_en", str, option_place, length=500)
            need(option, "text_km", str, option_place, length=500)
            need(option, "is_correct", bool, option_place)
    check_unique(questions, "position", f"{place}.questions")


def check_records(data: dict, sessions: set, people: set, quizzes: set, groups: set[str]) -> None:
    """Registrations, attendance, headcounts and attempts: their values, and that they name a session,
    participant or quiz of the package."""
    for index, registration in enumerate(data["registrations"]):
        place = f"registrations[{index}]"
        check_code(need(registration, "participant", str, place), people, f"{place}.participant")
        need(registration, "registered_at", "time", place)
    for index, record in enumerate(data["attendance"]):
        place = f"attendance[{index}]"
        check_code(need(record, "session", str, place), sessions, f"{place}.session")
        check_code(need(record, "participant", str, place), people, f"{place}.participant")
        need(record, "checked_in_at", "time", place)
        need(record, "method", str, place, choices=values(CheckInMethod))
        need(record, "recorded_by", str, place, optional=True)
        need(record, "idempotency_key", str, place, length=64)
    for index, headcount in enumerate(data["headcounts"]):
        place = f"headcounts[{index}]"
        check_code(need(headcount, "target_group", str, place), groups, f"{place}.target_group")
        need(headcount, "sex", str, place, choices=values(Sex))
        if need(headcount, "count", int, place) < 0:
            raise PackageError("invalid", f"{place}.count")
    for index, attempt in enumerate(data["quiz_attempts"]):
        place = f"quiz_attempts[{index}]"
        check_code(need(attempt, "participant", str, place), people, f"{place}.participant")
        check_code(need(attempt, "quiz", str, place), quizzes, f"{place}.quiz")
        need(attempt, "phase", str, place, choices=values(Phase))
        if not 0 <= need(attempt, "score", float, place) <= 100:
            raise PackageError("invalid", f"{place}.score")
        need(attempt, "correct_count", int, place)
        need(attempt, "question_count", int, place)
        need(attempt, "submitted_at", "time", place)
        need(attempt, "on_paper", bool, place)
        need(attempt, "recorded_by", str, place, optional=True)
        need(attempt, "idempotency_key", str, place, optional=True, length=64)
        for number, answer in enumerate(need(attempt, "answers", list, place)):
            need(answer, "question", int, f"{place}.answers[{number}]")
            need(answer, "is_correct", bool, f"{place}.answers[{number}]")
            if not all(isinstance(position, int) for position in need(answer, "selected", list,
                                                                       f"{place}.answers[{number}]")):
                raise PackageError("invalid", f"{place}.answers[{number}].selected")


def check_package(data: dict) -> None:
    """Raise PackageError unless ``data`` is a complete, consistent event package for this server."""
    for section in SECTIONS:
        need(data, section, list, "package")
    groups, provinces = known_codes(TargetGroup), known_codes(Province)
    check_event(need(data, "event", dict, "package"), groups)
    for index, session in enumerate(data["sessions"]):
        place = f"sessions[{index}]"
        need(session, "uid", str, place, length=36)
        if parse_time(need(session, "ends_at", "time", place)) <= parse_time(need(session, "starts_at", "time",
                                                                                     place)):
            raise PackageError("invalid", f"{place}.ends_at")
        need(session, "checkin_code", str, place, length=10)
        need(session, "checkin_open", bool, place)
    for index, person in enumerate(data["participants"]):
        check_participant(person, f"participants[{index}]", groups, provinces)
    for index, quiz in enumerate(data["quizzes"]):
        check_quiz(quiz, f"quizzes[{index}]")
    check_unique(data["sessions"], "checkin_code", "sessions")
    people = check_unique(data["participants"], "uid", "participants")
    check_unique(data["participants"], "card_code", "participants")
    check_records(data, check_unique(data["sessions"], "uid", "sessions"), people,
                  check_unique(data["quizzes"], "uid", "quizzes"), groups)
