"""Text that people type is always escaped in pages (ASVS V1.2 / V3.2)."""

import re

import pytest

from tests.security.conftest import client_for
from tests.security.routes import URL_ARGS, url_for_rule
from tests.security.test_access_control import ordered_endpoints
from training_portal.extensions import db

PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(1)>" onmouseover="alert(2)'
# Inline scripts would be blocked by the CSP anyway; data islands (type="application/json") are allowed.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.IGNORECASE)
DATA_ISLAND = re.compile(r'<script type="application/json"[^>]*>(.*?)</script>', re.DOTALL)


@pytest.fixture
def hostile(app, world):
    """Every free-text field of the world's records holds markup."""
    world.event.title = f"Training {PAYLOAD}"
    world.event.venue = PAYLOAD
    world.event.description = PAYLOAD
    world.participant.name = f"Dara {PAYLOAD}"
    world.participant.organisation = PAYLOAD
    world.quiz.title_en = world.quiz.title_km = f"Quiz {PAYLOAD}"
    world.question.text_en = world.question.text_km = f"Question {PAYLOAD}"
    world.question.options[0].text_en = world.question.options[0].text_km = PAYLOAD
    world.spare_group.name_en = world.spare_group.name_km = f"Group {PAYLOAD}"
    world.victim.name = f"Victim {PAYLOAD}"
    db.session.commit()
    return world


@pytest.mark.parametrize("role", ["device", "trainer", "admin"])
@pytest.mark.parametrize("language", ["en", "km"])
def test_markup_typed_by_people_is_shown_as_text_on_every_page(app, hostile, role, language):
    client = client_for(app, hostile, role)
    client.set_cookie("lang", language)
    pages = 0
    for endpoint in ordered_endpoints(app, "GET"):
        if endpoint not in URL_ARGS:
            continue
        response = client.get(url_for_rule(app, hostile, endpoint), buffered=True)
        if response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        assert PAYLOAD not in page, endpoint
        assert not INLINE_SCRIPT.search(page), endpoint
        assert all("<" not in island for island in DATA_ISLAND.findall(page)), endpoint  # tojson escapes it
        assert "onerror=alert" not in page.replace("onerror=alert(1)&gt;", ""), endpoint
        assert '" onmouseover="' not in page, endpoint
        pages += 1
    assert pages >= 5
