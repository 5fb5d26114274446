"""The session's roster, finding a returning participant, and pre-registration for an event.

A trainer finds, by part of a name or phone number, the participants of the events they may change;
anyone else only by their exact full phone number or card, and sees only enough to confirm them.
"""

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..events.models import Event, Session
from ..events.services import escape_like
from ..extensions import db
from .models import Attendance, Participant, Registration
from .services import CARD_CODE_PATTERN, KHMER_DIGITS, PhoneError, card_code_from_scan, normalise_phone

SEARCH_RESULTS = 20


def roster(session: Session) -> list[Attendance]:
    """Who is checked in to a session, latest first."""
    return list(
        db.session.scalars(
            select(Attendance)
            .where(Attendance.session_id == session.id)
            .order_by(Attendance.checked_in_at.desc(), Attendance.id.desc())
            .options(
                selectinload(Attendance.participant).selectinload(Participant.target_group),
                selectinload(Attendance.recorded_by),
            )
        )
    )


@dataclass
class FoundParticipant:
    """A participant the roster search found. ``in_full``: of an event the staff member may change, so
    every detail may be shown; otherwise found by their full phone number or card, and only what confirms
    the person (name, target group) is shown."""

    participant: Participant
    in_full: bool


def search_participants(text: str, staff: User, limit: int = SEARCH_RESULTS) -> list[FoundParticipant]:
    """Returning participants, so that nobody is entered twice.

    Part of a name or phone number finds the participants of the events ``staff`` may change (every
    event for managers and admins); the exact full phone number or card finds anyone.
    """
    text = (text or "").strip()
    if not text:
        return []
    partial = [Participant.name.ilike(f"%{escape_like(text)}%", escape="\\")]
    digits = re.sub(r"\D", "", text.translate(KHMER_DIGITS))
    if len(digits) >= 3 and len(digits) * 2 >= len(text.replace(" ", "")):
        digits = digits.removeprefix("00").removeprefix("855").lstrip("0")
        partial.append(Participant.phone.contains(digits, autoescape=True))
    own = of_events_changed_by(staff)
    rows = db.session.execute(
        select(Participant, own)
        .where(Participant.anonymised_at.is_(None), sa.or_(sa.and_(sa.or_(*partial), own), identified_by(text)))
        .order_by(Participant.name, Participant.id)
        .limit(limit)
        .options(selectinload(Participant.target_group))
    )
    return [FoundParticipant(participant, bool(in_full)) for participant, in_full in rows]


def returning_participant(participant_id: int, text: str, staff: User) -> Participant | None:
    """The participant ``staff`` may check in as a returning walk-in after searching for ``text``: one of
    the events they may change, or one that ``text`` identifies (full phone number or card). None otherwise."""
    return db.session.scalar(
        select(Participant).where(Participant.id == participant_id, Participant.anonymised_at.is_(None),
                                  sa.or_(of_events_changed_by(staff), identified_by((text or "").strip()))))


def of_events_changed_by(staff: User):
    """A condition on Participant: attended or registered for an event ``staff`` may change."""
    if staff.sees_all_events:
        return sa.true()
    events = select(Event.id).where(Event.trainers.any(User.id == staff.id))
    attended = select(Attendance.participant_id).join(Session, Attendance.session_id == Session.id)
    return sa.or_(Participant.id.in_(attended.where(Session.event_id.in_(events))),
                  Participant.id.in_(select(Registration.participant_id).where(Registration.event_id.in_(events))))


def identified_by(text: str):
    """A condition on Participant: ``text`` is their full phone number (in any written form) or their card."""
    conditions = []
    try:
        phone = normalise_phone(text)
    except PhoneError:
        phone = None
    if phone:
        conditions.append(Participant.phone == phone)
    card_code = card_code_from_scan(text)
    if CARD_CODE_PATTERN.match(card_code):
        conditions.append(Participant.card_code == card_code)
    return sa.or_(sa.false(), *conditions)


def register(event: Event, participant: Participant, staff: User | None) -> Registration:
    """Register a participant for an event in advance (idempotent)."""
    if participant.id is None:
        db.session.add(participant)
        db.session.flush()
    existing = db.session.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.participant_id == participant.id)
    )
    if existing is not None:
        return existing
    registration = Registration(event=event, participant=participant, registered_by_id=staff.id if staff else None)
    db.session.add(registration)
    db.session.flush()
    return registration


def registered_participants(event: Event) -> list[Participant]:
    return list(
        db.session.scalars(
            select(Participant)
            .join(Registration, Registration.participant_id == Participant.id)
            .where(Registration.event_id == event.id)
            .order_by(Participant.name, Participant.id)
        )
    )


def event_attendees(event: Event) -> list[Participant]:
    """Participants with an attendance at any of the event's sessions."""
    return list(
        db.session.scalars(
            select(Participant)
            .where(
                Participant.id.in_(
                    select(Attendance.participant_id)
                    .join(Session, Attendance.session_id == Session.id)
                    .where(Session.event_id == event.id)
                )
            )
            .order_by(Participant.name, Participant.id)
        )
    )
