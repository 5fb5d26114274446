"""Load an event or a session for a change by the current user: 404 when unknown, 403 when not allowed."""

from flask import abort
from flask_login import current_user

from ..extensions import db
from .models import Event, Session


def event_for_change(event_id: int) -> Event:
    """The event, 404 when unknown, 403 when this user may not change it."""
    event = db.get_or_404(Event, event_id)
    if not event.can_be_changed_by(current_user):
        abort(403)
    return event


def session_for_change(session_id: int) -> Session:
    """The session, 404 when unknown, 403 when this user may not change its event."""
    session = db.get_or_404(Session, session_id)
    event_for_change(session.event_id)
    return session
