"""Every state change needs the CSRF token; no GET changes anything (ASVS V3.5, V4.1)."""

import pytest

from tests.security.conftest import client_for, snapshot
from tests.security.routes import URL_ARGS, url_for_rule
from tests.security.test_access_control import ordered_endpoints
from training_portal.extensions import csrf

STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")


# Views that check the token in their own form instead of before the view, so that a token gone
# stale on a slow phone re-renders the page with what was typed; they still refuse a missing token.
SELF_CHECKED = {
    "training_portal.quizzes.participant.take_quiz",
    "training_portal.quizzes.routes.paper_entry",
}


# The JSON API checks the token itself for a request with the staff session (in its X-CSRFToken header, or
# a form's field), after seeing that the request carries no personal access token.
SELF_CHECKED_BLUEPRINTS = {"api"}
PUT_ROUTES = {"api.Headcounts"}


def test_only_the_listed_views_check_their_csrf_token_themselves(app):
    assert csrf._exempt_views == SELF_CHECKED
    assert {blueprint.name for blueprint in csrf._exempt_blueprints} == SELF_CHECKED_BLUEPRINTS


def test_only_get_and_post_are_routed(app):
    """No PUT/PATCH/DELETE routes that a CSRF test could miss, but the API's listed PUT."""
    for rule in app.url_map.iter_rules():
        allowed = {"GET", "HEAD", "OPTIONS", "POST"} | ({"PUT"} if rule.endpoint in PUT_ROUTES else set())
        assert rule.methods <= allowed, rule


@pytest.mark.parametrize("role", ["admin", "device"])
def test_every_post_without_a_csrf_token_is_refused_and_writes_nothing(app, world, role):
    """An admin (who may do everything) and a participant's phone post every form without the token."""
    client = client_for(app, world, role)
    endpoints = ordered_endpoints(app, "POST")
    urls = {endpoint: url_for_rule(app, world, endpoint) for endpoint in endpoints}
    before = snapshot()
    answers = {}
    for endpoint in endpoints:
        response = client.post(urls[endpoint], data={"name": "Mallory", "confirm": "y"}, buffered=True)
        answers[endpoint] = response.status_code
    for endpoint in PUT_ROUTES:
        response = client.put(url_for_rule(app, world, endpoint), json={"counts": []}, buffered=True)
        answers[endpoint + " PUT"] = response.status_code
    # The staff view that checks its own token sends a phone (no account) to the login page first; the
    # API tells a phone that it is not signed in.
    refused = {endpoint: status for endpoint, status in answers.items()
               if status != 400 and not (endpoint == "quizzes.paper_entry" and role == "device" and status == 302)
               and not (endpoint.startswith("api.") and role == "device" and status == 401)}
    assert refused == {}
    assert snapshot() == before
    # The refusal says what to do, in words.
    page = client.post(urls["auth.login"], headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "This form has expired" in page


def test_a_token_from_another_session_is_refused(app, world):
    """A token is bound to the browser session it was issued to (no token fixation across visitors)."""
    attacker = client_for(app, world, "anonymous")
    token = attacker.csrf_token()
    victim = client_for(app, world, "admin")
    before = snapshot()
    response = victim.post(f"/admin/staff/{world.victim.id}/active", data={"csrf_token": token})
    assert response.status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("role", ["anonymous", "device", "trainer", "manager", "admin"])
def test_no_get_request_changes_the_database(app, world, role):
    """Crawl every GET route (and HEAD) and compare every row of every table, the audit log included."""
    client = client_for(app, world, role)
    endpoints = [endpoint for endpoint in ordered_endpoints(app, "GET") if endpoint in URL_ARGS]
    urls = [url_for_rule(app, world, endpoint) for endpoint in endpoints]
    before = snapshot()
    for url in urls:
        assert client.get(url, buffered=True).status_code < 500, url
        assert client.head(url, buffered=True).status_code < 500, url
    after = snapshot()
    assert after == before
