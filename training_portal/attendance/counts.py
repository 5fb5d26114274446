"""The event page's counts: people checked in per session, the event's participants and its headcounts."""

from dataclasses import dataclass

import sqlalchemy as sa

from ..events.models import Event, Session
from ..extensions import db
from . import models  # as a module: the event pages import this while attendance.models is still loading


@dataclass(frozen=True)
class EventCounts:
    checked_in: dict[int, int]  # session id -> participants checked in (sessions without any are absent)
    participants: int  # distinct participants over the sessions (individual attendance only)
    headcounts: int  # the sum of the event's headcount tallies

    def checked_in_at(self, session: Session) -> int:
        return self.checked_in.get(session.id, 0)


def event_counts(event: Event) -> EventCounts:
    """The counts the event page shows, one query each (the sessions' counts grouped in one)."""
    Attendance, Headcount = models.Attendance, models.Headcount
    of_event = sa.select(Session.id).where(Session.event_id == event.id)
    checked_in = db.session.execute(
        sa.select(Attendance.session_id, sa.func.count())
        .where(Attendance.session_id.in_(of_event))
        .group_by(Attendance.session_id)
    ).all()
    participants = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Attendance.participant_id))).where(Attendance.session_id.in_(of_event))
    )
    headcounts = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Headcount.count), 0)).where(Headcount.event_id == event.id)
    )
    return EventCounts(dict(checked_in), participants, headcounts)
