"""Reference lists for the participant forms (provinces, target groups), kept in memory.

Every check-in form lists 25 provinces and the event's target groups; loading them as
ORM objects on every GET and POST was a large part of a check-in's cost. Each worker
keeps plain copies for CHOICES_SECONDS; an edit of a province or target group made
through the ORM in this process clears them at once, other workers see it within
CHOICES_SECONDS. An event's own choice of groups is always read from the database.
"""

import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import orm

from ..events.models import Province, ReferenceEntry, TargetGroup, event_target_groups
from ..extensions import db
from ..i18n import localized

CHOICES_SECONDS = 60
CACHE_KEY = "attendance_reference_choices"


@dataclass(frozen=True)
class Choice:
    """A reference entry as the forms use it (same attribute names as the model)."""

    id: int
    code: str
    name_en: str
    name_km: str
    active: bool
    sort_order: int

    @property
    def name(self) -> str:
        return localized(self, "name")


def _cache() -> dict:
    return current_app.extensions.setdefault(CACHE_KEY, {})


def _entries(model: type[ReferenceEntry]) -> dict[int, Choice]:
    """Every entry of a list (active or not) by id, in display order."""
    cache = _cache()
    kept = cache.get(model.__name__)
    if kept is not None and kept[0] > time.monotonic():
        return kept[1]
    rows = db.session.execute(
        sa.select(model.id, model.code, model.name_en, model.name_km, model.active, model.sort_order)
        .order_by(model.sort_order, model.id)
    ).all()
    entries = {row.id: Choice(*row) for row in rows}
    cache[model.__name__] = (time.monotonic() + CHOICES_SECONDS, entries)
    return entries


def clear() -> None:
    current_app.extensions.pop(CACHE_KEY, None)


def provinces() -> list[Choice]:
    """Active provinces in display order."""
    return [entry for entry in _entries(Province).values() if entry.active]


def event_group_ids(event) -> list[int]:
    if "target_groups" in event.__dict__:  # already loaded (and maybe changed) in this request
        return [group.id for group in event.target_groups]
    return list(db.session.scalars(
        sa.select(event_target_groups.c.target_group_id).where(event_target_groups.c.event_id == event.id)))


def target_groups(event) -> list[Choice]:
    """The event's target groups in display order (all active groups when the event names none)."""
    ids = event_group_ids(event) if event.id is not None or "target_groups" in event.__dict__ else []
    entries = _entries(TargetGroup)
    if any(group_id not in entries for group_id in ids):  # added since this worker read the list
        _cache().pop(TargetGroup.__name__, None)
        entries = _entries(TargetGroup)
    if ids:
        chosen = set(ids)
        return [entry for entry in entries.values() if entry.id in chosen]
    return [entry for entry in entries.values() if entry.active]


@sa.event.listens_for(orm.Session, "after_flush")
def _reference_list_changed(session, _context) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, (Province, TargetGroup)) for obj in changed):
        try:
            clear()
        except RuntimeError:  # no application context: nothing cached here
            pass
