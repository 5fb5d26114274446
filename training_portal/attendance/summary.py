"""The event participants summary (``EventParticipant``), kept in step with the attendance.

Every attendance written or removed updates it in the same transaction, and so
does every change of an event's type, province or sessions (its month), so that
the reports count the distinct (event, participant) pairs without reading a
million attendance rows.

Concurrent requests (PostgreSQL runs READ COMMITTED; SQLite writes one at a
time) are settled like this: a check-in adds the pair with ON CONFLICT DO
NOTHING, so the second session of an event finds it there, or waits for the
request that is adding it. A removal first locks the participant's row, which
waits for any check-in of that participant still in progress (its attendance
holds a key-share lock on that row through the foreign key until it commits,
and a check-in that starts later waits for the removal), and only then, in a
statement of its own that sees what they committed, looks for another
attendance of the participant at the event before deleting the pair.
"""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..events.models import Event, Session
from ..extensions import db
from .models import Attendance, EventParticipant, Participant

PAIR_COLUMNS = ("event_id", "participant_id", "sex", "age_band", "target_group_id", "event_type_id", "province_id",
                "month_key")


def month_key(day: date) -> int:
    """The month of a date as one number, year * 100 + month (the reports' grouping key)."""
    return day.year * 100 + day.month


def month_key_of(column) -> sa.ColumnElement:
    """The same in SQL, of a date column."""
    return sa.cast(sa.extract("year", column) * 100 + sa.extract("month", column), sa.Integer)


def add(event: Event, participant: Participant) -> None:
    """Count ``participant`` (already written) at the event, once whatever the sessions attended."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(EventParticipant)
        .values(event_id=event.id, participant_id=participant.id, sex=participant.sex,
                age_band=participant.age_band, target_group_id=participant.target_group_id,
                event_type_id=event.event_type_id, province_id=event.province_id,
                month_key=month_key(event.starts_on))
        .on_conflict_do_nothing(index_elements=["event_id", "participant_id"])
    )


def follow_event(event: Event) -> None:
    """After an event's type, province or sessions changed: the same on its pairs."""
    if event.id is None or event.starts_on is None:
        return  # a new event, or one without sessions: nobody attended it
    db.session.execute(
        sa.update(EventParticipant).where(EventParticipant.event_id == event.id)
        .values(event_type_id=event.event_type_id, province_id=event.province_id,
                month_key=month_key(event.starts_on))
    )


def remove(event_id: int, participant_id: int) -> None:
    """After one of the participant's attendances at the event was deleted (and flushed): stop counting
    them at the event unless another of their attendances at its sessions remains."""
    db.session.execute(sa.select(Participant.id).where(Participant.id == participant_id).with_for_update())
    remaining = (
        sa.select(Attendance.id)
        .join(Session, Attendance.session_id == Session.id)
        .where(Session.event_id == event_id, Attendance.participant_id == participant_id)
    )
    db.session.execute(
        sa.delete(EventParticipant)
        .where(EventParticipant.event_id == event_id, EventParticipant.participant_id == participant_id,
               ~sa.exists(remaining))
    )


def pairs_from_attendance(event_ids: sa.Select | list[int]) -> sa.Select:
    """The (event, participant) pairs the attendance of these events implies, with the participant's
    attributes: what the summary must hold for them."""
    return (
        sa.select(Session.event_id, Attendance.participant_id, Participant.sex, Participant.age_band,
                  Participant.target_group_id, Event.event_type_id, Event.province_id,
                  month_key_of(Event.starts_on).label("month_key"))
        .join(Session, Attendance.session_id == Session.id)
        .join(Event, Session.event_id == Event.id)
        .join(Participant, Attendance.participant_id == Participant.id)
        .where(Session.event_id.in_(event_ids))
        .group_by(Session.event_id, Attendance.participant_id, Participant.sex, Participant.age_band,
                  Participant.target_group_id, Event.event_type_id, Event.province_id, Event.starts_on)
    )


def add_events(event_ids: list[int]) -> None:
    """Count the attendance of events whose attendance was written in bulk (the demo year): the pairs
    not yet in the summary."""
    pairs = pairs_from_attendance(event_ids).subquery("pairs")
    missing = sa.select(*pairs.c).where(~sa.exists().where(
        EventParticipant.event_id == pairs.c.event_id, EventParticipant.participant_id == pairs.c.participant_id))
    db.session.execute(sa.insert(EventParticipant).from_select(PAIR_COLUMNS, missing))
