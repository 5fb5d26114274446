"""A second writer between a request's look-up and its first insert, for the race tests of check-in and quiz.

On PostgreSQL another request, with a connection of its own, commits at that
moment. On SQLite it cannot: the request took the write lock (BEGIN IMMEDIATE)
before its look-up, so another writer is refused.
"""

import contextvars
import sqlite3

from training_portal.extensions import db


def write_lock_is_free(path: str) -> bool:
    """Whether another connection to this SQLite file could take the write lock now."""
    other = sqlite3.connect(path, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.rollback()
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def overtaken_before_flush(other_request, seen: list):
    """A ``before_flush`` hook for the request's session, acting before its first flush that writes new rows:
    on PostgreSQL, runs ``other_request`` (in a context, and so a database session, of its own) and appends
    what it returns to ``seen``; on SQLite, appends whether another writer could take the write lock (it
    should not: False)."""
    def hook(session, _flush_context, _instances):
        if seen or not session.new:
            return
        if db.engine.dialect.name == "postgresql":
            seen.append(contextvars.Context().run(other_request))
        else:
            seen.append(write_lock_is_free(db.engine.url.database))
    return hook
