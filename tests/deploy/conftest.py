"""The production stack of tests/deploy/stack.py, once per run, and the app on its database for
making test data with tests/factories.py.

The stack runs on PostgreSQL and Redis, as production does: on the SQLite pass of `make test` its
tests are deselected, and the summary says so; the PostgreSQL pass runs them.
"""

import uuid

import pytest
import requests

from tests.conftest import CSRF_PATTERN, new_database, postgres_url, settings_for
from tests.factories import make_staff
from training_portal import create_app
from training_portal.auth.models import Role
from training_portal.extensions import db

from .stack import run_stack

NEEDS_POSTGRES = "stack"
DESELECTED = pytest.StashKey[int]()

# The stack's certificate is its own (self-signed): the warning about it would repeat for every request.
UNVERIFIED_CERTIFICATE = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/deploy/" in str(item.fspath):
            item.add_marker(UNVERIFIED_CERTIFICATE)
    if postgres_url():
        return
    deselected = [item for item in items if item.get_closest_marker(NEEDS_POSTGRES)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item not in deselected]
        config.stash[DESELECTED] = len(deselected)



def pytest_terminal_summary(terminalreporter, config):
    count = config.stash.get(DESELECTED, 0)
    if count:
        terminalreporter.write_line(
            f"tests/deploy: {count} test(s) of nginx in front of the app on PostgreSQL and Redis were deselected on "
            "SQLite; they run in the PostgreSQL pass (TEST_DATABASE_URL).", yellow=True, bold=True)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    with new_database(tmp_path_factory.mktemp("deploy-db")) as url:
        yield from run_stack(url)


@pytest.fixture(scope="session")
def stack_app(stack, tmp_path_factory):
    """The app on the stack's database, for tests/factories.py (its tables made by the migrations)."""
    app = create_app(settings_for(stack.database_url))
    app.instance_path = str(tmp_path_factory.mktemp("deploy-instance"))
    return app


@pytest.fixture
def portal(stack_app):
    with stack_app.app_context():
        yield stack_app
        db.session.rollback()
        db.session.remove()


def web_client() -> requests.Session:
    """An HTTP client that accepts the stack's self-signed certificate and reads English pages."""
    client = requests.Session()
    client.verify = False
    client.trust_env = False  # a CA bundle named in the environment would override verify
    client.headers["Accept-Language"] = "en"
    client.cookies.set("lang", "en")
    return client


def csrf_token(page: str) -> str:
    match = CSRF_PATTERN.search(page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def log_in(client: requests.Session, base: str, email: str, password: str) -> requests.Response:
    page = client.get(f"{base}/login")
    return post_form(client, f"{base}/login", csrf_token(page.text), {"email": email, "password": password})


def post_form(client: requests.Session, url: str, token: str, data: dict) -> requests.Response:
    """A form sent as a browser sends it: with its CSRF token, and the page as Referer (checked over HTTPS)."""
    return client.post(url, data={"csrf_token": token, **data}, headers={"Referer": url}, allow_redirects=False)


@pytest.fixture
def stack_trainer(portal):
    """A trainer of their own (the stack's database is shared by the run's tests)."""
    return make_staff(f"trainer-{uuid.uuid4().hex[:8]}@portal.example.org", Role.TRAINER)
