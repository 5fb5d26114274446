"""What the participants' pages are rate-limited by, for Flask-Limiter's ``limit`` and ``shared_limit``.

Everyone at a venue shares one address, so a participant's page is limited per device: an id the
server gives the browser in Flask's signed session on the first page it opens, which a client can
neither choose nor change (unlike the ``participant`` cookie). A request that does not send that
session back counts against no limit, and there is no limit for a whole room or event that one
device or one address could use up for everyone else.

Counters live in the worker's memory (``memory://``) unless RATELIMIT_STORAGE_URI names a shared
storage such as Redis (see README).
"""

import functools
import secrets
from collections.abc import Callable

from flask import current_app, request, session

DEVICE = "device"


def device_id() -> str:
    """The id this browser was given by :func:`issues_device`, or "" when it sent none back."""
    device = session.get(DEVICE)
    return device if isinstance(device, str) else ""


def without_device() -> bool:
    """For ``exempt_when``: the browser sent no device id back, so counts against no per-device limit."""
    return not device_id()


def issues_device(view):
    """A participant's page: a GET gives the browser a device id (in the signed session) if it has none."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if request.method == "GET" and not device_id():
            session[DEVICE] = secrets.token_urlsafe(16)
        return view(*args, **kwargs)

    return wrapper


def setting(name: str, default: str) -> Callable[[], str]:
    """A limit read from the app's setting ``name`` at each request (``default`` when unset)."""
    return lambda: current_app.config.get(name, default)


def per_device(view_arg: str) -> Callable[[], str]:
    """A key function: the page's ``view_arg`` (a check-in code, an event id) and the device
    (with ``exempt_when=without_device``)."""

    def key() -> str:
        value = str((request.view_args or {}).get(view_arg, "")).upper()
        return f"{view_arg}:{value}|device:{device_id()}"

    return key
