"""The database drops the app's connections (a restart, a dropped link): the next request still succeeds."""

import psycopg
import pytest

from tests.conftest import postgres_url

pytestmark = pytest.mark.skipif(not postgres_url(), reason="PostgreSQL ends a server's connections; SQLite has none")


def test_the_next_request_succeeds_after_the_database_ended_every_connection(app, client, database_url):
    assert client.get("/healthz").status_code == 200  # the app now holds a pooled connection
    with psycopg.connect(database_url, autocommit=True) as admin:
        ended = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]
    assert ended >= 1

    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.get_json() == {"status": "ok"}
    assert client.get("/login").status_code == 200
