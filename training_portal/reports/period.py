"""The period a report covers and the filters that choose its counted events.

An event counts in the period of its first session's local date
(``Event.starts_on``); cancelled events never count (DESIGN.md, "Metrics
definitions").
"""

from dataclasses import dataclass, replace
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.models import User
from ..settings import Setting
from ..events.models import Event, EventStatus, TargetGroup
from ..extensions import db
from ..timeutil import local_today

FISCAL_YEAR_SETTING = "fiscal_year_start_month"


@dataclass(frozen=True)
class Period:
    """A calendar year (start_month 1) or a fiscal year starting in ``start_month`` of ``year``."""

    year: int
    start_month: int = 1

    @property
    def start(self) -> date:
        return date(self.year, self.start_month, 1)

    @property
    def end(self) -> date:
        """The first day after the period."""
        return date(self.year + 1, self.start_month, 1)

    @property
    def is_fiscal(self) -> bool:
        return self.start_month != 1

    def months(self) -> list[date]:
        """The first day of each of the period's twelve months, in order."""
        result = []
        for offset in range(12):
            month_index = self.start_month - 1 + offset
            result.append(date(self.year + month_index // 12, month_index % 12 + 1, 1))
        return result


@dataclass(frozen=True)
class ReportFilters:
    """Which events count: the period, and optional province, event type, target group and trainer.

    The target group filter keeps events that list the group and, within
    them, only participants (and headcount tallies) of that group.
    """

    period: Period
    province_id: int | None = None
    event_type_id: int | None = None
    target_group_id: int | None = None
    trainer_id: int | None = None

    def for_user(self, user: User) -> "ReportFilters":
        """A trainer sees their own events only, whatever trainer filter was asked for."""
        if user.sees_all_events:
            return self
        return replace(self, trainer_id=user.id)


def event_conditions(filters: ReportFilters) -> list:
    """SQL conditions on ``Event`` that select the events counted under these filters."""
    conditions = [
        Event.status != EventStatus.CANCELLED,
        Event.starts_on >= filters.period.start,
        Event.starts_on < filters.period.end,
    ]
    if filters.province_id:
        conditions.append(Event.province_id == filters.province_id)
    if filters.event_type_id:
        conditions.append(Event.event_type_id == filters.event_type_id)
    if filters.target_group_id:
        conditions.append(Event.target_groups.any(TargetGroup.id == filters.target_group_id))
    if filters.trainer_id:
        conditions.append(Event.trainers.any(User.id == filters.trainer_id))
    return conditions


def counted_events_query(filters: ReportFilters) -> sa.Select:
    """The counted events, by date."""
    return select(Event).where(*event_conditions(filters)).order_by(Event.starts_on, Event.id)


def fiscal_year_start_month() -> int:
    """The month (1-12) a fiscal year starts in; 1 means fiscal years are calendar years."""
    setting = db.session.get(Setting, FISCAL_YEAR_SETTING)
    try:
        month = int(setting.value) if setting else 1
    except ValueError:
        return 1
    return month if 1 <= month <= 12 else 1


def set_fiscal_year_start_month(month: int) -> None:
    setting = db.session.get(Setting, FISCAL_YEAR_SETTING)
    if setting is None:
        db.session.add(Setting(key=FISCAL_YEAR_SETTING, value=str(month)))
    else:
        setting.value = str(month)


def make_period(year: int, fiscal: bool) -> Period:
    """The calendar year, or the fiscal year starting in the configured month of ``year``."""
    return Period(year, fiscal_year_start_month() if fiscal else 1)


def period_label(period: Period) -> str:
    if period.is_fiscal:
        return _("the fiscal year %(start)s–%(end)s", start=period.year, end=period.year + 1)
    return str(period.year)


def report_years() -> list[int]:
    """Years with counted events, newest first, always including this year."""
    years = {local_today().year}
    first = db.session.scalar(select(db.func.min(Event.starts_on)))
    last = db.session.scalar(select(db.func.max(Event.starts_on)))
    if first and last:
        years.update(range(first.year - 1, last.year + 1))
    return sorted(years, reverse=True)


def default_year() -> int:
    """This year when it has events, otherwise the latest year that has some."""
    this_year = local_today().year
    last = db.session.scalar(select(db.func.max(Event.starts_on)).where(Event.starts_on <= date(this_year, 12, 31)))
    if last is None or last.year == this_year:
        return this_year
    return last.year
