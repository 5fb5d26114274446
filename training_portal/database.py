"""Database engine settings that make SQLite safe for several server workers."""

import functools
from contextlib import contextmanager

import sqlalchemy as sa
from flask import current_app, g, has_request_context, request
from sqlalchemy import event, orm
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


def reads_without_transaction() -> None:
    """On PostgreSQL, let a GET's reads run without a transaction: a phone's page is then one round trip
    to the server for its query instead of three (BEGIN, the query, ROLLBACK). Under READ COMMITTED each
    statement reads its own snapshot anyway, so the reads see what they would have seen. Call it before
    the request's first query, in a view that does not write on a GET. A POST keeps its reads in the
    transaction of its writes (see end_reading); SQLite keeps its read transaction (it has no round
    trips)."""
    from .extensions import db

    if request.method not in READ_ONLY_METHODS:
        return
    session = db.session()
    if session.in_transaction() or session.get_bind().dialect.name != "postgresql":
        return
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def end_reading() -> None:
    """On SQLite, end this request's reading transaction, keeping what it loaded, so that the writes
    that follow begin a transaction of their own (BEGIN IMMEDIATE, the write lock). PostgreSQL has no
    such lock: the writes go on in the same transaction (a COMMIT and a BEGIN fewer)."""
    from .extensions import db

    if db.session.get_bind().dialect.name == "sqlite":
        commit_keeping_objects()


def commit_keeping_objects() -> None:
    """Commit without expiring the loaded objects, for a request that only shows them afterwards
    (a check-in's confirmation shows the session, its event and the participant it just wrote)."""
    from .extensions import db

    session = db.session()
    previous, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = previous


def insert_row(obj) -> dict:
    """INSERT a new ORM object's row with one statement of its table and return the row as stored (its
    new id and column defaults included). The object itself is left as it was: ``attach_inserted`` makes
    it part of the session once every row of the step is written, so that a failed step leaves nothing
    half-attached.

    For the writes on a participant's path (a check-in, a quiz attempt), where the session's flush cost
    nearly twice as much as these statements. The object's columns are read as set on it (foreign keys
    as ids); a column left unset gets its default."""
    from .extensions import db

    statement, columns = insert_plan(sa.inspect(obj).mapper)
    state = obj.__dict__
    values = {}
    for key, column_key, explicit_null in columns:
        value = state.get(key)
        if value is not None or explicit_null:
            values[column_key] = value
    row = db.session.execute(statement, values).one()
    return {key: value for (key, _column_key, _explicit_null), value in zip(columns, row)}


@functools.cache
def insert_plan(mapper) -> tuple[sa.Insert, tuple[tuple[str, str, bool], ...]]:
    """A mapped class's INSERT ... RETURNING every column, built once, and its columns: (attribute, column,
    whether an unset value is written as NULL rather than left to the column's default)."""
    table = mapper.local_table
    columns = tuple((prop.key, prop.columns[0].key, prop.columns[0].default is None and not prop.columns[0].primary_key)
                    for prop in mapper.column_attrs)
    return table.insert().returning(*(prop.columns[0] for prop in mapper.column_attrs)), columns


def attach_inserted(obj, row: dict) -> None:
    """Make ``obj``, whose row ``insert_row`` wrote, part of the session as if the session had flushed it."""
    from .extensions import db

    for key, value in row.items():
        setattr(obj, key, value)
    orm.make_transient_to_detached(obj)
    db.session.add(obj)


def insert_values(table: sa.Table, columns: tuple[str, ...], rows: list[tuple],
                  returning: tuple[str, ...] = ()) -> list[tuple]:
    """INSERT plain rows (numbers, text, booleans: values the driver takes as they are) into ``table`` with
    one ``INSERT ... VALUES (...), (...)`` sent as the driver's own SQL, and return the ``returning``
    columns of each row (in no particular order: return a key with them).

    For the quiz's answers, where SQLAlchemy's compiled many-rows INSERT cost several times what the
    driver takes to run it."""
    from .extensions import db

    if not rows:
        return []
    connection = db.session.connection()
    statement = values_statement(table.name, columns, len(rows), connection.dialect.paramstyle, returning)
    result = connection.exec_driver_sql(statement, tuple(value for row in rows for value in row))
    return result.all() if returning else []


@functools.cache
def values_statement(table: str, columns: tuple[str, ...], count: int, paramstyle: str,
                     returning: tuple[str, ...]) -> str:
    """The text of an INSERT of ``count`` rows, in the driver's placeholders (built once per size)."""
    placeholder = "?" if paramstyle == "qmark" else "%s"
    row = "(" + ", ".join([placeholder] * len(columns)) + ")"
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES " + ", ".join([row] * count)
    return statement + (f" RETURNING {', '.join(returning)}" if returning else "")


def transaction_may_write() -> bool:
    """A request with a state-changing method (until its view has returned), or work outside a request (CLI).

    Tests that read in their own thread while a live server writes set
    SQLITE_IMMEDIATE_OUTSIDE_REQUESTS to False, so that their reads do not
    hold the write lock.
    """
    if g.get("reading_only"):
        return False
    if has_request_context():
        # Once the view has returned, what still reads (a streamed download) must not hold the write
        # lock while a slow phone fetches it: check-ins would wait behind it.
        if g.get("response_started"):
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
