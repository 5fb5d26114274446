"""Times are stored in UTC (naive) and shown in the configured time zone."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def utcnow() -> datetime:
    """The current time as a naive UTC datetime, the form the database stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_local(moment: datetime) -> datetime:
    """A stored naive UTC datetime as an aware local datetime."""
    return moment.replace(tzinfo=UTC).astimezone(local_zone())


def local_to_utc(day: date, at: time) -> datetime:
    """A local wall-clock date and time as a naive UTC datetime."""
    return datetime.combine(day, at, tzinfo=local_zone()).astimezone(UTC).replace(tzinfo=None)


def local_today() -> date:
    return datetime.now(local_zone()).date()
