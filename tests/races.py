"""A second writer between a request's look-up and its insert, for the race tests of check-in and quiz.

On PostgreSQL another request, with a connection of its own, commits at that
moment. On SQLite it cannot: the request took the write lock (BEGIN IMMEDIATE)
before its look-up, so another writer is refused.
"""

import contextvars
import sqlite3

from training_portal.extensions import db


def writer_refused_by_sqlite() -> str:
    """What SQLite says to another connection that wants to write now ("" when it may)."""
    other = sqlite3.connect(db.engine.url.database, timeout=0.2)
    try:
        other.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        return str(error)
    else:
        other.rollback()
        return ""
    finally:
        other.close()


def overtaken_before_flush(other_request, seen: list):
    """A before_flush hook: on PostgreSQL, runs ``other_request`` (in a context, and so a database
    session, of its own) and appends what it returns to ``seen``; on SQLite, appends what SQLite
    says to another writer."""
    def hook(*_args):
        if db.engine.dialect.name == "postgresql":
            seen.append(contextvars.Context().run(other_request))
        else:
            seen.append(writer_refused_by_sqlite())
    return hook
