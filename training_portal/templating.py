"""Template filters and globals shared by every page.

Dates, times and numbers go through Babel in the page's language (Khmer month
and weekday names come from Babel's ``km`` locale) and then, on Khmer pages
when the program has chosen so, into Khmer digits (០១២៣៤៥៦៧៨៩).
Use them instead of ``str()`` or ``strftime`` for anything a person reads:

    {{ session.starts_at|local_datetime }}   stored UTC datetime, shown in local time
    {{ session.starts_at|local_date('full') }}
    {{ session.starts_at|local_time }}
    {{ event.starts_on|date }}               a date (no time zone)
    {{ 1066|number }}                        1,066 / ១,០៦៦
    {{ 62.5|percent }}                       62.5% (a value already in percent)
    {{ 0.625|number('0.00') }}               0.63: numbers are rounded half up, as people and spreadsheets do
    {{ event.sessions|length|digits }}       any text, digits only converted
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import parse_pattern
from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, format_time, get_locale

from .i18n import LANGUAGE_NAMES, current_language, lacks_khmer, page_digits
from .timeutil import to_local

# Babel's km locale writes times as "2:05 PM" (CLDR has no Khmer day periods);
# Khmer pages use the 24-hour clock, and name the weekday as "ថ្ងៃសៅរ៍".
KHMER_TIME_PATTERNS = {"short": "HH:mm", "medium": "HH:mm", "long": "HH:mm:ss", "full": "HH:mm:ss"}
KHMER_DATE_PATTERNS = {"full": "'ថ្ងៃ'EEEE d MMMM y"}
KHMER_AT = "ម៉ោង"


def _khmer() -> bool:
    return current_language() == "km"


def date_text(day: date | datetime | None, format: str = "medium") -> str:
    """A calendar date in the page's language (no time-zone conversion)."""
    if day is None or day == "":
        return ""
    if isinstance(day, datetime):
        day = day.date()
    if _khmer():
        format = KHMER_DATE_PATTERNS.get(format, format)
    return page_digits(format_date(day, format))


def time_text(moment: datetime, format: str = "short") -> str:
    """A local wall-clock time in the page's language."""
    if _khmer():
        format = KHMER_TIME_PATTERNS.get(format, format)
    return page_digits(format_time(moment, format))


def local_datetime(moment: datetime | None, format: str = "medium") -> str:
    """A stored (naive UTC) moment as local date and time."""
    if not moment:
        return ""
    local = to_local(moment)
    if _khmer():
        return f"{date_text(local, format)} {KHMER_AT} {time_text(local, 'short')}"
    return format_datetime(local, format)


def local_date(moment: datetime | None, format: str = "medium") -> str:
    """A stored (naive UTC) moment's local date."""
    return date_text(to_local(moment), format) if moment else ""


def local_time(moment: datetime | None, format: str = "short") -> str:
    """A stored (naive UTC) moment's local time."""
    return time_text(to_local(moment), format) if moment else ""


def round_half_up(value, places: int) -> Decimal:
    """``value`` rounded to ``places`` decimals, a half always up (away from zero): 0.625 -> 0.63.

    Python's ``round`` and Babel round a half to even (0.625 -> 0.62), which readers take for an error.
    A float is read by its shortest decimal form (0.285 is 0.285, not 0.28499999...), as a person reads it.
    """
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def number(value, format: str | None = None) -> str:
    """A number with the locale's grouping (1,066), rounded half up, in Khmer digits when chosen."""
    if value is None or value == "":
        return ""
    pattern = parse_pattern(format or get_locale().decimal_formats[None])
    return page_digits(format_decimal(round_half_up(value, pattern.frac_prec[1] + pattern.scale), format))


def percent(value, decimals: int = 0) -> str:
    """A value already in percent (62.5) as "62.5%" (rounded to ``decimals``)."""
    if value is None or value == "":
        return ""
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return number(value, pattern) + "%"


def digits(value) -> str:
    """Any text with its ASCII digits written as this page writes numbers."""
    return page_digits("" if value is None else str(value))


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        local_datetime=local_datetime,
        local_date=local_date,
        local_time=local_time,
        date=date_text,
        number=number,
        percent=percent,
        digits=digits,
    )
    from .auth.forms import ROLE_LABELS

    app.jinja_env.globals.update(
        language_names=LANGUAGE_NAMES,
        current_language=current_language,
        role_labels=ROLE_LABELS,
        lacks_khmer=lacks_khmer,
    )
