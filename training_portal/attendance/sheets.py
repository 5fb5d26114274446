"""Spreadsheets: the paper sign-in sheet (template and upload) and the attendance download's table.

The sign-in sheet is bilingual by design (it is printed and filled in by
hand at the venue, whoever reads it), so its headers and drop-down values
carry both the English and the Khmer wording. Columns are found by header
name, never by position. All functions here are pure: bytes in, data out,
or data in, bytes or a table out (written by ``spreadsheets``).
"""

import hashlib
import io
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..labels import AGE_BAND_LABELS, METHOD_LABELS, SEX_LABELS
from ..spreadsheets import Column, Table, TooManyRows, open_uploaded_workbook, style_header_row
from ..timeutil import to_local
from .models import AgeBand, Sex
from .services import ParticipantFields, PhoneError, normalise_phone

MAX_SHEET_BYTES = 2 * 1024 * 1024
MAX_SHEET_ROWS = 1000
TEMPLATE_ROWS = MAX_SHEET_ROWS  # the drop-downs cover every row an upload accepts
HEADER_SEARCH_ROWS = 15

# (key, English, Khmer, column width)
SHEET_COLUMNS = [
    ("name", "Name", "ឈ្មោះ", 28),
    ("sex", "Sex", "ភេទ", 22),
    ("age_band", "Age band", "ក្រុមអាយុ", 20),
    ("target_group", "Target group", "ក្រុមគោលដៅ", 30),
    ("phone", "Phone", "លេខទូរស័ព្ទ", 16),
    ("organisation", "Organisation", "ស្ថាប័ន", 22),
    ("province", "Province", "ខេត្ត", 24),
    ("signature", "Signature", "ហត្ថលេខា", 18),
]
REQUIRED_COLUMNS = ("sex", "age_band", "target_group")
SEX_WORDS = {
    Sex.FEMALE: ("Female", "ស្រី", ("f", "woman", "girl", "នារី")),
    Sex.MALE: ("Male", "ប្រុស", ("m", "man", "boy", "បុរស")),
    # What people write on paper when they do not say: a cross, a dash, "other" or "not stated" in either language.
    Sex.OTHER: ("Other or not stated", "ផ្សេងទៀត ឬមិនបញ្ជាក់", (
        "o", "x", "-", "–", "other", "not stated", "ផ្សេង", "ផ្សេងៗ", "ផ្សេងទៀត", "ផ្សេងទៀត ឬមិនបញ្ជាក់", "មិនបញ្ជាក់",
        "មិនប្រាប់")),
}
AGE_WORDS = {
    AgeBand.UNDER_15: ("Under 15", "ក្រោម ១៥ ឆ្នាំ", (0, 14)),
    AgeBand.AGE_15_17: ("15-17", "១៥-១៧ ឆ្នាំ", (15, 17)),
    AgeBand.AGE_18_24: ("18-24", "១៨-២៤ ឆ្នាំ", (18, 24)),
    AgeBand.AGE_25_34: ("25-34", "២៥-៣៤ ឆ្នាំ", (25, 34)),
    AgeBand.AGE_35_49: ("35-49", "៣៥-៤៩ ឆ្នាំ", (35, 49)),
    AgeBand.AGE_50_PLUS: ("50+", "៥០ ឆ្នាំឡើង", (50, 120)),
}
SHEET_TITLE = ("Sign-in sheet", "បញ្ជីចុះឈ្មោះអ្នកចូលរួម")
SHEET_INSTRUCTIONS = (
    "One person per row. Sex, age band and target group are required; choose them from the lists.",
    "ម្នាក់មួយជួរ។ ភេទ ក្រុមអាយុ និងក្រុមគោលដៅ ត្រូវតែបំពេញ ដោយជ្រើសរើសពីបញ្ជី។",
)
ABOUT_SHEET = "About"
LISTS_SHEET = "Lists"

PROBLEMS = {
    "required": _l("This field is required."),
    "unknown_sex": _l("Write f or female, m or male, and x, o, - or other when not stated (or these words in Khmer)."),
    "unknown_age_band": _l("Choose an age band from the list (or write the age in years)."),
    "unknown_target_group": _l("Unknown target group: choose one from the list."),
    "unknown_province": _l("Unknown province: choose one from the list."),
    "bad_phone": _l("This is not a phone number."),
    "too_long": _l("Too long (at most %(max)s characters).", max=120),
}
FILE_PROBLEMS = {
    "too_large": _l("The file is larger than 2 MB. Split the sheet and upload the parts."),
    "not_xlsx": _l("This file is not an Excel workbook (.xlsx). Download the template and fill it in."),
    "no_header": _l("No header row found: the sheet needs the columns Sex, Age band and Target group."),
    "too_many_rows": _l("The sheet has more than 1,000 rows. Split it and upload the parts."),
    "other_session": _l("This sheet was downloaded for another session. Upload it on that session's page."),
    "empty": _l("The sheet has no filled-in rows."),
}


def bilingual(english: str, khmer: str) -> str:
    return f"{english} / {khmer}"


def fold(value) -> str:
    """Compare text by content: case, surrounding and repeated spaces ignored."""
    return re.sub(r"\s+", " ", str(value if value is not None else "")).strip().casefold()


@dataclass
class SheetContext:
    """What the sheet needs to know about its session and the reference lists."""

    session_id: int
    title: str
    when: str
    code: str
    target_groups: list  # [(id, English, Khmer, code)] offered in the drop-down
    all_target_groups: list  # the same for every group accepted on upload
    provinces: list  # [(id, English, Khmer, code)]
    default_province_id: int | None


@dataclass
class SheetRow:
    row: int
    fields: dict
    occurrence: int = 0
    repeat_of: int | None = None  # the earlier row of the sheet with the same content or phone number

    def participant_fields(self) -> ParticipantFields:
        return ParticipantFields(**self.fields)

    def content_key(self) -> tuple:
        f = self.fields
        return (fold(f["name"]), f["sex"], f["age_band"], f["target_group_id"], f["phone"] or "",
                fold(f["organisation"]), f["province_id"] or 0)

    def import_key(self, session_id: int) -> str:
        """Deterministic idempotency key: the same row of the same sheet is recognised again.

        Identical rows (e.g. anonymous people with the same sex, age band and
        group) are told apart by their occurrence number in the sheet.
        """
        content = "\x1f".join(str(part) for part in self.content_key())
        return hashlib.sha256(f"sheet:{session_id}:{self.occurrence}:{content}".encode()).hexdigest()


@dataclass
class RowProblem:
    row: int
    column: str
    reason: str
    value: str = ""


@dataclass
class ParsedSheet:
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    error: str | None = None

    def payload(self) -> list[dict]:
        return [asdict(row) for row in self.rows]


def rows_from_payload(payload: list[dict]) -> list[SheetRow]:
    return [SheetRow(**item) for item in payload]


# Template


def template_xlsx(context: SheetContext) -> bytes:
    """The sign-in sheet for a session, with drop-down lists, as xlsx bytes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sign-in"
    sheet["A1"] = f"{bilingual(*SHEET_TITLE)}: {context.title}"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = f"{context.when} · {context.code}"
    sheet["A3"] = SHEET_INSTRUCTIONS[0]
    sheet["A4"] = SHEET_INSTRUCTIONS[1]
    header_row = 6
    for index, (_key, english, khmer, width) in enumerate(SHEET_COLUMNS, start=1):
        cell = sheet.cell(row=header_row, column=index, value=bilingual(english, khmer))
        cell.fill = PatternFill("solid", fgColor="DDEEEE")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = width
    style_header_row(sheet, header_row)

    lists = workbook.create_sheet(LISTS_SHEET)
    columns = {
        "sex": [bilingual(en, km) for en, km, _ in SEX_WORDS.values()],
        "age_band": [bilingual(en, km) for en, km, _ in AGE_WORDS.values()],
        "target_group": [bilingual(en, km or en) for _id, en, km, _code in context.target_groups],
        "province": [bilingual(en, km or en) for _id, en, km, _code in context.provinces],
    }
    first_data, last_data = header_row + 1, header_row + TEMPLATE_ROWS
    keys = [key for key, *_ in SHEET_COLUMNS]
    for list_index, (key, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(list_index)
        for row, value in enumerate(values, start=1):
            lists.cell(row=row, column=list_index, value=value)
        if not values:
            continue
        validation = DataValidation(
            type="list", formula1=f"={LISTS_SHEET}!${letter}$1:${letter}${len(values)}", allow_blank=True,
            showErrorMessage=key != "province",
        )
        column = get_column_letter(keys.index(key) + 1)
        validation.add(f"{column}{first_data}:{column}{last_data}")
        sheet.add_data_validation(validation)
    lists.sheet_state = "hidden"

    about = workbook.create_sheet(ABOUT_SHEET)
    about.append(["session_id", context.session_id])
    about.append(["code", context.code])
    about.sheet_state = "hidden"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Upload


def parse_sheet(data: bytes, context: SheetContext) -> ParsedSheet:
    """Read a filled sign-in sheet: valid rows, and each bad row's number, column and reason.

    Refuses (``error``) anything that is not a real xlsx workbook within the
    size and row limits. Reads nothing into the database.
    """
    if len(data) > MAX_SHEET_BYTES:
        return ParsedSheet(error="too_large")
    try:
        workbook = open_uploaded_workbook(data)
    except TooManyRows:
        return ParsedSheet(error="too_many_rows")
    if workbook is None:
        return ParsedSheet(error="not_xlsx")
    try:
        if ABOUT_SHEET in workbook.sheetnames:
            about = {row[0]: row[1] for row in workbook[ABOUT_SHEET].iter_rows(max_col=2, values_only=True) if row and row[0]}
            if about.get("session_id") not in (None, context.session_id):
                return ParsedSheet(error="other_session")
        sheet = workbook[workbook.sheetnames[0]]
        if (sheet.max_row or 0) > MAX_SHEET_ROWS + HEADER_SEARCH_ROWS + 50:
            return ParsedSheet(error="too_many_rows")
        rows = sheet.iter_rows(values_only=True)
        return parse_rows(rows, context)
    finally:
        workbook.close()


def header_columns(values) -> dict[str, int]:
    """{column key: index} for a row whose cells are our headers (English, Khmer or both)."""
    found = {}
    for index, value in enumerate(values):
        text = fold(value)
        if not text:
            continue
        parts = {text, *(fold(part) for part in text.split("/"))}
        for key, english, khmer, _width in SHEET_COLUMNS:
            if key not in found and parts & {fold(english), fold(khmer), key}:
                found[key] = index
    return found


def parse_rows(rows, context: SheetContext) -> ParsedSheet:
    result = ParsedSheet()
    columns = None
    seen: dict[tuple, int] = {}
    first_rows: dict[tuple, int] = {}
    data_rows = 0
    for number, values in enumerate(rows, start=1):
        values = list(values or ())
        if columns is None:
            if number > HEADER_SEARCH_ROWS:
                break
            found = header_columns(values)
            if all(key in found for key in REQUIRED_COLUMNS):
                columns = found
            continue
        cells = {key: (values[index] if index < len(values) else None) for key, index in columns.items()}
        if all(fold(cells.get(key)) == "" for key, *_ in SHEET_COLUMNS if key != "signature"):
            continue
        data_rows += 1
        if data_rows > MAX_SHEET_ROWS:
            return ParsedSheet(error="too_many_rows")
        row, problems = parse_row(number, cells, context)
        if problems:
            result.problems.extend(problems)
            continue
        content = row.content_key()
        row.occurrence = seen.get(content, 0)
        seen[content] = row.occurrence + 1
        earlier = first_rows.setdefault(content, row.row)
        if row.fields["phone"]:
            earlier = min(earlier, first_rows.setdefault(("phone", row.fields["phone"]), row.row))
        row.repeat_of = earlier if earlier != row.row else None
        result.rows.append(row)
    if columns is None:
        return ParsedSheet(error="no_header")
    if not result.rows and not result.problems:
        return ParsedSheet(error="empty")
    return result


def header_label(key: str) -> str:
    for column_key, english, khmer, _width in SHEET_COLUMNS:
        if column_key == key:
            return bilingual(english, khmer)
    return key


def match_choice(value, choices: dict) -> object | None:
    text = fold(value)
    parts = {text, *(fold(part) for part in text.split(" / "))}
    for choice, words in choices.items():
        if parts & words:
            return choice
    return None


def sex_of(value) -> Sex | None:
    words = {sex: {fold(en), fold(km), fold(bilingual(en, km)), sex.value, *map(fold, extra)}
             for sex, (en, km, extra) in SEX_WORDS.items()}
    return match_choice(value, words)


def age_band_of(value) -> AgeBand | None:
    number = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is not None:
        for band, (_en, _km, (low, high)) in AGE_WORDS.items():
            if low <= number <= high:
                return band
        return None
    words = {band: {fold(en), fold(km), fold(bilingual(en, km)), band.value, fold(en.replace("-", "–"))}
             for band, (en, km, _range) in AGE_WORDS.items()}
    return match_choice(value, words)


def entry_of(value, entries: list) -> int | None:
    words = {entry_id: {fold(en), fold(km), fold(code), fold(bilingual(en, km or en))} - {""}
             for entry_id, en, km, code in entries}
    return match_choice(value, words)


def text_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.isoformat()
    return re.sub(r"\s+", " ", str(value)).strip()


def parse_row(number: int, cells: dict, context: SheetContext) -> tuple[SheetRow | None, list[RowProblem]]:
    problems = []

    def problem(key, reason):
        problems.append(RowProblem(number, header_label(key), reason, text_cell(cells.get(key))[:60]))

    name = text_cell(cells.get("name"))
    organisation = text_cell(cells.get("organisation"))
    for key, value in (("name", name), ("organisation", organisation)):
        if len(value) > 120:
            problem(key, "too_long")
    sex = age_band = group_id = None
    if not text_cell(cells.get("sex")):
        problem("sex", "required")
    elif (sex := sex_of(cells.get("sex"))) is None:
        problem("sex", "unknown_sex")
    if not text_cell(cells.get("age_band")):
        problem("age_band", "required")
    elif (age_band := age_band_of(cells.get("age_band"))) is None:
        problem("age_band", "unknown_age_band")
    if not text_cell(cells.get("target_group")):
        problem("target_group", "required")
    elif (group_id := entry_of(cells.get("target_group"), context.all_target_groups)) is None:
        problem("target_group", "unknown_target_group")
    province_id = context.default_province_id
    if text_cell(cells.get("province")):
        province_id = entry_of(cells.get("province"), context.provinces)
        if province_id is None:
            problem("province", "unknown_province")
    phone = None
    try:
        phone = normalise_phone(text_cell(cells.get("phone")))
    except PhoneError:
        problem("phone", "bad_phone")
    if problems:
        return None, problems
    fields = {
        "name": name, "sex": sex.value, "age_band": age_band.value, "target_group_id": group_id,
        "phone": phone, "organisation": organisation, "province_id": province_id,
    }
    return SheetRow(number, fields), []


# Download


def attendance_table(attendances: list, headcounts: list) -> Table:
    """The event's attendance: one row per check-in, then one per headcount tally.

    The first column says which kind of record a row is, as the metrics
    definitions ask. Times are in the configured time zone.
    """
    columns = [
        Column(_("Record"), width=12), Column(_("Session"), "datetime", 17), Column(_("Checked in at"), "datetime", 17),
        Column(_("Name"), width=24), Column(_("Sex"), width=18), Column(_("Age band"), width=12),
        Column(_("Target group"), width=24), Column(_("Province"), width=16), Column(_("Phone"), width=14),
        Column(_("Organisation"), width=20), Column(_("Method"), width=16), Column(_("Recorded by"), width=18),
        Column(_("Count"), "int", 8),
    ]
    sexes, bands, methods = (
        {key: str(text) for key, text in labels.items()} for labels in (SEX_LABELS, AGE_BAND_LABELS, METHOD_LABELS))
    rows = []
    for attendance in attendances:
        participant = attendance.participant
        rows.append([
            _("individual"), _local(attendance.session.starts_at), _local(attendance.checked_in_at), participant.name,
            sexes[participant.sex], bands[participant.age_band], participant.target_group.name,
            participant.province.name if participant.province else "", participant.phone or "",
            participant.organisation, methods[attendance.method],
            attendance.recorded_by.name if attendance.recorded_by else "", 1,
        ])
    for tally in headcounts:
        rows.append([_("headcount"), None, None, "", sexes[tally.sex], _("not recorded"), tally.target_group.name,
                     "", "", "", "", "", tally.count])
    return Table(_("Attendance"), columns, rows)


def _local(moment: datetime) -> datetime:
    """A stored UTC time as the local wall-clock time a spreadsheet shows."""
    return to_local(moment).replace(tzinfo=None)
