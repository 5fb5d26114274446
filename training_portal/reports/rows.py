"""Per-row reads of the counted events: sessions per event, and the participants and
attendances streamed from the database for the detail tables."""

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy import select

from ..attendance.models import Attendance, Participant
from ..auth.models import User
from ..events.models import Event, Session
from ..extensions import db
from .period import ReportFilters, event_conditions


def event_session_counts(filters: ReportFilters) -> dict[int, int]:
    """Number of sessions of each counted event."""
    query = (
        select(Session.event_id, sa.func.count())
        .join(Event, Session.event_id == Event.id)
        .where(*event_conditions(filters))
        .group_by(Session.event_id)
    )
    return {event_id: int(number) for event_id, number in db.session.execute(query)}


STREAM_BATCH = 1000


def participant_rows(filters: ReportFilters) -> Iterator[sa.Row]:
    """One row per participant with attendance at a counted event (streamed from the database).

    Columns: id, name, sex, age_band, target_group_id, province_id, events, sessions.
    """
    query = (
        select(
            Participant.id, Participant.name, Participant.sex, Participant.age_band,
            Participant.target_group_id, Participant.province_id,
            sa.func.count(sa.distinct(Event.id)), sa.func.count(Attendance.id),
        )
        .select_from(Attendance)
        .join(Session, Attendance.session_id == Session.id)
        .join(Event, Session.event_id == Event.id)
        .join(Participant, Attendance.participant_id == Participant.id)
        .where(*event_conditions(filters))
        .group_by(Participant.id, Participant.name, Participant.sex, Participant.age_band,
                  Participant.target_group_id, Participant.province_id)
        .order_by(Participant.id)
    )
    if filters.target_group_id:
        query = query.where(Participant.target_group_id == filters.target_group_id)
    yield from db.session.execute(query.execution_options(yield_per=STREAM_BATCH))


def attendance_rows(filters: ReportFilters) -> Iterator[sa.Row]:
    """Every attendance at a counted event, one row per participant and session, streamed.

    Columns: starts_at, ends_at, session_number, event_id, title, event_type_id,
    province_id, participant_id, sex, age_band, target_group_id, method, recorded_by.
    """
    numbered = (
        select(
            Session.id, Session.event_id, Session.starts_at, Session.ends_at,
            sa.func.row_number().over(partition_by=Session.event_id, order_by=(Session.starts_at, Session.id))
            .label("number"),
        )
        .join(Event, Session.event_id == Event.id)
        .where(*event_conditions(filters))
        .subquery("numbered_sessions")
    )
    query = (
        select(
            numbered.c.starts_at, numbered.c.ends_at, numbered.c.number, Event.id, Event.title,
            Event.event_type_id, Event.province_id, Participant.id, Participant.sex, Participant.age_band,
            Participant.target_group_id, Attendance.method, User.name,
        )
        .select_from(Attendance)
        .join(numbered, Attendance.session_id == numbered.c.id)
        .join(Event, numbered.c.event_id == Event.id)
        .join(Participant, Attendance.participant_id == Participant.id)
        .outerjoin(User, Attendance.recorded_by_id == User.id)
        .order_by(numbered.c.starts_at, Event.id, Attendance.id)
    )
    if filters.target_group_id:
        query = query.where(Participant.target_group_id == filters.target_group_id)
    yield from db.session.execute(query.execution_options(yield_per=STREAM_BATCH))
