"""A pooled connection that sat idle is checked before a request uses it, and replaced when the database
went away meanwhile; one given back moments ago is used as it is (database.ping_idle_connections)."""

import psycopg
import pytest

from tests.conftest import postgres_url, settings_for
from training_portal import create_app
from training_portal.extensions import db, limiter


@pytest.fixture
def app_pinging_after(app, database_url):
    """Apps on the test database with one pooled connection, pinged after the idle time given."""
    made = []

    def make(idle_seconds: float):
        settings = {**settings_for(database_url), "POOL_PING_AFTER_IDLE_SECONDS": idle_seconds,
                    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "max_overflow": 0}}
        made.append(create_app(settings))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()
    limiter.init_app(app)  # the limiter is global: bind it to the test app again


def the_pooled_connection_dies(app) -> None:
    """The database drops the pool's one connection behind the app's back (a restart, a dropped link)."""
    with app.app_context():
        with db.engine.connect() as connection:
            dbapi_connection = connection.connection.dbapi_connection
        if postgres_url():
            with psycopg.connect(postgres_url(), autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [dbapi_connection.info.backend_pid])
        else:
            dbapi_connection.close()


def test_an_idle_connection_whose_database_went_away_is_replaced_before_the_request(app_pinging_after):
    app = app_pinging_after(0)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    the_pooled_connection_dies(app)
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.get_json() == {"status": "ok"}


def test_a_connection_given_back_moments_ago_is_used_without_a_check(app_pinging_after):
    app = app_pinging_after(3600)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    the_pooled_connection_dies(app)
    assert client.get("/healthz").status_code == 503  # not checked: this one request finds it gone
    assert client.get("/healthz").status_code == 200  # and the pool was replaced
