"""Headcounts: an event's tallies by target group and sex, for events too large to register everyone."""

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..events.models import Event
from ..extensions import db
from .models import Headcount, Sex


def headcounts(event: Event) -> dict[tuple[int, str], int]:
    """The event's tallies as {(target group id, sex value): count}."""
    rows = db.session.scalars(select(Headcount).where(Headcount.event_id == event.id))
    return {(row.target_group_id, row.sex.value): row.count for row in rows}


def headcount_total(event: Event) -> int:
    """The sum of the event's tallies (added to its individually checked-in participants)."""
    return db.session.scalar(
        select(sa.func.coalesce(sa.func.sum(Headcount.count), 0)).where(Headcount.event_id == event.id)
    )


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
    """The event's tallies as rows, for the attendance download."""
    return list(
        db.session.scalars(
            select(Headcount).where(Headcount.event_id == event.id)
            .order_by(Headcount.target_group_id, Headcount.sex)
            .options(selectinload(Headcount.target_group))
        )
    )
