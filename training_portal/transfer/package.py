"""The event package: one event with everything recorded about it, as a JSON document that another
server imports (see docs/event-package.md). This module writes it and reads it back as a file."""

import gzip
import io
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..attendance.models import Attendance, Headcount, Participant, Registration
from ..events.models import Event, Session
from ..extensions import db
from ..quizzes.models import Answer, Quiz, QuizAttempt
from ..timeutil import utcnow

FORMAT = "training-portal-event"
VERSION = 1
# A package is read whole into memory; a year of a large event is a few megabytes.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024


class PackageError(ValueError):
    """The file is not an event package this server can read; ``place`` says where it goes wrong."""

    def __init__(self, reason: str, place: str = ""):
        super().__init__(f"{reason} {place}".strip())
        self.reason = reason
        self.place = place


def moment(value: datetime | None) -> str | None:
    """A stored UTC time as ISO 8601 with its offset."""
    return value.replace(tzinfo=UTC).isoformat() if value is not None else None


def code_of(entry) -> str | None:
    return entry.code if entry is not None else None


def email_of(user) -> str | None:
    return user.email if user is not None else None


def event_participants(event: Event) -> list[Participant]:
    """Everyone registered for, attending or tested at the event."""
    session_ids = sa.select(Session.id).where(Session.event_id == event.id)
    ids = sa.union(
        sa.select(Attendance.participant_id).where(Attendance.session_id.in_(session_ids)),
        sa.select(Registration.participant_id).where(Registration.event_id == event.id),
        sa.select(QuizAttempt.participant_id).where(QuizAttempt.event_id == event.id),
    )
    return list(db.session.scalars(
        sa.select(Participant).where(Participant.id.in_(ids)).order_by(Participant.id)
        .options(selectinload(Participant.target_group), selectinload(Participant.province))))


def participant_entry(person: Participant) -> dict:
    return {
        "uid": person.uid, "name": person.name, "sex": person.sex.value, "age_band": person.age_band.value,
        "target_group": person.target_group.code, "phone": person.phone, "organisation": person.organisation,
        "province": code_of(person.province), "card_code": person.card_code,
        "personal_code": person.personal_code, "created_at": moment(person.created_at),
        "anonymised_at": moment(person.anonymised_at),
    }


def quiz_entry(quiz: Quiz) -> dict:
    return {
        "uid": quiz.uid, "title_en": quiz.title_en, "title_km": quiz.title_km, "archived": quiz.archived,
        "questions": [{
            "position": question.position, "kind": question.kind.value, "text_en": question.text_en,
            "text_km": question.text_km, "explanation_en": question.explanation_en,
            "explanation_km": question.explanation_km,
            "options": [{"position": option.position, "text_en": option.text_en, "text_km": option.text_km,
                         "is_correct": option.is_correct} for option in question.options],
        } for question in quiz.questions],
    }


def attempt_entry(attempt: QuizAttempt) -> dict:
    return {
        "participant": attempt.participant.uid, "quiz": attempt.quiz.uid, "phase": attempt.phase.value,
        "score": attempt.score, "correct_count": attempt.correct_count, "question_count": attempt.question_count,
        "submitted_at": moment(attempt.submitted_at), "on_paper": attempt.on_paper,
        "recorded_by": email_of(attempt.recorded_by), "idempotency_key": attempt.idempotency_key,
        "answers": [{"question": answer.question.position, "is_correct": answer.is_correct,
                     "selected": sorted(option.position for option in answer.selected)}
                    for answer in sorted(attempt.answers, key=lambda answer: answer.question.position)],
    }


def export_event(event: Event) -> dict:
    """The event package of ``event``: a plain dict, ready for ``json.dumps``."""
    attendance = db.session.scalars(
        sa.select(Attendance).join(Session).where(Session.event_id == event.id).order_by(Attendance.id)
        .options(selectinload(Attendance.session), selectinload(Attendance.participant),
                 selectinload(Attendance.recorded_by)))
    attempts = list(db.session.scalars(
        sa.select(QuizAttempt).where(QuizAttempt.event_id == event.id).order_by(QuizAttempt.id)
        .options(selectinload(QuizAttempt.participant), selectinload(QuizAttempt.quiz),
                 selectinload(QuizAttempt.recorded_by),
                 selectinload(QuizAttempt.answers).options(selectinload(Answer.question),
                                                           selectinload(Answer.selected)))))
    pre_quiz, post_quiz = (db.session.get(Quiz, quiz_id) if quiz_id else None
                           for quiz_id in (event.pre_quiz_id, event.post_quiz_id))
    quizzes = {quiz.id: quiz for quiz in (pre_quiz, post_quiz) if quiz is not None}
    quizzes.update((attempt.quiz.id, attempt.quiz) for attempt in attempts)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": moment(utcnow()),
        "event": {
            "uid": event.uid, "title": event.title, "description": event.description,
            "event_type": event.event_type.code, "province": event.province.code, "venue": event.venue,
            "language": event.language.value, "status": event.status.value, "cancel_reason": event.cancel_reason,
            "expected_participants": event.expected_participants,
            "pre_quiz": pre_quiz.uid if pre_quiz else None,
            "post_quiz": post_quiz.uid if post_quiz else None,
            "pre_test_open": event.pre_test_open, "post_test_open": event.post_test_open,
            "target_groups": [group.code for group in event.target_groups],
            "trainers": [trainer.email for trainer in event.trainers],
        },
        "sessions": [{"uid": session.uid, "starts_at": moment(session.starts_at), "ends_at": moment(session.ends_at),
                      "checkin_code": session.checkin_code, "checkin_open": session.checkin_open}
                     for session in event.sessions],
        "participants": [participant_entry(person) for person in event_participants(event)],
        "registrations": [{"participant": registration.participant.uid,
                           "registered_at": moment(registration.registered_at)}
                          for registration in db.session.scalars(
                              sa.select(Registration).where(Registration.event_id == event.id)
                              .order_by(Registration.id).options(selectinload(Registration.participant)))],
        "attendance": [{"session": record.session.uid, "participant": record.participant.uid,
                        "checked_in_at": moment(record.checked_in_at), "method": record.method.value,
                        "recorded_by": email_of(record.recorded_by), "idempotency_key": record.idempotency_key}
                       for record in attendance],
        "headcounts": [{"target_group": headcount.target_group.code, "sex": headcount.sex.value,
                        "count": headcount.count}
                       for headcount in db.session.scalars(
                           sa.select(Headcount).where(Headcount.event_id == event.id).order_by(Headcount.id))],
        "quizzes": [quiz_entry(quiz) for quiz in quizzes.values()],
        "quiz_attempts": [attempt_entry(attempt) for attempt in attempts],
    }


def package_bytes(event: Event, compress: bool = True) -> bytes:
    """The package as a file's content, gzip-compressed unless ``compress`` is False."""
    content = json.dumps(export_event(event), ensure_ascii=False, indent=1).encode()
    return gzip.compress(content, mtime=0) if compress else content


def package_file_name(event: Event, compress: bool = True) -> str:
    return f"event-{event.id}-{event.uid[:8]}.json" + (".gz" if compress else "")


def read_package(content: bytes) -> dict:
    """A package file's content (JSON, gzip-compressed or not) as a dict; PackageError when it is none."""
    if content[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(content)) as unpacked:
                content = unpacked.read(MAX_UNPACKED_BYTES + 1)
        except (OSError, EOFError) as error:
            raise PackageError("damaged") from error
        if len(content) > MAX_UNPACKED_BYTES:
            raise PackageError("too_large")
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PackageError("not_json") from error
    return with_known_version(data)


def with_known_version(data) -> dict:
    """``data`` when it says it is an event package of the version this server reads; PackageError if not."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PackageError("not_a_package")
    if data.get("version") != VERSION:
        raise PackageError("unknown_version")
    return data
