"""Database engine settings that make SQLite safe for several server workers."""

from contextlib import contextmanager

from flask import current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

SQLITE_BUSY_TIMEOUT_MS = 15_000
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def configure_sqlite(engine: Engine) -> None:
    """WAL journal, a busy timeout, foreign keys, and IMMEDIATE write transactions.

    pysqlite's own transaction handling is switched off so that we emit BEGIN
    ourselves: a request that may write takes the write lock up front
    (BEGIN IMMEDIATE) and so waits its turn instead of failing later with
    "database is locked" when two deferred transactions both try to upgrade.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if transaction_may_write() else "BEGIN")

    @event.listens_for(engine, "commit")
    def on_commit(_connection):
        if has_request_context():
            g.request_committed = True


@contextmanager
def reading_only():
    """Transactions begun inside this block only read: on SQLite they do not take the write lock.

    For work that reads after its request has ended, such as a streamed download
    in an application context of its own, which would otherwise begin IMMEDIATE
    (as shell commands do) and hold check-ins back while a slow phone fetches it.
    """
    previous = g.get("reading_only", False)
    g.reading_only = True
    try:
        yield
    finally:
        g.reading_only = previous


def transaction_may_write() -> bool:
    """A request with a state-changing method (until it has committed), or work outside a request (CLI).

    A view commits once, when its writes are done: what it reads afterwards (the page it answers
    with) must not hold the write lock while it renders, or the next phone's check-in waits.

    Tests that read in their own thread while a live server writes set
    SQLITE_IMMEDIATE_OUTSIDE_REQUESTS to False, so that their reads do not
    hold the write lock.
    """
    if g.get("reading_only"):
        return False
    if has_request_context():
        # Once the view has returned, what still reads (a streamed download) must not hold the write
        # lock while a slow phone fetches it: check-ins would wait behind it.
        if g.get("response_started") or g.get("request_committed"):
            return False
        return request.method not in READ_ONLY_METHODS
    return current_app.config.get("SQLITE_IMMEDIATE_OUTSIDE_REQUESTS", True)


def init_engine(app) -> None:
    """Attach dialect-specific settings to the app's engine."""
    from .extensions import db

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            configure_sqlite(engine)

    @app.after_request
    def mark_response_started(response):
        g.response_started = True
        return response


def database_answers() -> bool:
    """True when a trivial query succeeds."""
    from sqlalchemy import text

    from .extensions import db

    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
        return True
    except Exception:  # any driver error means "not answering"
        current_app.logger.warning("health check: database did not answer")
        db.session.rollback()
        return False
