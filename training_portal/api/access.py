"""Who calls the API: a personal access token (``Authorization: Bearer``) or the browser's staff session.

The same role and event rules as the web pages: a trainer reads and changes the events they train at,
managers and admins every event. A read-scoped token cannot write. With the session cookie, a write
must carry the CSRF token in the ``X-CSRFToken`` header; a token request needs none (no browser sends
it by itself).
"""

import hashlib

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_limiter.util import get_remote_address
from sqlalchemy import select

from ..auth.models import User
from ..events.models import Event, Session
from ..extensions import csrf, db
from ..timeutil import local_today
from .models import ApiToken, token_hash
from .problems import ApiProblem

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# As on the web pages, every staff member may read any event and session; the rest is for the event's trainers.
READ_BY_ANY_STAFF = {"api.EventItem", "api.SessionItem"}


def bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def rate_limit_key() -> str:
    """Per token (its hash), else per signed-in staff member, else per address."""
    secret = bearer_secret()
    if secret:
        return "api-token:" + hashlib.sha256(secret.encode()).hexdigest()
    if current_user.is_authenticated:
        return f"api-user:{current_user.id}"
    return "api-address:" + get_remote_address()


def rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def authenticate() -> None:
    """Run before every API view: sets ``g.api_user`` and ``g.api_token``, or answers 401/403."""
    secret = bearer_secret()
    if secret is not None:
        token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(secret)))
        if token is None or not token.is_usable_on(local_today()) or not token.user.is_active:
            raise ApiProblem(401, _l("The access token is unknown, revoked or expired."))
        g.api_user, g.api_token = token.user, token
        if request.method in WRITE_METHODS and not token.allows_writes:
            raise ApiProblem(403, _l("This access token may only read."))
        return
    if not current_user.is_authenticated:
        raise ApiProblem(401, _l("Sign in, or send a personal access token."))
    g.api_user, g.api_token = current_user._get_current_object(), None
    if request.method in WRITE_METHODS:
        csrf.protect()


def load_records() -> None:
    """Before the body is read: the URL's event or session, 404 when unknown, 403 when not this user's
    (so that nobody learns more from a refused request than from a refused page)."""
    args = request.view_args or {}
    if request.endpoint in READ_BY_ANY_STAFF:
        return
    if "session_id" in args:
        g.api_session = session_for(args["session_id"])
    if "event_id" in args:
        g.api_event = event_for(args["event_id"])


def api_user() -> User:
    return g.api_user


def via() -> str:
    """For the audit log: which credential made the change."""
    token = g.get("api_token")
    return f"token:{token.id}" if token is not None else "session"


def event_for(event_id: int) -> Event:
    """The event, 404 when unknown or not one of this user's events (as the web pages: 403 there)."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise ApiProblem(404, _l("No such event."))
    if not event.can_be_changed_by(api_user()):
        raise ApiProblem(403, _l("This event is not one of yours."))
    return event


def session_for(session_id: int) -> Session:
    session = db.session.get(Session, session_id)
    if session is None:
        raise ApiProblem(404, _l("No such session."))
    event_for(session.event_id)
    return session
