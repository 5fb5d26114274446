"""Participant counts of the counted events, split by sex, by any of the report's dimensions.

The participants of an event are the distinct participants with an attendance
at any of its sessions, plus its headcount tallies; the participants of a
period are the sum over its events. Unique individuals are distinct
participant records (individual attendance only). Headcounts have no age band.
Every number is computed by the database, never by loading attendance rows
into Python, so that the dashboard, the workbook and the csv files cannot disagree.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from flask import g
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import ARRAY

from ..attendance.models import EventParticipant, Headcount, Sex
from ..events.models import Event, TargetGroup
from ..extensions import db
from .period import ReportFilters, event_conditions

# Kinds of counted rows.
INDIVIDUAL = "individual"
HEADCOUNT = "headcount"


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


# Every count table is grouped from the distinct (event, participant) pairs of
# the counted events with the participant's sex, target group and age band: the
# summary table ``event_participants`` (kept with every attendance written or
# removed) joined to a temporary table of the counted events, filled once per
# report (``shared_counts``), and per event and sex the number of those pairs and
# of headcount tallies in a second one. The attendances are not read.

_TEMPORARY = sa.MetaData()
EVENT_COUNTS = sa.Table(
    "report_event_counts", _TEMPORARY,
    sa.Column("event_id", sa.Integer), sa.Column("kind", sa.String(10)), sa.Column("sex", sa.String(10)),
    sa.Column("weight", sa.Integer),
    prefixes=["TEMPORARY"],
)
sa.Index("ix_report_event_counts_event_id", EVENT_COUNTS.c.event_id)
# The counted events with their dimensions computed once (the month is not worked out per pair).
EVENTS = sa.Table(
    "report_events", _TEMPORARY,
    sa.Column("event_id", sa.Integer, primary_key=True), sa.Column("event_type_id", sa.Integer),
    sa.Column("province_id", sa.Integer),
    sa.Column("month_key", sa.Integer),  # year * 100 + month: one grouping key instead of two
    prefixes=["TEMPORARY"],
)
_FILLED = (EVENTS, EVENT_COUNTS)
_EVENT_KEY_COLUMNS = {"event_type": "event_type_id", "province": "province_id", "month": "month_key",
                      "event": "event_id"}
# PostgreSQL: memory for the hash aggregates of one report, so that they do not spill to disk.
REPORT_WORK_MEM = "64MB"

# Dimensions that belong to a participant, not to an event.
PARTICIPANT_DIMENSIONS = {"target_group", "age_band"}
EVENT_DIMENSIONS = {"event_type", "province", "month", "event"}
DIMENSIONS = ("event_type", "province", "month", "target_group", "age_band", "event")


def _constant(value: str) -> sa.ColumnElement:
    # A literal rather than a bound parameter: PostgreSQL must know its type inside UNION ALL.
    return sa.literal_column(f"'{value}'", sa.String(10))


def _null(type_) -> sa.ColumnElement:
    return sa.cast(sa.null(), type_)


def _pairs_query(filters: ReportFilters, *columns, event_ids: list[int] | None = None) -> sa.Select:
    """``columns`` of the counted events' pairs: the summary joined to the counted events or, given
    ``event_ids`` (PostgreSQL), filtered by them as one array: a hashed look-up per pair. SQLite looks
    each pair's event up in the temporary table's primary key, which keeps the order of the summary's
    index that a query reads."""
    query = select(*columns).select_from(EventParticipant)
    if event_ids is None:
        query = query.join(EVENTS, EVENTS.c.event_id == EventParticipant.event_id)
    else:
        query = query.where(EventParticipant.event_id == sa.any_(sa.literal(event_ids, ARRAY(sa.Integer))))
    if filters.target_group_id:
        query = query.where(EventParticipant.target_group_id == filters.target_group_id)
    return query


def _pairs(filters: ReportFilters, event_ids: list[int] | None) -> sa.Subquery:
    """The counted events' pairs with the participant's sex, target group and age band."""
    ep = EventParticipant
    return _pairs_query(filters, ep.event_id, ep.participant_id, ep.sex, ep.target_group_id, ep.age_band,
                        event_ids=event_ids).subquery("pairs")


def _headcount_query(filters: ReportFilters, *columns) -> sa.Select:
    query = select(*columns).select_from(Headcount).join(Event, Headcount.event_id == Event.id) \
        .where(*event_conditions(filters))
    if filters.target_group_id:
        query = query.where(Headcount.target_group_id == filters.target_group_id)
    return query


def _event_counts_query(filters: ReportFilters, event_ids: list[int] | None) -> sa.Select:
    """Per counted event and sex: its participants (pairs) and its headcount tallies."""
    ep = EventParticipant
    individual = _pairs_query(filters, ep.event_id, _constant(INDIVIDUAL), ep.sex, sa.func.count(),
                              event_ids=event_ids) \
        .group_by(ep.event_id, ep.sex)
    headcount = _headcount_query(filters, Headcount.event_id, _constant(HEADCOUNT), Headcount.sex,
                                 sa.func.sum(Headcount.count)).group_by(Headcount.event_id, Headcount.sex)
    return sa.union_all(individual, headcount)


class Aggregates:
    """The count tables of one set of filters, grouped from the counted events' pairs.

    Use through ``shared_counts(filters)``, which fills the temporary tables
    once and drops them afterwards.
    """

    def __init__(self, filters: ReportFilters):
        self.filters = filters
        self._unique_by_sex: Counts | None = None
        self._profiles: list[dict] | None = None
        self.event_ids: list[int] | None = None  # PostgreSQL: the counted events, as one array parameter

    def fill(self) -> None:
        connection = db.session.connection()
        if connection.dialect.name == "postgresql":  # this transaction only:
            connection.exec_driver_sql(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'")
            # Compiling the report's queries just in time costs more than it saves at this size.
            connection.exec_driver_sql("SET LOCAL jit = off")
        for table in reversed(_FILLED):
            table.drop(connection, checkfirst=True)  # left over by a failed report on this connection
        for table in _FILLED:
            table.create(connection)
        db.session.execute(EVENTS.insert().from_select(
            ["event_id", "event_type_id", "province_id", "month_key"],
            select(Event.id, Event.event_type_id, Event.province_id,
                   sa.cast(_event_dimension_columns("month")[0] * 100 + _event_dimension_columns("month")[1],
                           sa.Integer))
            .where(*event_conditions(self.filters))))
        if connection.dialect.name == "postgresql":
            self.event_ids = list(db.session.scalars(select(EVENTS.c.event_id)))
        db.session.execute(EVENT_COUNTS.insert().from_select(
            ["event_id", "kind", "sex", "weight"], _event_counts_query(self.filters, self.event_ids)))

    def drop(self) -> None:
        connection = db.session.connection()
        for table in reversed(_FILLED):
            table.drop(connection, checkfirst=True)

    def counts(self, dimensions: tuple[str, ...], unique: bool = True) -> list[Counts]:
        if len(dimensions) == 1 and dimensions[0] in PARTICIPANT_DIMENSIONS:
            return self._single_participant_counts(dimensions[0])
        if PARTICIPANT_DIMENSIONS.intersection(dimensions):
            return self._participant_counts(dimensions)
        return self._event_counts(dimensions, unique)

    def _event_counts(self, dimensions: tuple[str, ...], unique: bool) -> list[Counts]:
        """Counts by event dimensions (or none): every counted event, with or without participants."""
        c = EVENT_COUNTS.c
        keys = [column for dimension in dimensions for column in _event_dimension_columns(dimension)]
        query = (
            select(*keys, sa.func.count(sa.distinct(Event.id)), *_weight_sums(c.weight, c.sex, c.kind))
            .select_from(Event)
            .outerjoin(EVENT_COUNTS, c.event_id == Event.id)
            .where(*event_conditions(self.filters))
        )
        rows = _collect(query.group_by(*keys) if keys else query, len(keys))
        if not unique:
            return rows
        if dimensions == ("event",):
            for row in rows:  # the pairs are distinct per event: its unique individuals are its individual attendance
                row.unique_individuals = row.individual
            return rows
        if not dimensions:
            rows[0].unique_individuals = self.unique_by_sex().unique_individuals
            return rows
        found = {}
        # The summary's own copy of the events' keys: its indexes on (key, participant) hand the pairs
        # over in the order COUNT(DISTINCT participant) per key needs.
        keys = [getattr(EventParticipant, _EVENT_KEY_COLUMNS[dimension]) for dimension in dimensions]
        for key, number in _unique_by_event_keys(self.filters, keys, self.event_ids).items():
            found[tuple(part for dimension, value in zip(dimensions, key, strict=True)
                        for part in (divmod(value, 100) if dimension == "month" else (value,)))] = number
        for row in rows:
            row.unique_individuals = found.get(row.key, 0)
        return rows

    def _single_participant_counts(self, dimension: str) -> list[Counts]:
        """Counts by target group or by age band alone, from the participant profiles.

        The same figures as ``_participant_counts``: each participant's pairs
        count under their own group (and once as a unique individual), each
        headcount tally under its target group (age band "not recorded"), and
        an event under every group it had pairs or tallies of.
        """
        column = {"target_group": "target_group_id", "age_band": "age_band"}[dimension]
        pairs_key = getattr(EventParticipant, column)
        tally_key = Headcount.target_group_id if dimension == "target_group" else _null(sa.String(10))
        found: dict = {}

        def row(key) -> Counts:
            key = _plain(key)
            return found.setdefault(key, Counts((key,)))

        for profile in self.profiles():
            key, sex, number, pairs = profile[column], profile["sex"], profile["people"], profile["pairs"]
            item = row(key)
            item.unique_individuals += int(number)
            item.individual += int(pairs)
            _add_by_sex(item, sex, int(pairs))
        tallies = _headcount_query(self.filters, tally_key.label("key"), Headcount.sex,
                                   sa.func.coalesce(sa.func.sum(Headcount.count), 0)).group_by(tally_key, Headcount.sex)
        for key, sex, number in db.session.execute(tallies):
            item = row(key)
            item.headcount += int(number)
            _add_by_sex(item, sex, int(number))
        # The events of a group: those with pairs of it, then those with only tallies of it.
        for key, number in db.session.execute(self._events_with_pairs(dimension)):
            row(key).events = int(number)
        paired = sa.exists().where(EventParticipant.event_id == Headcount.event_id, pairs_key == tally_key)
        tally_only = _headcount_query(self.filters, tally_key.label("key"),
                                      sa.func.count(sa.distinct(Headcount.event_id))) \
            .where(~paired).group_by(tally_key)
        for key, number in db.session.execute(tally_only):
            row(key).events += int(number)
        for item in found.values():
            item.participants = item.individual + item.headcount
        return list(found.values())

    def _events_with_pairs(self, dimension: str) -> sa.Select:
        """(key, number of counted events with pairs of it), by target group or by age band.

        Target groups are few: each (group, counted event) is one look-up of a pair in the summary's
        index on (event, sex, target group), the sexes listed so that the look-up seeks rather than
        scanning the event's pairs. Age bands come after the target group in that index: they keep
        the distinct pass.
        """
        ep = EventParticipant
        if dimension == "age_band":
            events = _pairs_query(self.filters, ep.age_band.label("key"), ep.event_id,
                                  event_ids=self.event_ids).distinct().subquery("group_events")
            return select(events.c.key, sa.func.count()).group_by(events.c.key)
        has_pairs = sa.exists().where(ep.event_id == EVENTS.c.event_id, ep.sex.in_(list(Sex)),
                                      ep.target_group_id == TargetGroup.id)
        query = select(TargetGroup.id, sa.func.count()).select_from(TargetGroup).join(EVENTS, sa.true()) \
            .where(has_pairs).group_by(TargetGroup.id)
        if self.filters.target_group_id:
            query = query.where(TargetGroup.id == self.filters.target_group_id)
        return query

    def _participant_counts(self, dimensions: tuple[str, ...]) -> list[Counts]:
        """Counts by target group or age band: each participant's own, each tally's target group."""
        pairs = _pairs(self.filters, self.event_ids)
        individual = select(
            pairs.c.event_id, pairs.c.participant_id, pairs.c.sex, pairs.c.target_group_id, pairs.c.age_band,
            _constant(INDIVIDUAL).label("kind"), sa.literal_column("1", sa.Integer).label("weight"),
        )
        headcount = _headcount_query(
            self.filters, Headcount.event_id, _null(sa.Integer), Headcount.sex, Headcount.target_group_id,
            _null(sa.String(10)), _constant(HEADCOUNT), Headcount.count,
        )
        u = sa.union_all(individual, headcount).subquery("contributions")
        keys = []
        for dimension in dimensions:
            if dimension in PARTICIPANT_DIMENSIONS:
                keys.append(getattr(u.c, {"target_group": "target_group_id", "age_band": "age_band"}[dimension]))
            else:
                keys.extend(_event_dimension_columns(dimension))
        query = select(
            *keys, sa.func.count(sa.distinct(u.c.event_id)), *_weight_sums(u.c.weight, u.c.sex, u.c.kind,
                                                                          u.c.participant_id),
        ).select_from(u)
        if EVENT_DIMENSIONS.intersection(dimensions):
            query = query.join(Event, Event.id == u.c.event_id)
        return _collect(query.group_by(*keys), len(keys))

    def profiles(self) -> list[dict]:
        """Participants and their pairs per (sex, target group, age band), asked once per report.

        Each participant has one sex, target group and age band, so the unique
        individuals by any of them are sums of these rows' participants.
        """
        if self._profiles is None:
            ep = EventParticipant
            keys = (ep.sex, ep.target_group_id, ep.age_band)
            # The summary's index on these keys then the participant hands the pairs over in that
            # order: the groups and the distinct participants within them need no sort.
            query = _pairs_query(self.filters, *keys, sa.func.count(sa.distinct(ep.participant_id)),
                                 sa.func.count(), event_ids=self.event_ids).group_by(*keys)
            self._profiles = [
                {"sex": _plain(sex), "target_group_id": group_id, "age_band": _plain(age_band),
                 "people": int(number), "pairs": int(pairs)}
                for sex, group_id, age_band, number, pairs in db.session.execute(query)
            ]
        return self._profiles

    def unique_by_sex(self) -> Counts:
        if self._unique_by_sex is None:
            result = Counts()
            for profile in self.profiles():
                _add_by_sex(result, profile["sex"], profile["people"])
            # Each participant has one sex: the unique individuals are the sum over the sexes.
            result.unique_individuals = result.participants = result.female + result.male + result.other
            self._unique_by_sex = result
        return self._unique_by_sex


def _unique_by_event_keys(filters: ReportFilters, keys: list, event_ids: list[int] | None) -> dict[tuple, int]:
    """Distinct participants of the pairs per key of the counted events' dimensions."""
    query = _pairs_query(filters, *keys, sa.func.count(sa.distinct(EventParticipant.participant_id)),
                         event_ids=event_ids).group_by(*keys)
    return {tuple(_plain(value) for value in row[:-1]): int(row[-1]) for row in db.session.execute(query)}


def _add_by_sex(item: Counts, sex, number: int) -> None:
    name = _plain(sex)
    setattr(item, name, getattr(item, name) + number)


def _event_dimension_columns(dimension: str) -> list:
    if dimension == "month":
        return [sa.extract("year", Event.starts_on), sa.extract("month", Event.starts_on)]
    return [{"event_type": Event.event_type_id, "province": Event.province_id, "event": Event.id}[dimension]]


def _weight_sums(weight, sex, kind, participant=None) -> list:
    """participants, female, male, other, [unique individuals,] individual attendance, headcount."""
    def where(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, weight), else_=0)), 0)

    sums = [sa.func.coalesce(sa.func.sum(weight), 0), where(sex == "female"), where(sex == "male"),
            where(sex == "other")]
    if participant is not None:
        sums.append(sa.func.count(sa.distinct(participant)))
    return [*sums, where(kind == INDIVIDUAL), where(kind == HEADCOUNT)]


def _collect(query, key_count: int) -> list[Counts]:
    unique_included = len(query.selected_columns) - key_count == 8
    rows = []
    for row in db.session.execute(query):
        key = tuple(_plain(value) for value in row[:key_count])
        numbers = [int(value or 0) for value in row[key_count:]]
        if not unique_included:
            numbers.insert(5, 0)  # unique individuals: filled in afterwards
        rows.append(Counts(key, *numbers))
    if not key_count and not rows:
        rows.append(Counts())
    return rows


_ACTIVE = "report_aggregates"


@contextmanager
def shared_counts(filters: ReportFilters) -> Iterator[Aggregates]:
    """Fill the counted events and their counts per sex once for every count asked inside the block.

    Inside the block, ``counts``, ``totals`` and ``unique_individuals_by_sex``
    for the same filters share the temporary tables. Nested blocks for the
    same filters share the tables.
    """
    active = g.get(_ACTIVE)
    if active is not None and active.filters == filters:
        yield active
        return
    aggregates = Aggregates(filters)
    aggregates.fill()
    setattr(g, _ACTIVE, aggregates)
    try:
        yield aggregates
    finally:
        setattr(g, _ACTIVE, active)
        try:
            aggregates.drop()
        except sa.exc.DBAPIError:
            pass  # the transaction failed: the next report drops the tables before filling them


def _aggregates(filters: ReportFilters):
    active = g.get(_ACTIVE)
    return active if active is not None and active.filters == filters else None


def counts(filters: ReportFilters, *dimensions: str, unique: bool = True) -> list[Counts]:
    """Participant counts grouped by the given dimensions (none: one row for the whole period).

    The key of a month is (year, month); of an age band its value, or None
    for headcounts ("not recorded"); of the others the record id. Tables by
    event dimensions (event type, province, month, event) list every counted
    event, also those without participants; tables by target group or age
    band list the groups that had participants or tallies. ``unique=False``
    skips the unique individuals (left 0) where they are not shown.
    """
    active = _aggregates(filters)
    if active is not None:
        return active.counts(dimensions, unique)
    with shared_counts(filters) as aggregates:
        return aggregates.counts(dimensions, unique)


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
    active = _aggregates(filters)
    if active is not None:
        return active.unique_by_sex()
    with shared_counts(filters) as aggregates:
        return aggregates.unique_by_sex()

