"""nginx in front of the app as deploy/ sets it up: HTTPS only, security headers, static files with a
year-long cache under content-versioned names, gzip, and the app's upload limit."""

import hashlib
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from training_portal.auth.models import Role, User
from training_portal.events.models import Event
from training_portal.extensions import db

from .conftest import log_in, web_client
from .stack import ADMIN_EMAIL, ADMIN_PASSWORD, ROOT

STATIC = ROOT / "training_portal" / "static"


@pytest.mark.stack
def test_a_new_server_has_one_admin_who_logs_in_and_no_demo_year(stack, portal):
    client = web_client()
    assert log_in(client, stack.url, ADMIN_EMAIL, ADMIN_PASSWORD).headers["Location"] == "/"
    home = client.get(f"{stack.url}/")
    assert (home.status_code, home.url) == (200, f"{stack.url}/")  # not sent back to /login

    admin = db.session.scalar(sa.select(User).where(User.email == ADMIN_EMAIL))
    assert admin.role == Role.ADMIN
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email.like("%demo%"))) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event).where(Event.title.like("%2015%"))) == 0
    assert not any(event.sessions and event.sessions[0].starts_at.year == 2015
                   for event in db.session.scalars(sa.select(Event)))


@pytest.mark.stack
def test_plain_http_is_sent_to_https(stack):
    reply = web_client().get(f"{stack.http_url}/c/ABC123?x=1", allow_redirects=False)
    assert reply.status_code == 301
    assert reply.headers["Location"] == "https://127.0.0.1/c/ABC123?x=1"


@pytest.mark.stack
def test_pages_through_nginx_carry_the_security_headers_and_a_secure_cookie(stack):
    reply = web_client().get(f"{stack.url}/login")
    assert reply.status_code == 200
    headers = reply.headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cache-Control"] == "no-store"
    assert headers["Server"] == "nginx"  # server_tokens off: no version
    session_cookie = reply.headers["Set-Cookie"]
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie


@pytest.mark.stack
def test_static_files_come_from_nginx_for_a_year_under_names_that_change_with_them(stack):
    client = web_client()
    page = client.get(f"{stack.url}/login").text
    stylesheet = re.search(r'href="(/static/css/app\.css\?v=([0-9a-f]{12}))"', page)
    assert stylesheet, "the page's stylesheet has no content version"
    assert stylesheet.group(2) == hashlib.sha256((STATIC / "css" / "app.css").read_bytes()).hexdigest()[:12]

    reply = client.get(stack.url + stylesheet.group(1), headers={"Accept-Encoding": "gzip"})
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert reply.headers["Content-Encoding"] == "gzip"
    assert reply.text == (STATIC / "css" / "app.css").read_text()
    assert "Content-Security-Policy" not in reply.headers  # the app adds it to all it serves: nginx served this
    assert not any("/static/" in log.read_text() for log in stack.app_logs)

    font = client.get(f"{stack.url}/static/fonts/noto-sans-khmer-khmer-400-normal.woff2?v=8f19afec2c3d")
    assert font.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert font.headers["Content-Type"] == "font/woff2"
    unversioned = client.get(f"{stack.url}/static/css/app.css")
    assert unversioned.headers["Cache-Control"] == "public, max-age=3600"


def test_the_khmer_fonts_are_addressed_by_their_content(app):
    css = (STATIC / "css" / "khmer.css").read_text()
    fonts = re.findall(r'url\("\.\./fonts/([^"?]+)\?v=([0-9a-f]{12})"\)', css)
    assert len(fonts) == 2
    for name, version in fonts:
        assert version == hashlib.sha256(Path(STATIC / "fonts" / name).read_bytes()).hexdigest()[:12], name


@pytest.mark.stack
def test_nginx_refuses_an_upload_larger_than_the_app_accepts(stack, portal):
    limit = portal.config["MAX_CONTENT_LENGTH"]
    client = web_client()
    too_large = client.post(f"{stack.url}/login", data=b"x" * (limit + 1),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert too_large.status_code == 413
    assert "nginx" in too_large.text
    within = client.post(f"{stack.url}/healthz", data=b"x" * (limit - 1024),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert within.status_code == 405  # passed on: the app's own answer (/healthz takes no POST)
