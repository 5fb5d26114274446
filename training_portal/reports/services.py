"""Report tables, the annual-report sentences and the fiscal year setting.

Each table is built once from the aggregates in ``metrics`` and then shown on
the dashboard, written to a workbook sheet or sent as csv: the three can never
disagree. Column headers and sheet titles are stable (documented in
README.md, read by header name), so their English and Khmer wording is
fixed here, like the reference lists, rather than left to the catalogues.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date, format_decimal, ngettext
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..attendance.models import AgeBand, CheckInMethod, Sex
from ..settings import Setting
from ..events.models import Event, EventType, Province, TargetGroup
from ..extensions import db
from ..i18n import current_language
from ..timeutil import local_today, to_local
from . import metrics
from .metrics import Counts, Knowledge, Period, ReportFilters

FISCAL_YEAR_SETTING = "fiscal_year_start_month"

# Stable column headers: (English, Khmer).
HEADERS = {
    "event_type": ("Event type", "ប្រភេទព្រឹត្តិការណ៍"),
    "target_group": ("Target group", "ក្រុមគោលដៅ"),
    "province": ("Province", "ខេត្ត"),
    "month": ("Month", "ខែ"),
    "age_band": ("Age band", "ក្រុមអាយុ"),
    "events": ("Events", "ចំនួនព្រឹត្តិការណ៍"),
    "participants": ("Participants", "អ្នកចូលរួម"),
    "female": ("Female", "ស្រី"),
    "male": ("Male", "ប្រុស"),
    "other": ("Other", "ផ្សេងៗ"),
    "unique_individuals": ("Unique individuals", "បុគ្គលមិនស្ទួន"),
    "individual": ("Individual attendance", "វត្តមានផ្ទាល់ខ្លួន"),
    "headcount": ("Headcount", "ការរាប់ចំនួនសរុប"),
    "pre_takers": ("Pre-test takers", "អ្នកធ្វើតេស្តមុន"),
    "pre_mean": ("Mean pre-test score (%)", "ពិន្ទុមធ្យមតេស្តមុន (%)"),
    "post_takers": ("Post-test takers", "អ្នកធ្វើតេស្តក្រោយ"),
    "post_mean": ("Mean post-test score (%)", "ពិន្ទុមធ្យមតេស្តក្រោយ (%)"),
    "both": ("Took both tests", "អ្នកធ្វើតេស្តទាំងពីរ"),
    "both_pre_mean": ("Mean pre-test score, both tests (%)", "ពិន្ទុមធ្យមតេស្តមុន អ្នកធ្វើទាំងពីរ (%)"),
    "both_post_mean": ("Mean post-test score, both tests (%)", "ពិន្ទុមធ្យមតេស្តក្រោយ អ្នកធ្វើទាំងពីរ (%)"),
    "mean_gain": ("Mean gain (percentage points)", "កំណើនមធ្យម (ពិន្ទុភាគរយ)"),
    "normalised_gain": ("Normalised gain (Hake's g)", "កំណើនធៀប (Hake's g)"),
    "improved": ("Improved (%)", "បានប្រសើរឡើង (%)"),
    "event_id": ("Event ID", "លេខសម្គាល់ព្រឹត្តិការណ៍"),
    "date": ("Date", "កាលបរិច្ឆេទ"),
    "event": ("Event", "ព្រឹត្តិការណ៍"),
    "target_groups": ("Target groups", "ក្រុមគោលដៅទាំងអស់"),
    "trainers": ("Trainers", "គ្រូបង្គោល"),
    "sessions": ("Sessions", "ចំនួនវគ្គ"),
    "counting": ("Counting", "វិធីរាប់"),
    "participant_id": ("Participant ID", "លេខសម្គាល់អ្នកចូលរួម"),
    "name": ("Name", "ឈ្មោះ"),
    "sex": ("Sex", "ភេទ"),
    "events_attended": ("Events attended", "ព្រឹត្តិការណ៍បានចូលរួម"),
    "sessions_attended": ("Sessions attended", "វគ្គបានចូលរួម"),
    "session": ("Session", "វគ្គ"),
    "start_time": ("Start time", "ម៉ោងចាប់ផ្តើម"),
    "method": ("Method", "វិធីចុះវត្តមាន"),
    "recorded_by": ("Recorded by", "កត់ត្រាដោយ"),
    "sentence": ("Annual report", "របាយការណ៍ប្រចាំឆ្នាំ"),
}

SHEETS = {
    "summary": ("Summary", "សង្ខេប"),
    "by_target_group": ("By target group", "តាមក្រុមគោលដៅ"),
    "by_province": ("By province", "តាមខេត្ត"),
    "by_month": ("By month", "តាមខែ"),
    "by_age_band": ("By age band", "តាមក្រុមអាយុ"),
    "knowledge": ("Knowledge gain", "កំណើនចំណេះដឹង"),
    "events": ("Events", "ព្រឹត្តិការណ៍"),
    "participants": ("Participants", "អ្នកចូលរួម"),
    "attendance": ("Attendance", "វត្តមាន"),
}

TOTAL = ("Total", "សរុប")
NOT_RECORDED = ("Not recorded", "មិនបានកត់ត្រា")
SEX_LABELS = {
    Sex.FEMALE.value: ("Female", "ស្រី"),
    Sex.MALE.value: ("Male", "ប្រុស"),
    Sex.OTHER.value: ("Other or not stated", "ផ្សេងៗ ឬមិនបញ្ជាក់"),
}
AGE_BAND_LABELS = {
    AgeBand.UNDER_15.value: ("Under 15", "ក្រោម 15 ឆ្នាំ"),
    AgeBand.AGE_15_17.value: ("15-17", "15-17 ឆ្នាំ"),
    AgeBand.AGE_18_24.value: ("18-24", "18-24 ឆ្នាំ"),
    AgeBand.AGE_25_34.value: ("25-34", "25-34 ឆ្នាំ"),
    AgeBand.AGE_35_49.value: ("35-49", "35-49 ឆ្នាំ"),
    AgeBand.AGE_50_PLUS.value: ("50+", "50 ឆ្នាំឡើង"),
}
METHOD_LABELS = {
    CheckInMethod.SELF.value: ("Self check-in", "ចុះវត្តមានដោយខ្លួនឯង"),
    CheckInMethod.SCAN.value: ("Staff scan", "បុគ្គលិកស្កេន"),
    CheckInMethod.WALK_IN.value: ("Walk-in entry", "ចុះឈ្មោះនៅកន្លែង"),
    CheckInMethod.IMPORT.value: ("Paper import", "នាំចូលពីក្រដាស"),
}
COUNTING_LABELS = {
    "individual": ("Individual attendance", "វត្តមានផ្ទាល់ខ្លួន"),
    "headcount": ("Headcount", "ការរាប់ចំនួនសរុប"),
    "both": ("Both", "ទាំងពីរ"),
    "none": ("None yet", "មិនទាន់មាន"),
}


def label(pair: tuple[str, str]) -> str:
    """The Khmer or English wording of a fixed label, following the page or export language."""
    english, khmer = pair
    return khmer if current_language() == "km" and khmer else english


# --- Settings -----------------------------------------------------------------


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


# --- Tables ---------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A table column: the key of its header, how its values are formatted, and its width in the workbook.

    Kinds: text, int, percent (a 0-100 value), ratio (Hake's g), date, month.
    """

    key: str
    kind: str = "int"
    width: int = 12

    @property
    def header(self) -> str:
        return label(HEADERS[self.key])


@dataclass
class Table:
    """A report table: rows of values under stable headers, with an optional total row."""

    key: str
    columns: list[Column]
    rows: Iterable[list]
    total: list | None = None
    extra: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return label(SHEETS[self.key if self.key in SHEETS else "summary"])

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


COUNT_COLUMNS = [
    Column("events"), Column("participants", width=13), Column("female", width=10), Column("male", width=10),
    Column("other", width=10), Column("unique_individuals", width=18), Column("individual", width=20),
    Column("headcount", width=12),
]
KNOWLEDGE_COLUMNS = [
    Column("pre_takers", width=15), Column("pre_mean", "percent", 16), Column("post_takers", width=15),
    Column("post_mean", "percent", 16), Column("both", width=15), Column("both_pre_mean", "percent", 20),
    Column("both_post_mean", "percent", 20), Column("mean_gain", "percent", 20),
    Column("normalised_gain", "ratio", 18), Column("improved", "percent", 13),
]


def count_values(counts: Counts) -> list:
    return [counts.events, counts.participants, counts.female, counts.male, counts.other,
            counts.unique_individuals, counts.individual, counts.headcount]


def knowledge_values(item: Knowledge) -> list:
    share = item.improved_share
    return [item.pre_takers, item.pre_mean, item.post_takers, item.post_mean, item.both, item.both_pre_mean,
            item.both_post_mean, item.mean_gain, item.normalised_gain, share * 100 if share is not None else None]


def reference_entries(model) -> list:
    return list(db.session.scalars(select(model).order_by(model.sort_order, model.name_en)))


def _by_entry_table(key: str, dimension: str, model, filters: ReportFilters, total: Counts) -> Table:
    found = {row.key[0]: row for row in metrics.counts(filters, dimension)}
    rows = [[entry.name, *count_values(found[entry.id])] for entry in reference_entries(model) if entry.id in found]
    return Table(key, [Column(dimension, "text", 30), *COUNT_COLUMNS], rows, [label(TOTAL), *count_values(total)],
                 extra={"ids": [entry.id for entry in reference_entries(model) if entry.id in found]})


def event_type_table(filters: ReportFilters, total: Counts) -> Table:
    return _by_entry_table("summary", "event_type", EventType, filters, total)


def target_group_table(filters: ReportFilters, total: Counts) -> Table:
    return _by_entry_table("by_target_group", "target_group", TargetGroup, filters, total)


def province_table(filters: ReportFilters, total: Counts) -> Table:
    return _by_entry_table("by_province", "province", Province, filters, total)


def month_table(filters: ReportFilters, total: Counts) -> Table:
    """All twelve months of the period, in order, empty months included."""
    found = {row.key: row for row in metrics.counts(filters, "month")}
    rows = [[month, *count_values(found.get((month.year, month.month), Counts()))]
            for month in filters.period.months()]
    return Table("by_month", [Column("month", "month", 12), *COUNT_COLUMNS], rows,
                 [label(TOTAL), *count_values(total)])


def age_band_table(filters: ReportFilters, total: Counts) -> Table:
    """Every age band, then "not recorded" (headcounts have no age band)."""
    found = {row.key[0]: row for row in metrics.counts(filters, "age_band")}
    rows = [[label(AGE_BAND_LABELS[band.value]), *count_values(found.get(band.value, Counts()))] for band in AgeBand]
    rows.append([label(NOT_RECORDED), *count_values(found.get(None, Counts()))])
    return Table("by_age_band", [Column("age_band", "text", 20), *COUNT_COLUMNS], rows,
                 [label(TOTAL), *count_values(total)])


def knowledge_table(filters: ReportFilters) -> Table:
    """Knowledge figures per event type, with the overall figures as the total row."""
    by_type, overall = metrics.knowledge_with_overall(filters, "event_type")
    found = {item.key[0]: item for item in by_type}
    entries = [entry for entry in reference_entries(EventType) if entry.id in found]
    rows = [[entry.name, *knowledge_values(found[entry.id])] for entry in entries]
    return Table("knowledge", [Column("event_type", "text", 30), *KNOWLEDGE_COLUMNS], rows,
                 [label(TOTAL), *knowledge_values(overall)],
                 extra={"names": [entry.name for entry in entries],
                        "pre": [found[entry.id].both_pre_mean for entry in entries],
                        "post": [found[entry.id].both_post_mean for entry in entries]})


def counting_of(counts: Counts) -> str:
    """Whether an event was counted by individual attendance, a headcount, both, or not yet."""
    kind = {(True, False): "individual", (False, True): "headcount", (True, True): "both"}.get(
        (counts.individual > 0, counts.headcount > 0), "none")
    return label(COUNTING_LABELS[kind])


EVENT_COLUMNS = [
    Column("event_id", width=10), Column("date", "date", 12), Column("event", "text", 45),
    Column("event_type", "text", 26), Column("province", "text", 18), Column("target_groups", "text", 36),
    Column("trainers", "text", 26), Column("sessions", width=10), Column("counting", "text", 22),
    Column("participants", width=13), Column("female", width=10), Column("male", width=10),
    Column("other", width=10), Column("individual", width=20), Column("headcount", width=12),
    Column("both", width=15), Column("both_pre_mean", "percent", 20), Column("both_post_mean", "percent", 20),
    Column("mean_gain", "percent", 20),
]


def events_table(filters: ReportFilters) -> Table:
    """One row per counted event with its counts, how they were counted, and its knowledge figures."""
    found = {row.key[0]: row for row in metrics.counts(filters, "event", unique=False)}
    scores = {item.key[0]: item for item in metrics.knowledge(filters, "event")}
    session_counts = metrics.event_session_counts(filters)
    events = db.session.scalars(metrics.counted_events_query(filters).options(
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
    return Table("events", EVENT_COLUMNS, rows)


PARTICIPANT_COLUMNS = [
    Column("participant_id", width=14), Column("name", "text", 28), Column("sex", "text", 18),
    Column("age_band", "text", 12), Column("target_group", "text", 26), Column("province", "text", 18),
    Column("events_attended", width=16), Column("sessions_attended", width=17),
]


def _names(model) -> dict[int, str]:
    return {entry.id: entry.name for entry in reference_entries(model)}


def participants_table(filters: ReportFilters) -> Table:
    """One row per participant with attendance in the period (minimal fields; managers and admins only)."""
    groups, provinces = _names(TargetGroup), _names(Province)

    def rows() -> Iterator[list]:
        for row in metrics.participant_rows(filters):
            person_id, name, sex, age_band, group_id, province_id, events, sessions = row
            yield [person_id, name, label(SEX_LABELS[_value(sex)]), label(AGE_BAND_LABELS[_value(age_band)]),
                   groups.get(group_id, ""), provinces.get(province_id, ""), events, sessions]

    return Table("participants", PARTICIPANT_COLUMNS, rows())


ATTENDANCE_COLUMNS = [
    Column("date", "date", 12), Column("event_id", width=10), Column("event", "text", 40),
    Column("event_type", "text", 26), Column("province", "text", 18), Column("session", width=9),
    Column("start_time", "text", 11), Column("participant_id", width=14), Column("sex", "text", 18),
    Column("age_band", "text", 12), Column("target_group", "text", 26), Column("method", "text", 20),
    Column("recorded_by", "text", 22),
]


def attendance_table(filters: ReportFilters) -> Table:
    """Every attendance in the period, one row per participant and session, streamed from the database."""
    types, groups, provinces = _names(EventType), _names(TargetGroup), _names(Province)
    methods = {key: label(pair) for key, pair in METHOD_LABELS.items()}
    sexes = {key: label(pair) for key, pair in SEX_LABELS.items()}
    bands = {key: label(pair) for key, pair in AGE_BAND_LABELS.items()}

    def rows() -> Iterator[list]:
        for row in metrics.attendance_rows(filters):
            (starts_at, _ends_at, number, event_id, title, type_id, province_id, person_id, sex, age_band,
             group_id, method, recorded_by) = row
            local_start = to_local(starts_at)
            yield [local_start.date(), event_id, title, types.get(type_id, ""), provinces.get(province_id, ""),
                   int(number), local_start.strftime("%H:%M"), person_id, sexes[_value(sex)],
                   bands[_value(age_band)], groups.get(group_id, ""), methods[_value(method)], recorded_by or ""]

    return Table("attendance", ATTENDANCE_COLUMNS, rows())


def _value(member) -> str:
    return getattr(member, "value", member)


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

    The counted events are worked out once (``metrics.shared_counts``); every
    table is grouped from their pairs in the ``event_participants`` summary.
    """
    with metrics.shared_counts(filters):
        total = metrics.totals(filters)
        tables = {key: builder(filters, total) for key, builder in TABLE_BUILDERS.items()}
        unique_by_sex = metrics.unique_individuals_by_sex(filters)
        month_by_type = metrics.counts(filters, "month", "event_type", unique=False)
    tables["knowledge"] = knowledge_table(filters)
    return Report(filters, total, unique_by_sex, annual_report_sentences(filters, tables["summary"]), tables,
                  month_by_type)


def build_table(key: str, filters: ReportFilters) -> Table:
    """One table, by its csv key."""
    if key in TABLE_BUILDERS:
        with metrics.shared_counts(filters):
            return TABLE_BUILDERS[key](filters, metrics.totals(filters))
    return {"knowledge": knowledge_table, "events": events_table, "participants": participants_table}[key](filters)


# --- The annual-report sentences ---------------------------------------------------


def _number(value: int) -> str:
    return format_decimal(value)


def event_type_phrase(entry: EventType, number: int) -> str:
    """"7 awareness raising events", in the report's own words for the standard event types."""
    num = _number(number)
    phrases = {
        "awareness": lambda: ngettext("%(count)s awareness raising event", "%(count)s awareness raising events",
                                      number, count=num),
        "training": lambda: ngettext("%(count)s training activity", "%(count)s training activities", number, count=num),
        "workshop": lambda: ngettext("%(count)s workshop", "%(count)s workshops", number, count=num),
        "informant": lambda: ngettext("%(count)s informant discussion", "%(count)s informant discussions",
                                      number, count=num),
        "online_safety": lambda: ngettext("%(count)s online safety session", "%(count)s online safety sessions",
                                          number, count=num),
    }
    if entry.code in phrases:
        return phrases[entry.code]()
    return ngettext("%(count)s event of the type “%(name)s”", "%(count)s events of the type “%(name)s”",
                    number, count=num, name=entry.name)


def join_phrases(phrases: list[str]) -> str:
    if len(phrases) == 1:
        return phrases[0]
    return _("%(list)s and %(last)s", list=", ".join(phrases[:-1]), last=phrases[-1])


def annual_report_sentences(filters: ReportFilters, by_type: Table) -> list[str]:
    """The annual-report sentences of the period, generated from the table by event type.

    "In 2015, 1,066 participants attended 7 awareness raising events, ..." over
    the NGO's own events, and "Invited to be a guest speaker at 10
    government-led events with 377 participants." for guest speaking.
    """
    entries = {entry.id: entry for entry in reference_entries(EventType)}
    own_events = own_participants = 0
    phrases, sentences = [], []
    guest = None
    for type_id, row in zip(by_type.extra["ids"], by_type.rows):
        entry, events, participants = entries[type_id], row[1], row[2]
        if entry.code == metrics.GUEST_SPEAKER_TYPE:
            guest = (events, participants)
            continue
        own_events += events
        own_participants += participants
        if events:
            phrases.append(event_type_phrase(entry, events))
    period = period_label(filters.period)
    if phrases:
        sentences.append(ngettext(
            "In %(period)s, %(count)s participant attended %(events)s.",
            "In %(period)s, %(count)s participants attended %(events)s.",
            own_participants, count=_number(own_participants), period=period, events=join_phrases(phrases),
        ))
    if guest and guest[0]:
        sentences.append(ngettext(
            "Invited to be a guest speaker at %(count)s government-led event with %(participants)s participants.",
            "Invited to be a guest speaker at %(count)s government-led events with %(participants)s participants.",
            guest[0], count=_number(guest[0]), participants=_number(guest[1]),
        ))
    if not sentences:
        sentences.append(_("In %(period)s, no events were recorded.", period=period))
    return sentences


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
    knowledge = report.table("knowledge").extra
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
                {"label": label(SEX_LABELS[sex]), "data": [row[position] for row in by_group.rows]}
                for sex, position in (("female", 3), ("male", 4), ("other", 5))
            ],
        },
        "knowledge": {
            "labels": knowledge["names"],
            "datasets": [
                {"label": label(HEADERS["pre_mean"]), "data": [_rounded(value) for value in knowledge["pre"]]},
                {"label": label(HEADERS["post_mean"]), "data": [_rounded(value) for value in knowledge["post"]]},
            ],
        },
    }


def _rounded(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None
