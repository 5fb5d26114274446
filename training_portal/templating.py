"""Template filters and globals shared by every page."""

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, format_time

from .i18n import LANGUAGE_NAMES, current_language
from .timeutil import to_local


def local_datetime(moment, format="medium"):
    return format_datetime(to_local(moment), format) if moment else ""


def local_date(moment, format="medium"):
    return format_date(to_local(moment), format) if moment else ""


def local_time(moment, format="short"):
    return format_time(to_local(moment), format) if moment else ""


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        local_datetime=local_datetime,
        local_date=local_date,
        local_time=local_time,
        date=format_date,
        number=format_decimal,
    )
    from .auth.forms import ROLE_LABELS

    app.jinja_env.globals.update(
        language_names=LANGUAGE_NAMES, current_language=current_language, role_labels=ROLE_LABELS
    )
