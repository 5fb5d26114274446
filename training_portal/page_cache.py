"""Pages that read the same for every visitor but for their tokens, drawn once by each worker.

When a trainer opens check-in, the whole room loads the same page in the same minute: the
event's name and date and an empty form, in the event's language. Drawing it was a sixth of a
check-in's cost. ``kept_page`` draws such a page once, with placeholders where each visitor's
own values go (the CSRF token, the forms' idempotency keys), and keeps it under a key that
holds everything else the page shows; each request fills in its own values. A change to
anything in the key (an event's title, its session's time, the choices offered, the language)
draws a new page. Each worker keeps at most MAX_PAGES pages and forgets the oldest first.

Use it only for a page that depends on nothing but its key and its values, and only when
``same_for_everyone()``: not for a staff member's page (the header shows the account), a page
with a message waiting, or a URL with a query string. tests/attendance/test_kept_pages.py
compares kept pages with the pages drawn anew.
"""

import secrets
import threading
from collections.abc import Callable, Hashable

from flask import current_app, request, session
from flask_login import current_user
from markupsafe import escape

MAX_PAGES = 256
EXTENSION_KEY = "page_cache"
# Unguessable, so that nothing a person writes (an event's title) can contain a placeholder.
_MARK = secrets.token_hex(12)
_keeping = threading.Lock()


def placeholder(name: str) -> str:
    return f"hole-{_MARK}-{name}"


def same_for_everyone() -> bool:
    """Nothing on this request's page depends on who asks: no query string, no staff login, no message waiting."""
    return not request.args and "_flashes" not in session and not current_user.is_authenticated


def kept_page(key: Hashable, values: dict[str, str], draw: Callable[[dict[str, str]], str],
              pages: dict | None = None) -> str:
    """The page kept under ``key`` with ``values`` filled in (escaped, as the template would have).
    When no page is kept, ``draw(placeholders)`` draws it with a placeholder for each value.

    ``pages``: where to keep it, when the page lives only as long as something else (a quiz's answer
    sheet); by default, the worker's pages."""
    if pages is None:
        pages = current_app.extensions.setdefault(EXTENSION_KEY, {})
    page = pages.get(key)
    if page is None:
        page = draw({name: placeholder(name) for name in values})
        with _keeping:  # threads of a gthread worker may keep pages at the same moment
            pages[key] = page
            while len(pages) > MAX_PAGES:
                del pages[next(iter(pages))]  # the oldest (dicts keep their order)
    for name, value in values.items():
        page = page.replace(placeholder(name), escape(value))
    return page


def clear() -> None:
    current_app.extensions.pop(EXTENSION_KEY, None)
