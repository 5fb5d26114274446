"""Check-in, participants, headcounts and the event's attendance list.

Every check-in, whatever its method, goes through :func:`check_in`, which
records a participant at a session exactly once: the database refuses a
second attendance of the same participant at the same session, and a
second use of the same idempotency key; this module turns both refusals
into the answer the first request got.
"""

import hashlib
import re
import secrets
from contextlib import nullcontext
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import User
from ..database import attach_inserted, insert_row
from ..events.models import Event, Session
from ..events.services import escape_like, new_checkin_code
from ..extensions import db
from . import choices, summary
from .models import AgeBand, Attendance, CheckInMethod, Headcount, Participant, Registration, Sex

CHECKED_IN = "checked_in"
ALREADY_CHECKED_IN = "already_checked_in"
NOT_VALID = "not_valid"

CLIENT_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
CARD_CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,32}$")
CHECKIN_CODE_MAX_LENGTH = 10
SEARCH_RESULTS = 20
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


@dataclass
class ImportOutcome:
    recorded: int = 0
    already: int = 0
    registered: int = 0
    problems: list = field(default_factory=list)


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
    """The session whose current check-in code this is (any case), or None."""
    code = (code or "").strip().upper()
    if not code or len(code) > CHECKIN_CODE_MAX_LENGTH or not code.isalnum():
        return None
    return db.session.scalar(SESSION_BY_CODE, {"code": code})


# With its event in the same query: every check-in page needs both. Built once: building the
# loader option on every request cost as much as running the query.
SESSION_BY_CODE = (
    select(Session).where(Session.checkin_code == sa.bindparam("code")).options(joinedload(Session.event)))


def participant_by_card(card_code: str) -> Participant | None:
    """The participant whose personal QR card this is (not anonymised), or None."""
    card_code = (card_code or "").strip()
    if not CARD_CODE_PATTERN.match(card_code):
        return None
    return db.session.scalar(PARTICIPANT_BY_CARD, {"card_code": card_code})


PARTICIPANT_BY_CARD = select(Participant).where(
    Participant.card_code == sa.bindparam("card_code"), Participant.anonymised_at.is_(None))


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
    return db.session.scalar(ATTENDANCE_BY_KEY, {"key": key})


ATTENDANCE_BY_KEY = select(Attendance).where(Attendance.idempotency_key == sa.bindparam("key"))


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
    whole_transaction: bool = False,
) -> CheckInResult:
    """Record ``participant`` at ``session`` exactly once.

    ``participant`` may be new (not yet saved): it is saved only when this
    check-in is recorded. A repeat of the same ``client_key`` gets the first
    answer and records nothing; a participant already at the session gets
    ALREADY_CHECKED_IN. Concurrent requests are settled by the database's
    unique constraints inside a savepoint, or, when the check-in is the
    ``whole_transaction`` (nothing else was written in it), by rolling that
    back. The caller commits.
    """
    key = stored_key or attendance_key(session, client_key)
    is_new = participant.id is None
    if not is_new and (recorded := recorded_before(key, participant, session, is_new)) is not None:
        return recorded
    # A new participant has no attendance to look for: a form sent again (its key already recorded) is
    # found when the attendance insert meets the unique key, as a race is, and nothing of it stays.
    try:
        with nullcontext() if whole_transaction else db.session.begin_nested():
            participant_row = insert_row(participant) if is_new else None
            attendance = Attendance(
                participant_id=participant_row["id"] if is_new else participant.id, session_id=session.id,
                method=CheckInMethod(method), recorded_by_id=recorded_by.id if recorded_by else None,
                idempotency_key=key, participant=participant, session=session, recorded_by=recorded_by,
            )
            attendance_row = insert_row(attendance)
            # Both rows are written: only now do the objects become the session's.
            if is_new:
                attach_inserted(participant, participant_row)
            attach_inserted(attendance, attendance_row)
            summary.add(session.event, participant)
    except IntegrityError:
        # Another request recorded it between our look-up and our insert, or this new participant's form
        # had been recorded before (the same key).
        if whole_transaction:
            db.session.rollback()
        if (recorded := recorded_before(key, participant, session, is_new)) is not None:
            return recorded
        raise
    return CheckInResult(CHECKED_IN, participant, attendance)


def recorded_before(key: str, participant: Participant, session: Session, is_new: bool) -> CheckInResult | None:
    """The answer when this check-in is already recorded: its key was used (a repeat), or the participant
    is already at the session. None when neither is."""
    earlier = attendance_by_key(key)
    if earlier is not None:
        return answer_to_repeat(earlier, participant, is_new)
    existing = attendance_of(participant, session)
    if existing is not None:
        return CheckInResult(ALREADY_CHECKED_IN, participant, existing)
    return None


def staff_check_in_card(session: Session, scanned: str, client_key: str, staff: User) -> CheckInResult:
    """A trainer scanned a participant's card (camera or USB scanner) at this session."""
    participant = participant_by_card(card_code_from_scan(scanned))
    if participant is None or session.event.is_cancelled:
        return CheckInResult(NOT_VALID)
    return check_in(session, participant, CheckInMethod.SCAN, client_key, recorded_by=staff, whole_transaction=True)


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

    Individual attendance only; headcount tallies are added by :func:`headcount_total`.
    """
    return db.session.scalar(
        select(sa.func.count(sa.distinct(Attendance.participant_id)))
        .join(Session, Attendance.session_id == Session.id)
        .where(Session.event_id == event.id)
    )


def headcount_total(event: Event) -> int:
    return db.session.scalar(
        select(sa.func.coalesce(sa.func.sum(Headcount.count), 0)).where(Headcount.event_id == event.id)
    )


# Roster, walk-ins and pre-registration


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


def default_target_group_id(event: Event) -> int | None:
    return event.target_groups[0].id if event.target_groups else None


def target_group_choices(event: Event) -> list[choices.Choice]:
    """The event's target groups (all active groups when the event names none), from the kept list."""
    return choices.target_groups(event)


def provinces() -> list[choices.Choice]:
    """Active provinces in display order, from the kept list."""
    return choices.provinces()


def province_options() -> list[tuple[int, str]]:
    """(id, name in the page's language) of the active provinces, from the kept list."""
    return choices.province_options()


# Headcounts


def headcounts(event: Event) -> dict[tuple[int, str], int]:
    """The event's tallies as {(target group id, sex value): count}."""
    rows = db.session.scalars(select(Headcount).where(Headcount.event_id == event.id))
    return {(row.target_group_id, row.sex.value): row.count for row in rows}


def set_headcounts(event: Event, tallies: dict[tuple[int, str], int], staff: User | None) -> dict:
    """Replace the event's tallies; a zero removes the row. Returns the changes."""
    existing = {
        (row.target_group_id, row.sex.value): row
        for row in db.session.scalars(select(Headcount).where(Headcount.event_id == event.id))
    }
    changes = {}
    for (group_id, sex), count in tallies.items():
        row = existing.get((group_id, sex))
        before = row.count if row else 0
        if count == before:
            continue
        changes[f"{group_id}:{sex}"] = [before, count]
        if count == 0:
            db.session.delete(row)
        elif row is None:
            db.session.add(Headcount(event=event, target_group_id=group_id, sex=Sex(sex), count=count,
                                     recorded_by_id=staff.id if staff else None))
        else:
            row.count, row.recorded_by_id = count, staff.id if staff else None
    return changes


def headcount_rows(event: Event) -> list[Headcount]:
    return list(
        db.session.scalars(
            select(Headcount).where(Headcount.event_id == event.id)
            .order_by(Headcount.target_group_id, Headcount.sex)
            .options(selectinload(Headcount.target_group))
        )
    )


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


# Paper sheets


def import_sheet_rows(session: Session, rows: list, staff: User | None) -> ImportOutcome:
    """Record the valid rows of a paper sign-in sheet (the caller commits them together).

    Each row carries a deterministic key (see SheetRow.import_key), so a sheet
    uploaded twice records nobody twice. A row with the phone number of a
    known participant is that participant.
    """
    outcome = ImportOutcome()
    for row in rows:
        key = row.import_key(session.id)
        if attendance_by_key(key) is not None:
            outcome.already += 1
            continue
        fields = row.participant_fields()
        participant = participant_by_phone(fields.phone) or fields.new_participant()
        result = check_in(session, participant, CheckInMethod.IMPORT, "", recorded_by=staff, stored_key=key)
        if result.recorded:
            outcome.recorded += 1
        else:
            outcome.already += 1
    return outcome


def register_sheet_rows(event: Event, rows: list, staff: User | None) -> ImportOutcome:
    """Register the rows of a sheet for an event in advance; a row registered before is skipped."""
    outcome = ImportOutcome()
    registered = registered_participants(event)
    for row in rows:
        fields = row.participant_fields()
        participant = participant_by_phone(fields.phone)
        if participant is None:
            twins = [p for p in registered if same_person(p, fields)]
            if len(twins) > row.occurrence:
                outcome.already += 1
                continue
            participant = fields.new_participant()
        elif any(p.id == participant.id for p in registered):
            outcome.already += 1
            continue
        register(event, participant, staff)
        registered.append(participant)
        outcome.registered += 1
    return outcome


def same_person(participant: Participant, fields: ParticipantFields) -> bool:
    """A registered participant without a phone that matches a sheet row in every field."""
    return (
        participant.phone is None and not fields.phone
        and " ".join(participant.name.split()).casefold() == " ".join(fields.name.split()).casefold()
        and participant.sex == Sex(fields.sex) and participant.age_band == AgeBand(fields.age_band)
        and participant.target_group_id == fields.target_group_id
        and participant.organisation.casefold() == fields.organisation.strip().casefold()
    )


# Rows carried from the preview to the confirmation, signed so they cannot be altered


def sign_rows(scope: str, payload: list[dict], secret_key: str) -> str:
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(secret_key, salt="attendance-sheet").dumps({"scope": scope, "rows": payload})


def unsign_rows(scope: str, token: str, secret_key: str) -> list[dict] | None:
    """The rows signed for this scope, or None when the token was altered or is for another scope."""
    from itsdangerous import BadSignature, URLSafeSerializer

    try:
        data = URLSafeSerializer(secret_key, salt="attendance-sheet").loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("scope") != scope:
        return None
    return data.get("rows")
