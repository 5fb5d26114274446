"""Program metrics: the SQL aggregates behind the dashboard, the workbook and the csv files.

The definitions are the contract in DESIGN.md ("Metrics definitions") and
docs/reports.md. In short:

- An event counts in the period of its first session's local date
  (``Event.starts_on``); cancelled events never count.
- The participants of an event are the distinct participants with an
  attendance at any of its sessions, plus its headcount tallies; the
  participants of a period are the sum over its events. Unique individuals
  are distinct participant records (individual attendance only).
- Every count is split by sex; headcounts have no age band.

Every number is computed by the database (GROUP BY over one "contributions"
subquery), never by loading attendance rows into Python, so that the
dashboard, the workbook and the csv files cannot disagree.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date

import sqlalchemy as sa
from sqlalchemy import select

from ..attendance.models import Attendance, Headcount, Participant
from ..auth.models import User
from ..events.models import Event, EventStatus, Session, TargetGroup
from ..extensions import db
from ..quizzes.models import Phase, QuizAttempt
from ..quizzes.statistics import normalised_gain

# Kinds of rows in the contributions subquery.
INDIVIDUAL = "individual"
HEADCOUNT = "headcount"
EVENT = "event"  # one weightless row per counted event, so that events without participants count

GUEST_SPEAKER_TYPE = "guest_speaker"


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


@dataclass
class Counts:
    """Participant counts of one table row (or of the whole period when ``key`` is empty)."""

    key: tuple = ()
    events: int = 0
    participants: int = 0
    female: int = 0
    male: int = 0
    other: int = 0
    unique_individuals: int = 0
    individual: int = 0
    headcount: int = 0

    def add(self, other: "Counts") -> None:
        """Sum the additive counts (events and unique individuals are not additive across rows)."""
        for name in ("participants", "female", "male", "other", "individual", "headcount"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Knowledge:
    """Pre/post-test figures of a group of attempts (DESIGN.md, "Knowledge").

    The same definitions as ``quizzes.statistics.KnowledgeSummary`` (the event
    results page), computed by SQL aggregates instead of over loaded scores.
    """

    key: tuple = ()
    pre_takers: int = 0
    pre_mean: float | None = None
    post_takers: int = 0
    post_mean: float | None = None
    both: int = 0
    both_pre_mean: float | None = None
    both_post_mean: float | None = None
    improved: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def mean_gain(self) -> float | None:
        """Mean gain in percentage points, over participants with both tests."""
        if not self.both:
            return None
        return self.both_post_mean - self.both_pre_mean

    @property
    def normalised_gain(self) -> float | None:
        """Hake's g of the group over the paired means, None at a mean pre-test of 100 % (quizzes' definition)."""
        if not self.both:
            return None
        return normalised_gain(self.both_pre_mean, self.both_post_mean)

    @property
    def improved_share(self) -> float | None:
        """Share (0-1) of participants with both tests whose post-test score is higher."""
        return self.improved / self.both if self.both else None


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


def _constant(value: str) -> sa.ColumnElement:
    # A literal rather than a bound parameter: PostgreSQL must know its type inside UNION ALL.
    return sa.literal_column(f"'{value}'", sa.String(10))


def _null(type_) -> sa.ColumnElement:
    return sa.cast(sa.null(), type_)


def contributions(filters: ReportFilters) -> sa.Subquery:
    """One row per (event, participant) with attendance, per headcount tally, and per counted event.

    Columns: kind, event_id, event_type_id, province_id, starts_on,
    participant_id, sex, age_band, target_group_id, weight. ``weight`` is 1
    for a participant, the tally for a headcount row, 0 for the event row.
    """
    conditions = event_conditions(filters)
    event_columns = (Event.id.label("event_id"), Event.event_type_id, Event.province_id, Event.starts_on)

    individual = (
        select(
            _constant(INDIVIDUAL).label("kind"), *event_columns,
            Participant.id.label("participant_id"), Participant.sex, Participant.age_band,
            Participant.target_group_id, sa.literal_column("1", sa.Integer).label("weight"),
        )
        .select_from(Attendance)
        .join(Session, Attendance.session_id == Session.id)
        .join(Event, Session.event_id == Event.id)
        .join(Participant, Attendance.participant_id == Participant.id)
        .where(*conditions)
        .distinct()  # a participant at several sessions of an event counts once for it
    )
    headcount = (
        select(
            _constant(HEADCOUNT), *event_columns, _null(sa.Integer), Headcount.sex, _null(sa.String(10)),
            Headcount.target_group_id, Headcount.count,
        )
        .join(Event, Headcount.event_id == Event.id)
        .where(*conditions)
    )
    events = select(
        _constant(EVENT), *event_columns, _null(sa.Integer), _null(sa.String(10)), _null(sa.String(10)),
        _null(sa.Integer), sa.literal_column("0", sa.Integer),
    ).where(*conditions)
    if filters.target_group_id:
        individual = individual.where(Participant.target_group_id == filters.target_group_id)
        headcount = headcount.where(Headcount.target_group_id == filters.target_group_id)
    return sa.union_all(individual, headcount, events).subquery("contributions")


def _dimension_columns(c, dimension: str) -> list:
    if dimension == "month":
        return [sa.extract("year", c.starts_on), sa.extract("month", c.starts_on)]
    return [getattr(c, {
        "event_type": "event_type_id",
        "province": "province_id",
        "target_group": "target_group_id",
        "age_band": "age_band",
        "event": "event_id",
    }[dimension])]


# Dimensions that belong to a participant, not to an event: the weightless
# event rows would otherwise form a spurious empty group.
PARTICIPANT_DIMENSIONS = {"target_group", "age_band"}
DIMENSIONS = ("event_type", "province", "month", "target_group", "age_band", "event")


def _weight_where(c, condition) -> sa.ColumnElement:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, c.weight), else_=0)), 0)


def counts(filters: ReportFilters, *dimensions: str) -> list[Counts]:
    """Participant counts grouped by the given dimensions (none: one row for the whole period).

    The key of a month is (year, month); of an age band its value, or None
    for headcounts ("not recorded"); of the others the record id.
    """
    subquery = contributions(filters)
    c = subquery.c
    keys = [column for dimension in dimensions for column in _dimension_columns(c, dimension)]
    query = select(
        *keys,
        sa.func.count(sa.distinct(c.event_id)),
        sa.func.coalesce(sa.func.sum(c.weight), 0),
        _weight_where(c, c.sex == "female"),
        _weight_where(c, c.sex == "male"),
        _weight_where(c, c.sex == "other"),
        sa.func.count(sa.distinct(c.participant_id)),
        _weight_where(c, c.kind == INDIVIDUAL),
        _weight_where(c, c.kind == HEADCOUNT),
    ).select_from(subquery)
    if PARTICIPANT_DIMENSIONS.intersection(dimensions):
        query = query.where(c.kind != EVENT)
    if keys:
        query = query.group_by(*keys)
    rows = []
    for row in db.session.execute(query):
        key = tuple(_plain(value) for value in row[: len(keys)])
        numbers = [int(value or 0) for value in row[len(keys):]]
        rows.append(Counts(key, *numbers))
    if not keys and not rows:
        rows.append(Counts())
    return rows


def totals(filters: ReportFilters) -> Counts:
    """The period's totals: events, participants (by sex) and unique individuals."""
    return counts(filters)[0]


def _plain(value):
    """Database values as plain Python: PostgreSQL's EXTRACT gives a Decimal, enums their value."""
    if value is None or isinstance(value, (int, str)):
        return value
    if hasattr(value, "value"):
        return value.value
    return int(value)


def unique_individuals_by_sex(filters: ReportFilters) -> Counts:
    """Distinct participant records with attendance at a counted event, split by sex."""
    c = contributions(filters).c
    query = select(c.sex, sa.func.count(sa.distinct(c.participant_id))).where(c.kind == INDIVIDUAL).group_by(c.sex)
    result = Counts()
    for sex, number in db.session.execute(query):
        setattr(result, _plain(sex), int(number))
    result.unique_individuals = result.participants = result.female + result.male + result.other
    return result


def _scored_attempts(filters: ReportFilters, phase: Phase) -> sa.Subquery:
    query = (
        select(
            QuizAttempt.event_id, QuizAttempt.participant_id, QuizAttempt.score,
            Event.event_type_id, Participant.target_group_id,
        )
        .join(Event, QuizAttempt.event_id == Event.id)
        .join(Participant, QuizAttempt.participant_id == Participant.id)
        .where(QuizAttempt.phase == phase, *event_conditions(filters))
    )
    if filters.target_group_id:
        query = query.where(Participant.target_group_id == filters.target_group_id)
    return query.subquery(phase.value)


KNOWLEDGE_DIMENSIONS = {"event_type": "event_type_id", "target_group": "target_group_id", "event": "event_id"}


def knowledge(filters: ReportFilters, dimension: str | None = None) -> list[Knowledge]:
    """Pre/post-test figures, overall (one row) or per event type, target group or event.

    Means of each test are over everyone who took it; the gain, Hake's g and
    the share improved are over participants who took both tests of an event.
    """
    pre, post = _scored_attempts(filters, Phase.PRE), _scored_attempts(filters, Phase.POST)
    results: dict[tuple, Knowledge] = {}

    def group_by(subquery):
        return [getattr(subquery.c, KNOWLEDGE_DIMENSIONS[dimension])] if dimension else []

    for subquery, count_name, mean_name in ((pre, "pre_takers", "pre_mean"), (post, "post_takers", "post_mean")):
        keys = group_by(subquery)
        query = select(*keys, sa.func.count(), sa.func.avg(subquery.c.score)).select_from(subquery)
        for row in db.session.execute(query.group_by(*keys) if keys else query):
            item = results.setdefault(tuple(row[: len(keys)]), Knowledge(tuple(row[: len(keys)])))
            setattr(item, count_name, int(row[-2]))
            setattr(item, mean_name, float(row[-1]) if row[-1] is not None else None)

    keys = group_by(pre)
    paired = (
        select(
            *keys, sa.func.count(), sa.func.avg(pre.c.score), sa.func.avg(post.c.score),
            sa.func.coalesce(sa.func.sum(sa.case((post.c.score > pre.c.score, 1), else_=0)), 0),
        )
        .select_from(pre)
        .join(post, sa.and_(pre.c.event_id == post.c.event_id, pre.c.participant_id == post.c.participant_id))
    )
    for row in db.session.execute(paired.group_by(*keys) if keys else paired):
        key = tuple(row[: len(keys)])
        item = results.setdefault(key, Knowledge(key))
        item.both = int(row[-4])
        if item.both:
            item.both_pre_mean, item.both_post_mean = float(row[-3]), float(row[-2])
            item.improved = int(row[-1])
    if not dimension:
        return [results.get((), Knowledge())]
    return [item for item in results.values() if item.pre_takers or item.post_takers]


def event_session_counts(filters: ReportFilters) -> dict[int, int]:
    """Number of sessions of each counted event."""
    query = (
        select(Session.event_id, sa.func.count())
        .join(Event, Session.event_id == Event.id)
        .where(*event_conditions(filters))
        .group_by(Session.event_id)
    )
    return {event_id: int(number) for event_id, number in db.session.execute(query)}


STREAM_BATCH = 1000


def participant_rows(filters: ReportFilters) -> Iterator[sa.Row]:
    """One row per participant with attendance at a counted event (streamed from the database).

    Columns: id, name, sex, age_band, target_group_id, province_id, events, sessions.
    """
    query = (
        select(
            Participant.id, Participant.name, Participant.sex, Participant.age_band,
            Participant.target_group_id, Participant.province_id,
            sa.func.count(sa.distinct(Event.id)), sa.func.count(Attendance.id),
        )
        .select_from(Attendance)
        .join(Session, Attendance.session_id == Session.id)
        .join(Event, Session.event_id == Event.id)
        .join(Participant, Attendance.participant_id == Participant.id)
        .where(*event_conditions(filters))
        .group_by(Participant.id, Participant.name, Participant.sex, Participant.age_band,
                  Participant.target_group_id, Participant.province_id)
        .order_by(Participant.id)
    )
    if filters.target_group_id:
        query = query.where(Participant.target_group_id == filters.target_group_id)
    yield from db.session.execute(query.execution_options(yield_per=STREAM_BATCH))


def attendance_rows(filters: ReportFilters) -> Iterator[sa.Row]:
    """Every attendance at a counted event, one row per participant and session, streamed.

    Columns: starts_at, ends_at, session_number, event_id, title, event_type_id,
    province_id, participant_id, sex, age_band, target_group_id, method, recorded_by.
    """
    numbered = (
        select(
            Session.id, Session.event_id, Session.starts_at, Session.ends_at,
            sa.func.row_number().over(partition_by=Session.event_id, order_by=(Session.starts_at, Session.id))
            .label("number"),
        )
        .join(Event, Session.event_id == Event.id)
        .where(*event_conditions(filters))
        .subquery("numbered_sessions")
    )
    query = (
        select(
            numbered.c.starts_at, numbered.c.ends_at, numbered.c.number, Event.id, Event.title,
            Event.event_type_id, Event.province_id, Participant.id, Participant.sex, Participant.age_band,
            Participant.target_group_id, Attendance.method, User.name,
        )
        .select_from(Attendance)
        .join(numbered, Attendance.session_id == numbered.c.id)
        .join(Event, numbered.c.event_id == Event.id)
        .join(Participant, Attendance.participant_id == Participant.id)
        .outerjoin(User, Attendance.recorded_by_id == User.id)
        .order_by(numbered.c.starts_at, Event.id, Attendance.id)
    )
    if filters.target_group_id:
        query = query.where(Participant.target_group_id == filters.target_group_id)
    yield from db.session.execute(query.execution_options(yield_per=STREAM_BATCH))
