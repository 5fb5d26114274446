"""Retention of participants' personal data, and small-cell suppression for outside readers.

After the retention period chosen by an admin (Setting ``retention_months``,
0 = keep), a participant who has not attended anything for that long loses
their personal fields: name, phone and organisation are cleared, the card
code is replaced by a new random one (so the printed QR card and the phone's
cookie no longer find them) and ``anonymised_at`` is set. Sex, age band,
target group, province and every attendance, headcount and quiz attempt stay,
so every count, per year, per event and per group, is unchanged.
"""

import dataclasses
from datetime import datetime

import sqlalchemy as sa

from .attendance.models import Attendance, Participant, new_card_code
from .auth.services import log_action
from .auth.settings import RETENTION_MONTHS, SMALL_CELL_THRESHOLD, get_int_setting
from .extensions import db
from .timeutil import utcnow


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (the 31st becomes the month's last day)."""
    index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def retention_months() -> int:
    """The configured retention period in months (0: personal fields are kept)."""
    return max(0, get_int_setting(RETENTION_MONTHS, 0))


def participants_due(now: datetime, months: int) -> sa.Select:
    """Participants not yet anonymised whose last attendance (or, without any, their record) is older
    than ``months`` before ``now``."""
    cutoff = months_before(now, months)
    last_seen = (
        sa.select(sa.func.max(Attendance.checked_in_at))
        .where(Attendance.participant_id == Participant.id)
        .scalar_subquery()
    )
    return sa.select(Participant).where(
        Participant.anonymised_at.is_(None),
        sa.func.coalesce(last_seen, Participant.created_at) < cutoff,
    )


def anonymise_participant(participant: Participant, now: datetime) -> None:
    """Clear the personal fields of one participant and break the link to their card and phone."""
    participant.name = ""
    participant.phone = None
    participant.organisation = ""
    participant.card_code = new_card_code()
    participant.anonymised_at = now


def apply_retention(now: datetime | None = None, months: int | None = None, actor=None) -> int:
    """Anonymise every participant past the retention period; the number anonymised.

    ``now`` and ``months`` default to the clock and the admin's setting; a
    period of 0 months anonymises nobody. The caller commits.
    """
    now = now or utcnow()
    months = retention_months() if months is None else months
    if months <= 0:
        return 0
    count = 0
    for participant in db.session.scalars(participants_due(now, months)).all():
        anonymise_participant(participant, now)
        count += 1
    if count:
        log_action(actor, "participants.anonymise", None, count=count, retention_months=months)
    return count


# --- Small-cell suppression -------------------------------------------------------


def small_cell_threshold() -> int:
    """Counts below this are hidden in workbooks for outside readers (0 or 1: nothing hidden)."""
    return max(0, get_int_setting(SMALL_CELL_THRESHOLD, 0))


def suppress_small_counts(rows, count_columns, threshold: int, marker: str = "<{n}") -> list[list]:
    """Rows with each count in ``count_columns`` (indexes) that is above 0 and below ``threshold``
    replaced by a marker such as "<5", so that a reader cannot single out one or two people.

    Zero stays (it reveals nobody); totals should be computed before suppressing.
    """
    hidden = marker.format(n=threshold)
    result = []
    for row in rows:
        row = list(row)
        for index in count_columns:
            value = row[index]
            if isinstance(value, int) and not isinstance(value, bool) and 0 < value < threshold:
                row[index] = hidden
        result.append(row)
    return result


NOT_PEOPLE_COLUMNS = {"events"}


def suppress_table(table, threshold: int | None = None):
    """A copy of a report table (``columns`` with ``kind``, ``rows``, ``total``) whose small counts are
    suppressed; the count columns become text columns. The total row is kept as it is."""
    threshold = small_cell_threshold() if threshold is None else threshold
    if threshold <= 1:
        return table
    # Counts of people; a number of events singles out nobody.
    counts = [index for index, column in enumerate(table.columns)
              if column.kind == "int" and getattr(column, "key", "") not in NOT_PEOPLE_COLUMNS]
    columns = [dataclasses.replace(column, kind="text") if index in counts else column
               for index, column in enumerate(table.columns)]
    return dataclasses.replace(table, columns=columns, rows=suppress_small_counts(table.rows, counts, threshold))



def write_outside_readers_workbook(filters, output, language: str = "en", threshold: int | None = None) -> None:
    """The yearly workbook for readers outside the program (donors, partners, the public).

    Aggregate tables only (no Events or Participants sheet), built by the reports'
    own functions, with every count from 1 to ``threshold`` - 1 shown as "<N"
    (default: the admin setting). Totals and the report's sentences are kept.
    """
    from flask_babel import force_locale

    from .reports import exports
    from .reports import counts as report_counts
    from .reports.tables import build_report

    threshold = small_cell_threshold() if threshold is None else threshold
    with force_locale(language), report_counts.shared_counts(filters):
        report = build_report(filters)
        tables = {key: suppress_table(table, threshold) for key, table in report.tables.items()}
        exports.write_report_workbook(dataclasses.replace(report, tables=tables), [], output)


# --- Personal data and secrets stay out of the logs ------------------------------------

import logging  # noqa: E402
import re  # noqa: E402

PHONE_PATTERN = re.compile(r"(?<![\d\w])(?:\+?855[\s-]?|0)\d{1,2}(?:[\s-]?\d){6,8}(?!\d)")
SECRET_PATTERN = re.compile(
    r"(?i)\b(password\w*|passwd|current|confirm|csrf_token|token|secret\w*|session|api_key)"
    r"((?:['\"]?\s*[:=]\s*['\"]?)|(?:',\s*'))([^\s&\"',;)}]+)")
CARD_URL_PATTERN = re.compile(r"(/p/)([A-Za-z0-9_-]{16,})")
# Card codes (22 characters) and login tokens (43) as quoted values, e.g. in SQL parameters.
QUOTED_TOKEN_PATTERN = re.compile(r"(['\"])(?=[A-Za-z0-9_-]*[A-Z0-9])([A-Za-z0-9_-]{22}|[A-Za-z0-9_-]{43})\1")


def redact(text: str) -> str:
    """``text`` with phone numbers, password/token values, card codes and login tokens replaced."""
    text = SECRET_PATTERN.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)
    text = CARD_URL_PATTERN.sub(r"\1[card]", text)
    text = QUOTED_TOKEN_PATTERN.sub(r"\1[token]\1", text)
    return PHONE_PATTERN.sub("[phone]", text)


def install_log_redaction() -> None:
    """Every log record of the process (app, gunicorn access and error logs, SQLAlchemy) is redacted
    when it is made, exception text included. Installed once per process."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "redacts", False):
        return

    def make_record(*args, **kwargs):
        record = factory(*args, **kwargs)
        try:
            record.msg = redact(record.getMessage())
            record.args = ()
            if record.exc_info and not record.exc_text:
                record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        except Exception:  # a log line must never break the request that writes it
            pass
        return record

    make_record.redacts = True
    logging.setLogRecordFactory(make_record)
