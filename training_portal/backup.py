"""Consistent backups while the app is running, and the restore used by the restore drill.

SQLite: the online backup API copies the database page by page inside one
read transaction, so the copy is a snapshot even while check-ins are being
written (WAL mode lets the writers go on). PostgreSQL: ``pg_dump`` in its
custom format, which reads everything in one repeatable-read snapshot.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

PG_DUMP = shutil.which("pg_dump") or "/usr/bin/pg_dump"
PG_RESTORE = shutil.which("pg_restore") or "/usr/bin/pg_restore"


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why (never a password)."""


def _libpq_url(url: URL) -> tuple[str, dict]:
    """A libpq connection string without the password, and the environment carrying it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(url.database)


def backup_database(database_url: str, destination: str | os.PathLike) -> Path:
    """Write a consistent copy of the database to ``destination`` (a file); return its path."""
    url = make_url(database_url)
    destination = Path(destination)
    if destination.is_dir():
        raise BackupError(f"{destination} is a folder; give a file name.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(sqlite_path(url), partial)
    elif url.get_backend_name() == "postgresql":
        connection, env = _libpq_url(url)
        _run([PG_DUMP, "--format=custom", "--no-owner", "--file", str(partial), "--dbname", connection], env)
    else:
        raise BackupError(f"No backup method for {url.get_backend_name()} databases.")
    # Only a finished copy gets the final name: a crash leaves no half backup looking whole.
    partial.replace(destination)
    return destination


def restore_database(backup: str | os.PathLike, database_url: str) -> None:
    """Restore ``backup`` into the (new, empty) database at ``database_url``."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(Path(backup), sqlite_path(url))
    elif url.get_backend_name() == "postgresql":
        connection, env = _libpq_url(url)
        _run([PG_RESTORE, "--no-owner", "--exit-on-error", "--dbname", connection, str(backup)], env)
    else:
        raise BackupError(f"No restore method for {url.get_backend_name()} databases.")


def _sqlite_copy(source: Path, target: Path) -> None:
    if not source.exists():
        raise BackupError(f"{source} does not exist.")
    target.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:500]}")


def integrity_report(database_url: str) -> tuple[bool, dict[str, int]]:
    """(the database passes its integrity check, row count of every table).

    SQLite runs ``PRAGMA integrity_check`` and ``foreign_key_check``; PostgreSQL
    has no offline checker, so every table is read in full (a damaged page
    would fail the scan) and every foreign key is checked by a query.
    """
    engine = sa.create_engine(_sqlalchemy_url(database_url))
    try:
        with engine.connect() as connection:
            tables = sa.inspect(connection).get_table_names()
            counts = {table: connection.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar_one()
                      for table in sorted(tables)}
            if engine.dialect.name == "sqlite":
                ok = connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                ok = ok and not connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            else:
                ok = all(_foreign_keys_hold(connection, table) for table in tables)
        return ok, counts
    finally:
        engine.dispose()


def _foreign_keys_hold(connection, table: str) -> bool:
    for key in sa.inspect(connection).get_foreign_keys(table):
        pairs = list(zip(key["constrained_columns"], key["referred_columns"], strict=True))
        join = " AND ".join(f'r."{ref}" = t."{col}"' for col, ref in pairs)
        present = " AND ".join(f't."{col}" IS NOT NULL' for col, _ in pairs)
        orphans = connection.execute(sa.text(
            f'SELECT count(*) FROM "{table}" t WHERE {present} AND NOT EXISTS '
            f'(SELECT 1 FROM "{key["referred_table"]}" r WHERE {join})')).scalar_one()
        if orphans:
            return False
    return True


def _sqlalchemy_url(database_url: str) -> str:
    if database_url.startswith("postgresql://"):
        return "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return database_url
