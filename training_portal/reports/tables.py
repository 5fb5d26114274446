"""The report tables and the report of a period: each table is built once from the counts and
the knowledge figures, then shown on the dashboard, written to a workbook sheet or sent as csv, so
that the three can never disagree."""

from collections.abc import Iterator
from dataclasses import dataclass, field

from flask_babel import format_date
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..events.models import Event, EventType, Province, TargetGroup
from ..extensions import db
from ..labels import AGE_BAND_LABELS, METHOD_LABELS, SEX_LABELS
from ..spreadsheets import Column, Table
from ..timeutil import to_local
from ..templating import round_half_up
from . import counts
from .counts import Counts
from .knowledge import Knowledge, knowledge, knowledge_with_overall
from .labels import COUNTING_LABELS, HEADERS, NOT_RECORDED, NOTES, SHEETS, TOTAL, label
from .period import ReportFilters, counted_events_query
from .rows import attendance_rows, event_session_counts, participant_rows
from .sentences import annual_report_sentences


@dataclass
class ReportTable(Table):
    """A report table: its key (the sheet and csv it is) and what the charts and sentences need of it."""

    key: str = ""
    extra: dict = field(default_factory=dict)


def report_table(key: str, columns: list[Column], rows, total: list | None = None, **extra) -> ReportTable:
    """A table titled by its stable sheet title (the by-event-type table is the Summary sheet)."""
    title = label(SHEETS[key if key in SHEETS else "summary"])
    return ReportTable(title, columns, rows, total, key=key, extra=extra)


def column(key: str, kind: str = "int", width: int = 12) -> Column:
    """A column under the stable header of ``key``, in the current language."""
    return Column(label(HEADERS[key]), kind, width, key)


def count_columns() -> list[Column]:
    return [
        column("events", width=10), column("participants", width=12), column("female", width=10),
        column("male", width=10), column("other", width=10), column("unique_individuals", width=12),
        column("individual", width=12), column("headcount", width=12),
    ]


def knowledge_columns() -> list[Column]:
    return [
        column("pre_takers", width=10), column("pre_mean", "percent", 10), column("post_takers", width=10),
        column("post_mean", "percent", 10), column("both", width=10), column("both_pre_mean", "percent", 10),
        column("both_post_mean", "percent", 10), column("mean_gain", "percent", 12),
        column("normalised_gain", "ratio", 12), column("improved", "percent", 10),
    ]


def count_values(row: Counts) -> list:
    return [row.events, row.participants, row.female, row.male, row.other, row.unique_individuals,
            row.individual, row.headcount]


def knowledge_values(item: Knowledge) -> list:
    share = item.improved_share
    return [item.pre_takers, item.pre_mean, item.post_takers, item.post_mean, item.both, item.both_pre_mean,
            item.both_post_mean, item.mean_gain, item.normalised_gain, share * 100 if share is not None else None]


def reference_entries(model) -> list:
    return list(db.session.scalars(select(model).order_by(model.sort_order, model.name_en)))


def _by_entry_table(key: str, dimension: str, model, filters: ReportFilters, total: Counts,
                    every_active_entry: bool = False) -> Table:
    """Rows of the entries with counts (or of every active entry too, with zeros), in the list's order."""
    found = {row.key[0]: row for row in counts.counts(filters, dimension)}
    entries = [entry for entry in reference_entries(model)
               if entry.id in found or (every_active_entry and entry.active)]
    rows = [[entry.name, *count_values(found.get(entry.id, Counts()))] for entry in entries]
    return report_table(key, [column(dimension, "text", 30), *count_columns()], rows,
                        [label(TOTAL), *count_values(total)], ids=[entry.id for entry in entries])


def event_type_table(filters: ReportFilters, total: Counts) -> Table:
    """Every active event type, those without events with 0, as an annual report lists them."""
    return _by_entry_table("summary", "event_type", EventType, filters, total, every_active_entry=True)


def target_group_table(filters: ReportFilters, total: Counts) -> Table:
    table = _by_entry_table("by_target_group", "target_group", TargetGroup, filters, total)
    table.extra["notes"] = [label(NOTES["events_by_target_group"])]
    return table


def province_table(filters: ReportFilters, total: Counts) -> Table:
    return _by_entry_table("by_province", "province", Province, filters, total)


def month_table(filters: ReportFilters, total: Counts) -> Table:
    """All twelve months of the period, in order, empty months included."""
    found = {row.key: row for row in counts.counts(filters, "month")}
    rows = [[month, *count_values(found.get((month.year, month.month), Counts()))]
            for month in filters.period.months()]
    return report_table("by_month", [column("month", "month", 12), *count_columns()], rows,
                 [label(TOTAL), *count_values(total)])


def age_band_table(filters: ReportFilters, total: Counts) -> Table:
    """Every age band, then "not recorded" (headcounts have no age band)."""
    found = {row.key[0]: row for row in counts.counts(filters, "age_band")}
    rows = [[str(name), *count_values(found.get(band, Counts()))] for band, name in AGE_BAND_LABELS.items()]
    rows.append([label(NOT_RECORDED), *count_values(found.get(None, Counts()))])
    return report_table("by_age_band", [column("age_band", "text", 20), *count_columns()], rows,
                        [label(TOTAL), *count_values(total)], notes=[label(NOTES["events_by_age_band"])])


def knowledge_table(filters: ReportFilters) -> Table:
    """Knowledge figures per event type, with the overall figures as the total row."""
    by_type, overall = knowledge_with_overall(filters, "event_type")
    found = {item.key[0]: item for item in by_type}
    entries = [entry for entry in reference_entries(EventType) if entry.id in found]
    rows = [[entry.name, *knowledge_values(found[entry.id])] for entry in entries]
    return report_table("knowledge", [column("event_type", "text", 30), *knowledge_columns()], rows,
                 [label(TOTAL), *knowledge_values(overall)],
                        names=[entry.name for entry in entries],
                        pre=[found[entry.id].both_pre_mean for entry in entries],
                        post=[found[entry.id].both_post_mean for entry in entries],
                        notes=[] if overall.pre_takers or overall.post_takers else [label(NOTES["no_quizzes"])])


def counting_of(row: Counts) -> str:
    """Whether an event was counted by individual attendance, a headcount, both, or not yet."""
    kind = {(True, False): "individual", (False, True): "headcount", (True, True): "both"}.get(
        (row.individual > 0, row.headcount > 0), "none")
    return label(COUNTING_LABELS[kind])


def event_columns() -> list[Column]:
    return [
        column("event_id", width=10), column("date", "date", 11), column("event", "text", 40),
        column("event_type", "text", 26), column("province", "text", 16), column("target_groups", "text", 32),
        column("trainers", "text", 24), column("sessions", width=9), column("counting", "text", 20),
        column("participants", width=12), column("female", width=9), column("male", width=9),
        column("other", width=9), column("individual", width=12), column("headcount", width=11),
        column("both", width=9), column("both_pre_mean", "percent", 11), column("both_post_mean", "percent", 11),
        column("mean_gain", "percent", 11),
    ]


def events_table(filters: ReportFilters) -> Table:
    """One row per counted event with its counts, how they were counted, and its knowledge figures."""
    found = {row.key[0]: row for row in counts.counts(filters, "event", unique=False)}
    scores = {item.key[0]: item for item in knowledge(filters, "event")}
    session_counts = event_session_counts(filters)
    events = db.session.scalars(counted_events_query(filters).options(
        selectinload(Event.event_type), selectinload(Event.province),
        selectinload(Event.target_groups), selectinload(Event.trainers),
    ))
    rows = []
    for event in events:
        row_counts = found.get(event.id, Counts())
        item = scores.get(event.id, Knowledge())
        rows.append([
            event.id, event.starts_on, event.title, event.event_type.name, event.province.name,
            ", ".join(group.name for group in event.target_groups),
            ", ".join(trainer.name for trainer in event.trainers), session_counts.get(event.id, 0),
            counting_of(row_counts), row_counts.participants, row_counts.female, row_counts.male,
            row_counts.other, row_counts.individual, row_counts.headcount,
            item.both, item.both_pre_mean, item.both_post_mean, item.mean_gain,
        ])
    return report_table("events", event_columns(), rows)


def participant_columns() -> list[Column]:
    return [
        column("participant_id", width=14), column("name", "text", 28), column("sex", "text", 18),
        column("age_band", "text", 12), column("target_group", "text", 26), column("province", "text", 18),
        column("events_attended", width=16), column("sessions_attended", width=17),
    ]


def _names(model) -> dict[int, str]:
    return {entry.id: entry.name for entry in reference_entries(model)}


def participants_table(filters: ReportFilters) -> Table:
    """One row per participant with attendance in the period (minimal fields; managers and admins only)."""
    groups, provinces = _names(TargetGroup), _names(Province)
    sexes, bands = words(SEX_LABELS), words(AGE_BAND_LABELS)

    def rows() -> Iterator[list]:
        for row in participant_rows(filters):
            person_id, name, sex, age_band, group_id, province_id, events, sessions = row
            yield [person_id, name, sexes[sex], bands[age_band], groups.get(group_id, ""),
                   provinces.get(province_id, ""), events, sessions]

    return report_table("participants", participant_columns(), rows())


def attendance_columns() -> list[Column]:
    return [
        column("date", "date", 12), column("event_id", width=10), column("event", "text", 40),
        column("event_type", "text", 26), column("province", "text", 18), column("session", width=9),
        column("start_time", "datetime", 16), column("participant_id", width=14), column("sex", "text", 18),
        column("age_band", "text", 12), column("target_group", "text", 26), column("method", "text", 20),
        column("recorded_by", "text", 22),
    ]


def attendance_table(filters: ReportFilters) -> Table:
    """Every attendance in the period, one row per participant and session, streamed from the database."""
    types, groups, provinces = _names(EventType), _names(TargetGroup), _names(Province)
    methods, sexes, bands = words(METHOD_LABELS), words(SEX_LABELS), words(AGE_BAND_LABELS)

    def rows() -> Iterator[list]:
        for row in attendance_rows(filters):
            (starts_at, _ends_at, number, event_id, title, type_id, province_id, person_id, sex, age_band,
             group_id, method, recorded_by) = row
            local_start = to_local(starts_at).replace(tzinfo=None)
            yield [local_start.date(), event_id, title, types.get(type_id, ""), provinces.get(province_id, ""),
                   int(number), local_start, person_id, sexes[sex], bands[age_band], groups.get(group_id, ""),
                   methods[method], recorded_by or ""]

    return report_table("attendance", attendance_columns(), rows())


def words(labels: dict) -> dict[str, str]:
    """An enum's labels in the current language, looked up once for a table's many rows."""
    return {key: str(text) for key, text in labels.items()}


# --- The report -----------------------------------------------------------------


@dataclass
class Report:
    """Everything the dashboard and the workbook show for one period and set of filters."""

    filters: ReportFilters
    totals: Counts
    unique_by_sex: Counts
    sentences: list[str]
    tables: dict[str, Table]
    month_by_type: list[Counts] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return self.tables[key]


TABLE_BUILDERS = {
    "summary": event_type_table,
    "by_target_group": target_group_table,
    "by_province": province_table,
    "by_month": month_table,
    "by_age_band": age_band_table,
}
CSV_TABLES = (*TABLE_BUILDERS, "knowledge", "events", "participants")


def build_report(filters: ReportFilters) -> Report:
    """The totals, sentences and aggregate tables of a period (not the per-person tables).

    The counted events are worked out once (``counts.shared_counts``); every
    table is grouped from their pairs in the ``event_participants`` summary.
    """
    with counts.shared_counts(filters):
        total = counts.totals(filters)
        tables = {key: builder(filters, total) for key, builder in TABLE_BUILDERS.items()}
        unique_by_sex = counts.unique_individuals_by_sex(filters)
        month_by_type = counts.counts(filters, "month", "event_type", unique=False)
    tables["knowledge"] = knowledge_table(filters)
    return Report(filters, total, unique_by_sex, annual_report_sentences(filters, tables["summary"]), tables,
                  month_by_type)


def build_table(key: str, filters: ReportFilters) -> Table:
    """One table, by its csv key."""
    if key in TABLE_BUILDERS:
        with counts.shared_counts(filters):
            return TABLE_BUILDERS[key](filters, counts.totals(filters))
    return {"knowledge": knowledge_table, "events": events_table, "participants": participants_table}[key](filters)


def chart_data(report: Report) -> dict:
    """Data for the dashboard's charts: participants per month by event type, by target group
    and sex, and mean pre-test and post-test scores per event type (both tests taken)."""
    filters = report.filters
    months = filters.period.months()
    types = {entry.id: entry.name for entry in reference_entries(EventType)}
    per_month: dict[int, dict] = {}
    for row in report.month_by_type:
        year, month, type_id = row.key
        per_month.setdefault(type_id, {})[(year, month)] = row.participants
    by_group = report.table("by_target_group")
    scores = report.table("knowledge").extra
    return {
        "months": {
            "labels": [format_date(month, "MMM y") for month in months],
            "datasets": [
                {"label": types[type_id], "data": [values.get((month.year, month.month), 0) for month in months]}
                for type_id, values in sorted(per_month.items(), key=lambda item: list(types).index(item[0]))
            ],
        },
        "target_groups": {
            "labels": [row[0] for row in by_group.rows],
            "datasets": [
                {"label": str(SEX_LABELS[sex]), "data": [row[position] for row in by_group.rows]}
                for sex, position in (("female", 3), ("male", 4), ("other", 5))
            ],
        },
        "knowledge": {
            "labels": scores["names"],
            "datasets": [
                {"label": label(HEADERS["pre_mean"]), "data": [_rounded(value) for value in scores["pre"]]},
                {"label": label(HEADERS["post_mean"]), "data": [_rounded(value) for value in scores["post"]]},
            ],
        },
    }


def _rounded(value: float | None) -> float | None:
    return float(round_half_up(value, 1)) if value is not None else None
