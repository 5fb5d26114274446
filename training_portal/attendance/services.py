"""Check-in, participants and the event's attendance list.

Every check-in, whatever its method, goes through :func:`check_in`, which
records a participant at a session exactly once: the database refuses a
second attendance of the same participant at the same session, and a
second use of the same idempotency key; this module turns both refusals
into the answer the first request got.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import User
from ..events.models import Event, Province, Session, TargetGroup
from ..events.services import active_entries, new_checkin_code
from ..extensions import db
from . import identity, summary
from .models import AgeBand, Attendance, CheckInMethod, Participant, Sex

CHECKED_IN = "checked_in"
ALREADY_CHECKED_IN = "already_checked_in"
NOT_VALID = "not_valid"
NOT_FOUND = "not_found"  # a self check-in that names nobody: an unknown phone number, a phone that remembers no one

CLIENT_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
CARD_CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,32}$")
CHECKIN_CODE_MAX_LENGTH = 10
KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")


class PhoneError(ValueError):
    """A phone number that cannot be a Cambodian or international number."""


@dataclass
class CheckInResult:
    """The answer to a check-in: what happened, and who it was."""

    status: str
    participant: Participant | None = None
    attendance: Attendance | None = None
    new_participant: bool = False  # the participant was created by this check-in

    @property
    def recorded(self) -> bool:
        return self.status == CHECKED_IN


@dataclass
class ParticipantFields:
    """A participant as entered on a form or a paper sheet (ids already checked)."""

    sex: Sex
    age_band: AgeBand
    target_group_id: int
    name: str = ""
    phone: str | None = None
    organisation: str = ""
    province_id: int | None = None

    def new_participant(self) -> Participant:
        return Participant(
            name=self.name.strip(),
            sex=Sex(self.sex),
            age_band=AgeBand(self.age_band),
            target_group_id=self.target_group_id,
            phone=self.phone or None,
            organisation=self.organisation.strip(),
            province_id=self.province_id,
        )


# Phone numbers and codes


def normalise_phone(raw: str | None) -> str | None:
    """A phone number in one form (Cambodian numbers with a leading 0, e.g. 012345678), None when blank.

    Accepts spaces, dashes, dots, brackets, Khmer digits and the +855 / 00855
    prefixes. Raises PhoneError when what is left cannot be a phone number.
    """
    text = (raw or "").translate(KHMER_DIGITS)
    digits = re.sub(r"[\s\-().]", "", text)
    if not digits:
        return None
    international = False
    if digits.startswith("+"):
        digits, international = digits[1:], True
    elif digits.startswith("00"):
        digits, international = digits[2:], True
    if not digits.isdigit():
        raise PhoneError(raw)
    if international and not digits.startswith("855"):
        if not 8 <= len(digits) <= 15:
            raise PhoneError(raw)
        return "+" + digits
    if digits.startswith("855") and (international or len(digits) >= 11):
        digits = "0" + digits[3:]
    if not digits.startswith("0"):
        digits = "0" + digits
    if not 9 <= len(digits) <= 10:
        raise PhoneError(raw)
    return digits


def session_by_code(code: str) -> Session | None:
    """The session whose current check-in code this is (any case), with its event, or None."""
    code = (code or "").strip().upper()
    if not code or len(code) > CHECKIN_CODE_MAX_LENGTH or not code.isalnum():
        return None
    return db.session.scalar(select(Session).where(Session.checkin_code == code).options(joinedload(Session.event)))


def open_session_by_code(code: str) -> Session | None:
    """The session whose check-in is open under this code, or None: a participant is told no more than that."""
    session = session_by_code(code)
    return session if session is not None and session.is_open else None


def participant_by_card(card_code: str | None) -> Participant | None:
    """The participant whose personal QR card this is (not anonymised), or None."""
    card_code = (card_code or "").strip()
    if not CARD_CODE_PATTERN.match(card_code):
        return None
    return db.session.scalar(
        select(Participant).where(Participant.card_code == card_code, Participant.anonymised_at.is_(None)))


def card_code_from_scan(text: str) -> str:
    """The card code in what a scanner read: a card URL (…/p/CODE) or the bare code."""
    text = (text or "").strip()
    if "/p/" in text:
        text = text.rsplit("/p/", 1)[1]
    return text.split("?", 1)[0].split("#", 1)[0].strip("/")


def participant_by_phone(phone: str | None) -> Participant | None:
    """The most recently created participant with this (normalised) phone number."""
    if not phone:
        return None
    return db.session.scalar(
        select(Participant)
        .where(Participant.phone == phone, Participant.anonymised_at.is_(None))
        .order_by(Participant.id.desc())
        .limit(1)
    )


def new_client_key() -> str:
    """A fresh idempotency key for a check-in form (the client sends it back)."""
    return secrets.token_urlsafe(18)


def is_valid_client_key(key: str | None) -> bool:
    return bool(key and CLIENT_KEY_PATTERN.match(key))


def attendance_key(session: Session, client_key: str) -> str:
    """The stored idempotency key: the client's key, scoped to the session."""
    return hashlib.sha256(f"session:{session.id}:{client_key}".encode()).hexdigest()


# Check-in


def attendance_of(participant: Participant, session: Session) -> Attendance | None:
    if participant.id is None:
        return None
    return db.session.scalar(
        select(Attendance).where(Attendance.participant_id == participant.id, Attendance.session_id == session.id)
    )


def attendance_by_key(key: str) -> Attendance | None:
    return db.session.scalar(select(Attendance).where(Attendance.idempotency_key == key))


def answer_to_repeat(earlier: Attendance, participant: Participant, is_new: bool) -> CheckInResult:
    """A repeated request gets the first request's answer.

    A new participant's form (not yet saved) that is sent again is the same
    person; a known participant whose key was used by someone else is refused.
    """
    if is_new or earlier.participant_id == participant.id:
        return CheckInResult(CHECKED_IN, earlier.participant, earlier)
    return CheckInResult(NOT_VALID, participant)


def check_in(
    session: Session,
    participant: Participant,
    method: CheckInMethod,
    client_key: str,
    recorded_by: User | None = None,
    stored_key: str | None = None,
) -> CheckInResult:
    """Record ``participant`` at ``session`` exactly once.

    ``participant`` may be new (not yet saved): it is saved only when this
    check-in is recorded. A repeat of the same ``client_key`` gets the first
    answer and records nothing; a participant already at the session gets
    ALREADY_CHECKED_IN. Concurrent requests are settled by the database's
    unique constraints inside a savepoint. The caller commits.
    """
    key = stored_key or attendance_key(session, client_key)
    is_new = participant.id is None
    if (recorded := recorded_before(key, participant, session, is_new)) is not None:
        return recorded
    try:
        with db.session.begin_nested():
            attendance = Attendance(participant=participant, session=session, method=CheckInMethod(method),
                                    recorded_by=recorded_by, idempotency_key=key)
            db.session.add(attendance)
            db.session.flush()
            summary.add(session.event, participant)
    except IntegrityError:
        # Another request recorded it between our look-up and our insert (the same key, or the same
        # participant at this session).
        if (recorded := recorded_before(key, participant, session, is_new)) is not None:
            return recorded
        raise
    return CheckInResult(CHECKED_IN, participant, attendance)


def self_check_in(session: Session, client_key: str, new: ParticipantFields | None = None, phone: str | None = None,
                  personal_code: str | None = None, remembered: Participant | None = None) -> CheckInResult:
    """A participant checks in on their own phone; the check-in is committed.

    Who it is: the new participant described by ``new`` (the form for someone new), else the participant
    with this ``phone`` (returning, on another phone), else ``remembered`` (one tap on the phone that
    checked in before). NOT_FOUND, with nothing written, when that names nobody.
    """
    if new is not None:
        participant = new.new_participant()
    elif phone is not None:
        participant = identity.participant_by_phone_and_code(phone, personal_code)
    else:
        participant = remembered
    if participant is None:
        return CheckInResult(NOT_FOUND)
    result = check_in(session, participant, CheckInMethod.SELF, client_key)
    db.session.commit()
    result.new_participant = new is not None and result.recorded and result.participant is participant
    return result


def recorded_before(key: str, participant: Participant, session: Session, is_new: bool) -> CheckInResult | None:
    """The answer when this check-in is already recorded: its key was used (a repeat), or the participant
    is already at the session. None when neither is."""
    earlier = attendance_by_key(key)
    if earlier is not None:
        return answer_to_repeat(earlier, participant, is_new)
    existing = None if is_new else attendance_of(participant, session)
    if existing is not None:
        return CheckInResult(ALREADY_CHECKED_IN, participant, existing)
    return None


def staff_check_in_card(session: Session, scanned: str, client_key: str, staff: User) -> CheckInResult:
    """A trainer scanned a participant's card (camera or USB scanner) at this session."""
    participant = participant_by_card(card_code_from_scan(scanned))
    if participant is None or session.event.is_cancelled:
        return CheckInResult(NOT_VALID)
    return check_in(session, participant, CheckInMethod.SCAN, client_key, recorded_by=staff)


def remove_attendance(attendance: Attendance) -> dict:
    """Remove a wrong check-in; returns what was removed, for the audit log."""
    removed = {
        "session_id": attendance.session_id,
        "participant_id": attendance.participant_id,
        "method": attendance.method.value,
        "checked_in_at": attendance.checked_in_at.isoformat(timespec="seconds"),
        "recorded_by_id": attendance.recorded_by_id,
    }
    event_id = attendance.session.event_id
    db.session.delete(attendance)
    db.session.flush()
    summary.remove(event_id, attendance.participant_id)
    return removed


def open_checkin(session: Session) -> None:
    session.checkin_open = True


def close_checkin(session: Session) -> None:
    session.checkin_open = False


def rotate_code(session: Session) -> str:
    """Give the session a new check-in code: the old one stops working at once."""
    session.checkin_code = new_checkin_code()
    return session.checkin_code


# Counts other packages may use


def checked_in_count(session: Session) -> int:
    """Number of participants checked in to this session (individual attendance)."""
    return db.session.scalar(
        select(sa.func.count()).select_from(Attendance).where(Attendance.session_id == session.id)
    )


def event_participant_count(event: Event) -> int:
    """Distinct participants with an attendance in any of the event's sessions.

    Individual attendance only; headcount tallies are added by :func:`.headcounts.headcount_total`.
    """
    return db.session.scalar(
        select(sa.func.count(sa.distinct(Attendance.participant_id)))
        .join(Session, Attendance.session_id == Session.id)
        .where(Session.event_id == event.id)
    )


def default_target_group_id(event: Event) -> int | None:
    return event.target_groups[0].id if event.target_groups else None


def target_group_choices(event: Event) -> list[TargetGroup]:
    """The event's target groups in display order (all active groups when the event names none)."""
    chosen = sorted(event.target_groups, key=lambda group: (group.sort_order, group.id))
    return chosen or active_entries(TargetGroup)


def provinces() -> list[Province]:
    """Active provinces in display order."""
    return list(db.session.scalars(
        select(Province).where(Province.active.is_(True)).order_by(Province.sort_order, Province.id)))


def province_options() -> list[tuple[int, str]]:
    """(id, name in the page's language) of the active provinces, as the forms list them."""
    return [(province.id, province.name) for province in provinces()]


# The event's attendance list (for downloads)


def event_attendance(event: Event) -> list[Attendance]:
    """Every attendance at the event's sessions, by session then time."""
    return list(
        db.session.scalars(
            select(Attendance)
            .join(Session, Attendance.session_id == Session.id)
            .where(Session.event_id == event.id)
            .order_by(Session.starts_at, Attendance.checked_in_at, Attendance.id)
            .options(
                selectinload(Attendance.participant).selectinload(Participant.target_group),
                selectinload(Attendance.participant).selectinload(Participant.province),
                selectinload(Attendance.recorded_by),
                selectinload(Attendance.session),
            )
        )
    )
