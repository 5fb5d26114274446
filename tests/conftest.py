"""Fixtures: an app on a real database (SQLite file, or PostgreSQL when
TEST_DATABASE_URL is set), a client that sends CSRF tokens like a browser,
and one logged-in client per role.
"""

import contextvars
import os
import re
import uuid
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient

from tests.factories import TEST_PASSWORD, make_staff
from training_portal import create_app
from training_portal.auth.models import Role
from training_portal.events.services import load_reference_data
from training_portal.extensions import db, limiter

CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def postgres_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


@contextmanager
def new_database(tmp_dir) -> str:
    """An empty database of the run's kind: a PostgreSQL database of its own, or a SQLite file."""
    base = postgres_url()
    if base is None:
        yield f"sqlite:///{tmp_dir / f'portal-{uuid.uuid4().hex[:8]}.db'}"
        return
    name = f"tp_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def playwright_instance():
    """One Playwright for the whole run (the browser tests and the deployment's): a second one cannot start
    while the first is running."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The database this test run uses."""
    with new_database(tmp_path_factory.mktemp("db")) as url:
        yield url


def settings_for(database_url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "DATABASE_URL": database_url,
        "SQLALCHEMY_DATABASE_URI": database_url.replace("postgresql://", "postgresql+psycopg://", 1),
        "PASSWORD_TIME_COST": 1,
        "PASSWORD_MEMORY_COST": 8 * 1024,
        "PASSWORD_PARALLELISM": 1,
        # Limits stay on (the default storage, in memory) but generous; a test of a limit lowers it.
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "SQLITE_IMMEDIATE_OUTSIDE_REQUESTS": False,
        "SERVER_NAME": None,
    }


@pytest.fixture(scope="session")
def schema_app(database_url, tmp_path_factory):
    """Creates the schema once per run (from the models: the migrations have a test of their own)."""
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(settings_for(database_url))
    app.instance_path = str(instance)
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def empty_all_tables() -> None:
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(sa.text(f"DELETE FROM {table}"))
    db.session.commit()


@pytest.fixture
def app(schema_app, tmp_path):
    """The app with empty tables and the reference lists loaded."""
    schema_app.instance_path = str(tmp_path)
    with schema_app.app_context():
        limiter.reset()  # counters are keyed by ids that the next test reuses
        empty_all_tables()
        load_reference_data()
        db.session.commit()
        yield schema_app
        db.session.rollback()
        db.session.remove()


class PortalClient(FlaskClient):
    """A test client that, like a browser, sends the page's CSRF token with its forms.

    Each request runs in its own application context, as in production (the
    test's own context would otherwise be reused, sharing ``g`` and the
    database session). The test's pending changes are committed first, so
    that the request sees them, and its objects are expired after, so that
    the test sees what the request wrote.
    """

    def open(self, *args, **kwargs):
        if not has_app_context():  # a redirect followed inside the request's own context
            return super().open(*args, **kwargs)
        db.session.commit()
        try:
            return contextvars.Context().run(super().open, *args, **kwargs)
        finally:
            db.session.expire_all()

    def english(self) -> "PortalClient":
        """Pages in English from now on, as after tapping "English"."""
        self.set_cookie("lang", "en")
        return self

    def csrf_token(self) -> str:
        page = self.get("/login", follow_redirects=True).get_data(as_text=True)
        match = CSRF_PATTERN.search(page)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)

    def login(self, email: str, password: str = TEST_PASSWORD):
        return self.post_form("/login", {"email": email, "password": password})


@pytest.fixture
def client(app):
    app.test_client_class = PortalClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def admin(app):
    return make_staff("admin@example.org", Role.ADMIN, "Ada Admin")


@pytest.fixture
def manager(app):
    return make_staff("manager@example.org", Role.MANAGER, "Mony Manager")


@pytest.fixture
def trainer(app):
    return make_staff("sokha@example.org", Role.TRAINER, "Sokha Trainer")


@pytest.fixture
def other_trainer(app):
    return make_staff("vanna@example.org", Role.TRAINER, "Vanna Trainer")


def logged_in_client(app, user) -> PortalClient:
    app.test_client_class = PortalClient
    client = app.test_client()
    response = client.login(user.email)
    assert response.status_code == 302, "login failed"
    return client


@pytest.fixture
def admin_client(app, admin):
    return logged_in_client(app, admin)


@pytest.fixture
def manager_client(app, manager):
    return logged_in_client(app, manager)


@pytest.fixture
def trainer_client(app, trainer):
    return logged_in_client(app, trainer)


@pytest.fixture
def other_trainer_client(app, other_trainer):
    return logged_in_client(app, other_trainer)
