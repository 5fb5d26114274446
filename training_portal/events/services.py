"""Events, their sessions and the reference lists."""

import re
import secrets
from dataclasses import dataclass
from datetime import date, time, timedelta

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth.models import Role, User
from ..extensions import db
from ..timeutil import local_to_utc, local_today, to_local, utcnow
from . import reference_data
from .models import Event, EventStatus, EventType, Language, Province, ReferenceEntry, Session, TargetGroup

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read off a projector or typed from a
# poster cannot be mistaken, and short codes make a coarse QR.
CHECKIN_CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CHECKIN_CODE_LENGTH = 6
EARLIEST_SESSION_DATE = date(2000, 1, 1)
LATEST_SESSION_YEARS_AHEAD = 3
UPCOMING_DAYS = 14
EVENTS_PER_PAGE = 25

REFERENCE_LISTS = {
    "event-types": (EventType, reference_data.EVENT_TYPES),
    "target-groups": (TargetGroup, reference_data.TARGET_GROUPS),
    "provinces": (Province, reference_data.PROVINCES),
}


@dataclass(frozen=True)
class SessionTimes:
    """A session as entered: local date, start and end time."""

    day: date
    start: time
    end: time

    def as_utc(self) -> tuple:
        return local_to_utc(self.day, self.start), local_to_utc(self.day, self.end)


@dataclass
class EventFilters:
    year: int | None = None
    province_id: int | None = None
    event_type_id: int | None = None
    target_group_id: int | None = None
    trainer_id: int | None = None
    status: str | None = None
    text: str = ""


def session_times_problem(times: SessionTimes) -> str | None:
    """Why these session times are refused (an untranslated key), or None."""
    if times.end <= times.start:
        return "end_before_start"
    latest = local_today().replace(year=local_today().year + LATEST_SESSION_YEARS_AHEAD)
    if not EARLIEST_SESSION_DATE <= times.day <= latest:
        return "out_of_range"
    return None


def new_checkin_code() -> str:
    """A short random code that no other session uses."""
    while True:
        code = "".join(secrets.choice(CHECKIN_CODE_ALPHABET) for _ in range(CHECKIN_CODE_LENGTH))
        if db.session.scalar(select(Session.id).where(Session.checkin_code == code)) is None:
            return code


def refresh_starts_on(event: Event) -> None:
    """Keep the event's period date equal to its first session's local date (and its pairs' month)."""
    from ..attendance import summary

    first = min((session.starts_at for session in event.sessions), default=None)
    event.starts_on = to_local(first).date() if first else None
    summary.follow_event(event)


def add_session(event: Event, times: SessionTimes) -> Session:
    starts_at, ends_at = times.as_utc()
    session = Session(starts_at=starts_at, ends_at=ends_at, checkin_code=new_checkin_code())
    event.sessions.append(session)
    refresh_starts_on(event)
    return session


def update_session(session: Session, times: SessionTimes) -> None:
    session.starts_at, session.ends_at = times.as_utc()
    refresh_starts_on(session.event)


def session_has_attendance(session: Session) -> bool:
    from ..attendance.models import Attendance

    return db.session.scalar(select(sa.exists().where(Attendance.session_id == session.id)))


def remove_session(session: Session) -> bool:
    """Remove a session that nobody attended; False (and nothing changed) otherwise."""
    if session.id is not None and session_has_attendance(session):
        return False
    event = session.event
    event.sessions.remove(session)
    refresh_starts_on(event)
    return True


def apply_event_fields(event: Event, fields: dict) -> None:
    """Copy validated form values onto an event (reference ids already checked), and its type and
    province onto its pairs."""
    from ..attendance import summary

    event.title = fields["title"].strip()
    event.description = (fields.get("description") or "").strip()
    event.event_type_id = fields["event_type_id"]
    event.province_id = fields["province_id"]
    event.venue = (fields.get("venue") or "").strip()
    event.language = Language(fields["language"])
    event.expected_participants = fields.get("expected_participants")
    event.target_groups = list(
        db.session.scalars(select(TargetGroup).where(TargetGroup.id.in_(fields["target_group_ids"])))
    )
    event.trainers = list(db.session.scalars(select(User).where(User.id.in_(fields["trainer_ids"]))))
    summary.follow_event(event)


def create_event(fields: dict, sessions: list[SessionTimes], creator: User) -> Event:
    """A planned event with its sessions; a trainer who creates it is one of its trainers."""
    event = Event(created_by=creator, status=EventStatus.PLANNED)
    apply_event_fields(event, fields)
    if creator.role == Role.TRAINER and not event.is_trainer(creator):
        event.trainers.append(creator)
    for times in sessions:
        add_session(event, times)
    db.session.add(event)
    return event


def same_title_on_same_days(title: str, days: list[date]) -> list[Event]:
    """Events not cancelled with this title (ignoring case and outer spaces) and a session on one of ``days``:
    most likely the same event entered twice."""
    ranges = [sa.and_(Session.starts_at >= local_to_utc(day, time(0)),
                      Session.starts_at < local_to_utc(day + timedelta(days=1), time(0))) for day in set(days)]
    if not ranges:
        return []
    query = (select(Event).where(sa.func.lower(Event.title) == title.strip().lower(),
                                 Event.status != EventStatus.CANCELLED, Event.sessions.any(sa.or_(*ranges)))
             .order_by(Event.id))
    return list(db.session.scalars(query))


def next_day(times: SessionTimes) -> SessionTimes:
    """The same hours on the following day, for an event of several days."""
    return SessionTimes(times.day + timedelta(days=1), times.start, times.end)


def mark_completed(event: Event) -> None:
    event.status = EventStatus.COMPLETED
    close_checkin(event)


def cancel_event(event: Event, reason: str) -> None:
    event.status = EventStatus.CANCELLED
    event.cancel_reason = reason.strip()
    close_checkin(event)


def reopen_event(event: Event) -> None:
    """Back to planned, e.g. after a cancellation was a mistake."""
    event.status = EventStatus.PLANNED
    event.cancel_reason = ""


def close_checkin(event: Event) -> None:
    for session in event.sessions:
        session.checkin_open = False


def filtered_events_query(filters: EventFilters) -> sa.Select:
    """Events matching the list page's filters, latest first."""
    query = select(Event)
    if filters.year:
        query = query.where(Event.starts_on >= date(filters.year, 1, 1), Event.starts_on < date(filters.year + 1, 1, 1))
    if filters.province_id:
        query = query.where(Event.province_id == filters.province_id)
    if filters.event_type_id:
        query = query.where(Event.event_type_id == filters.event_type_id)
    if filters.target_group_id:
        query = query.where(Event.target_groups.any(TargetGroup.id == filters.target_group_id))
    if filters.trainer_id:
        query = query.where(Event.trainers.any(User.id == filters.trainer_id))
    if filters.status:
        query = query.where(Event.status == EventStatus(filters.status))
    if filters.text.strip():
        pattern = f"%{escape_like(filters.text.strip())}%"
        query = query.where(
            sa.or_(
                Event.title.ilike(pattern, escape="\\"),
                Event.venue.ilike(pattern, escape="\\"),
                Event.description.ilike(pattern, escape="\\"),
            )
        )
    return query.order_by(Event.starts_on.desc().nulls_last(), Event.id.desc()).options(
        selectinload(Event.event_type), selectinload(Event.province), selectinload(Event.sessions)
    )


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def upcoming_sessions(user: User, days: int = UPCOMING_DAYS) -> list[Session]:
    """Sessions from now on for the next ``days`` days: a trainer's own, or all for managers."""
    now = utcnow()
    query = (
        select(Session)
        .join(Session.event)
        .where(Session.ends_at >= now, Session.starts_at < now + timedelta(days=days))
        .where(Event.status != EventStatus.CANCELLED)
        .order_by(Session.starts_at)
        .options(selectinload(Session.event).selectinload(Event.province))
    )
    if not user.sees_all_events:
        query = query.where(Event.trainers.any(User.id == user.id))
    return list(db.session.scalars(query))


def event_years() -> list[int]:
    """Years that have events, newest first, for the year filter."""
    first = db.session.scalar(select(sa.func.min(Event.starts_on)))
    last = db.session.scalar(select(sa.func.max(Event.starts_on)))
    this_year = local_today().year
    low = first.year if first else this_year
    high = max(last.year if last else this_year, this_year)
    return list(range(high, low - 1, -1))


def active_entries(model: type[ReferenceEntry], keep_ids=()) -> list[ReferenceEntry]:
    """Active entries of a reference list, plus inactive ones still chosen on a record."""
    condition = model.active.is_(True)
    if keep_ids:
        condition = sa.or_(condition, model.id.in_(list(keep_ids)))
    return list(db.session.scalars(select(model).where(condition).order_by(model.sort_order, model.name_en)))


def staff_for_events(keep_ids=()) -> list[User]:
    condition = User.active.is_(True)
    if keep_ids:
        condition = sa.or_(condition, User.id.in_(list(keep_ids)))
    return list(db.session.scalars(select(User).where(condition).order_by(User.name)))


def reference_entry_in_use(entry: ReferenceEntry) -> bool:
    """True when any record points at this entry, so it may only be deactivated."""
    from ..attendance.models import Headcount, Participant
    from .models import event_target_groups

    if isinstance(entry, EventType):
        checks = [select(Event.id).where(Event.event_type_id == entry.id)]
    elif isinstance(entry, Province):
        checks = [
            select(Event.id).where(Event.province_id == entry.id),
            select(Participant.id).where(Participant.province_id == entry.id),
        ]
    else:
        checks = [
            select(event_target_groups.c.event_id).where(event_target_groups.c.target_group_id == entry.id),
            select(Participant.id).where(Participant.target_group_id == entry.id),
            select(Headcount.id).where(Headcount.target_group_id == entry.id),
        ]
    return any(db.session.scalar(select(sa.exists(check))) for check in checks)


def delete_reference_entry(entry: ReferenceEntry) -> bool:
    """Delete an unused entry; an entry in use is kept (False) and can only be deactivated."""
    if reference_entry_in_use(entry):
        return False
    db.session.delete(entry)
    return True


def load_reference_data() -> int:
    """Insert missing reference entries (by code); existing entries are left as edited."""
    added = 0
    for model, entries in REFERENCE_LISTS.values():
        known = set(db.session.scalars(select(model.code)))
        for position, (code, name_en, name_km) in enumerate(entries):
            if code not in known:
                db.session.add(model(code=code, name_en=name_en, name_km=name_km, sort_order=position * 10))
                added += 1
    return added


def new_reference_code(model: type[ReferenceEntry], name_en: str) -> str:
    """A stable code for a new entry, derived from its English name."""
    base = re.sub(r"[^a-z0-9]+", "_", name_en.lower()).strip("_")[:30] or "entry"
    code, number = base, 2
    while db.session.scalar(select(model.id).where(model.code == code)) is not None:
        code, number = f"{base}_{number}", number + 1
    return code
