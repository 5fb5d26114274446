"""Rarely changed rows kept in memory by each server worker: reference lists, settings, an event's groups.

Participant pages read these on every request; reading them from the database each time
was a large part of a check-in's cost. Each entry is kept for CACHE_SECONDS. A change
made through the ORM in this worker forgets the affected entries at once (the
``after_flush`` listeners registered with ``forget_on_flush``); other workers see it
within CACHE_SECONDS.
"""

import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import orm

CACHE_SECONDS = 60
EXTENSION_KEY = "worker_cache"
_listeners: list[Callable[[Any], list[str]]] = []


def _entries() -> dict:
    return current_app.extensions.setdefault(EXTENSION_KEY, {})


def kept(key: str, default: Any = None) -> Any:
    """The value kept under ``key`` (``default`` when none, or when it is older than CACHE_SECONDS)."""
    entry = _entries().get(key)
    if entry is not None and entry[0] > time.monotonic():
        return entry[1]
    return default


def keep(key: str, value: Any) -> Any:
    _entries()[key] = (time.monotonic() + CACHE_SECONDS, value)
    return value


def cached(key: str, load: Callable[[], Any]) -> Any:
    """The value kept under ``key``, or ``load()`` kept from now on."""
    value = kept(key, _MISSING)
    return keep(key, load()) if value is _MISSING else value


_MISSING = object()


def forget(*keys: str) -> None:
    entries = _entries()
    for key in keys:
        entries.pop(key, None)


def clear() -> None:
    """Forget everything (after a change made without the ORM, such as emptying tables)."""
    current_app.extensions.pop(EXTENSION_KEY, None)


def forget_on_flush(keys_of: Callable[[Any], list[str]]) -> None:
    """Register ``keys_of(obj)``: the keys to forget when ``obj`` is added, changed or deleted."""
    _listeners.append(keys_of)


@sa.event.listens_for(orm.Session, "after_flush")
def _forget_changed(session, _context) -> None:
    keys = [key for obj in (*session.new, *session.dirty, *session.deleted)
            for keys_of in _listeners for key in keys_of(obj)]
    if not keys:
        return
    try:
        forget(*keys)
    except RuntimeError:  # no application context: nothing is kept here
        pass
