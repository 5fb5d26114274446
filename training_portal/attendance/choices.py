"""Reference lists for the participant forms (provinces, target groups), kept in memory.

Every check-in form lists 25 provinces and the event's target groups; loading them as
ORM objects on every GET and POST was a large part of a check-in's cost. Each worker
keeps plain copies, and the event's own choice of groups, in the worker cache
(training_portal/worker_cache.py: an edit in this worker is seen at once, in the others
within its CACHE_SECONDS).
"""

from dataclasses import dataclass

import sqlalchemy as sa

from .. import worker_cache
from ..events.models import Event, Province, ReferenceEntry, TargetGroup, event_target_groups
from ..extensions import db
from ..i18n import current_language, localized


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


def _entries_key(model: type[ReferenceEntry]) -> str:
    return f"reference_list:{model.__name__}"


def _event_groups_key(event_id: int) -> str:
    return f"event_target_groups:{event_id}"


def _entries(model: type[ReferenceEntry]) -> dict[int, Choice]:
    """Every entry of a list (active or not) by id, in display order."""
    def load():
        rows = db.session.execute(
            sa.select(model.id, model.code, model.name_en, model.name_km, model.active, model.sort_order)
            .order_by(model.sort_order, model.id)
        ).all()
        return {row.id: Choice(*row) for row in rows}
    return worker_cache.cached(_entries_key(model), load)


def provinces() -> list[Choice]:
    """Active provinces in display order."""
    return [entry for entry in _entries(Province).values() if entry.active]


def province_options() -> list[tuple[int, str]]:
    """(id, name in the page's language) of the active provinces, as the forms list them."""
    key = f"province_options:{current_language()}"
    return worker_cache.cached(key, lambda: [(province.id, province.name) for province in provinces()])


def event_group_ids(event) -> list[int]:
    if "target_groups" in event.__dict__:  # already loaded (and maybe changed) in this request
        return [group.id for group in event.target_groups]
    return worker_cache.cached(_event_groups_key(event.id), lambda: list(db.session.scalars(
        sa.select(event_target_groups.c.target_group_id).where(event_target_groups.c.event_id == event.id))))


def target_groups(event) -> list[Choice]:
    """The event's target groups in display order (all active groups when the event names none)."""
    ids = event_group_ids(event) if event.id is not None or "target_groups" in event.__dict__ else []
    entries = _entries(TargetGroup)
    if any(group_id not in entries for group_id in ids):  # added since this worker read the list
        worker_cache.forget(_entries_key(TargetGroup))
        entries = _entries(TargetGroup)
    if ids:
        chosen = set(ids)
        return [entry for entry in entries.values() if entry.id in chosen]
    return [entry for entry in entries.values() if entry.active]


def _changed_keys(obj) -> list[str]:
    if isinstance(obj, (Province, TargetGroup)):
        return [_entries_key(type(obj)), "province_options:en", "province_options:km"]
    if isinstance(obj, Event) and obj.id is not None:  # its groups are a collection of the event
        return [_event_groups_key(obj.id)]
    return []


worker_cache.forget_on_flush(_changed_keys)
