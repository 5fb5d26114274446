"""A `next` address never sends anyone to another site, and a strange one never breaks a login."""

from urllib.parse import urlsplit

import pytest

from tests.conftest import TEST_PASSWORD
from tests.security.conftest import client_for

OFF_SITE = [
    "//evil.example/x",
    "/\t/evil.example/x",
    "/\r/evil.example/x",
    "/\n/evil.example/x",
    "\t//evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example/x",
    "///evil.example/x",
    "/\x00/evil.example/x",
    "https://evil.example/x",
    "https:/evil.example/x",
    "javascript:alert(1)",
    "evil.example/x",
]


def lands_on_this_site(location: str) -> bool:
    """What a browser does with the Location header: it drops tabs and line breaks, reads \\ as /."""
    cleaned = "".join(ch for ch in location if ch not in "\t\r\n").replace("\\", "/").strip()
    parts = urlsplit(cleaned)
    return not parts.scheme and not parts.netloc and cleaned.startswith("/") and not cleaned.startswith("//")


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_never_redirects_off_site(app, world, target):
    client = client_for(app, world, "anonymous")
    response = client.post_form("/login", {"email": world.trainer.email, "password": TEST_PASSWORD},
                                query_string={"next": target})
    assert response.status_code == 302
    assert lands_on_this_site(response.headers["Location"]), response.headers["Location"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_language_switch_never_redirects_off_site(app, world, target):
    client = client_for(app, world, "anonymous")
    response = client.post_form("/language", {"language": "en", "next": target})
    assert response.status_code == 302
    assert lands_on_this_site(response.headers["Location"]), response.headers["Location"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_check_in_buttons_never_redirect_off_site(app, world, target):
    client = client_for(app, world, "trainer")
    response = client.post_form(f"/sessions/{world.session.id}/checkin/open", {"next": target})
    assert response.status_code == 302
    assert lands_on_this_site(response.headers["Location"]), response.headers["Location"]


@pytest.mark.parametrize("target", ["/events\r\n", "/events\r\nSet-Cookie: x=1", "/events?a=1\n"])
def test_a_line_break_in_next_still_logs_in_and_lands_on_the_page(app, world, target):
    client = client_for(app, world, "anonymous")
    response = client.post_form("/login", {"email": world.trainer.email, "password": TEST_PASSWORD},
                                query_string={"next": target})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "\r" not in location and "\n" not in location and location.startswith("/events")
    assert "Set-Cookie: x=1" not in response.headers.get("Set-Cookie", "")
    assert client.get("/events").status_code == 200


@pytest.mark.parametrize("target", ["/events?year=2015", "/sessions/1/roster?q=Dara"])
def test_a_path_on_this_site_is_followed(app, world, target):
    client = client_for(app, world, "anonymous")
    response = client.post_form("/login", {"email": world.trainer.email, "password": TEST_PASSWORD},
                                query_string={"next": target})
    assert response.headers["Location"] == target
    response = client.post_form("/language", {"language": "km", "next": target})
    assert response.headers["Location"] == target
