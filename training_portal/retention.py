"""Retention of participants' personal data.

After the retention period chosen by an admin (Setting ``retention_months``,
0 = keep), a participant who has not attended anything for that long loses
their personal fields: name, phone and organisation are cleared, the card
code is replaced by a new random one (so the printed QR card and the phone's
cookie no longer find them) and ``anonymised_at`` is set. Sex, age band,
target group, province and every attendance, headcount and quiz attempt stay,
so every count, per year, per event and per group, is unchanged.
"""

from datetime import datetime

import sqlalchemy as sa

from .attendance.models import Attendance, Participant, new_card_code
from .auth.services import log_action
from .extensions import db
from .settings import RETENTION_MONTHS, get_int_setting
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
