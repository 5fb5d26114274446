"""Spreadsheets: the safety of every upload, and the one xlsx and the one csv writer of every download.

Uploads: only a real xlsx (a zip with a workbook part) whose unpacked size and
sheet sizes are bounded, so that a renamed file, a zip bomb or a sheet of a
million blank rows is refused before parsing.

Downloads are built by the features as ``Table`` data (a title, columns with
their header, kind and width, rows and an optional total row) and written here:

- xlsx (``xlsx_chunks``): one sheet per table, with a bold frozen header
  row, column widths, and number formats by kind; dates and times are real
  spreadsheet dates (``yyyy-mm-dd``, ``yyyy-mm-dd hh:mm``). Every text is an
  inline string cell, which a spreadsheet never evaluates, so a text starting
  with = + - @ or a tab stays text exactly as typed; control characters that
  xlsx forbids are removed. The zip is written by stream-zip as the rows
  come, so that the first bytes go out at once and a million rows never sit
  in memory (docs/performance.md, "The attendance download's xlsx writer").
  The yearly workbook, which has native charts, is the one xlsx written with
  openpyxl (reports/exports.py), from the same tables.
- csv (``csv_chunks``): UTF-8 with a byte-order mark (so that Excel reads
  Khmer), ISO dates and times; csv has no cell types, so a text starting with
  = + - @, a tab or a carriage return is prefixed with a single quote ('),
  as OWASP recommends.
"""

import csv
import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries
from stream_zip import ZIP_32, stream_zip

from .templating import round_half_up

XLSX_MAGIC = b"PK\x03\x04"
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
# Far above any sign-in sheet (1,000 people) or question file (200 questions), far below what holds a worker.
MAX_UPLOAD_ROWS = 5000
MAX_UPLOAD_CELLS = 200_000
# A cell starting with one of these may be run as a formula by a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class TooManyRows(Exception):
    """An uploaded workbook whose sheet declares or holds more rows or cells than any upload needs."""


def open_uploaded_workbook(data: bytes):
    """A read-only openpyxl workbook, or None when the bytes are not a sane xlsx.

    Raises TooManyRows, before anything is parsed, for a sheet larger than MAX_UPLOAD_ROWS rows or
    MAX_UPLOAD_CELLS cells: openpyxl pads every row to the declared width and fills every missing row,
    so a small file that declares A1:Z1048576, or holds a row numbered 1048576, would hold a worker
    for many seconds.
    """
    if not data.startswith(XLSX_MAGIC):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                return None
            if "xl/workbook.xml" not in archive.namelist():
                return None
            for info in archive.infolist():
                check_sheet_size(archive, info)
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except TooManyRows:
        raise
    except Exception:  # any malformed archive or XML is "not an xlsx"
        return None


def check_sheet_size(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Raise TooManyRows when this part of the archive is a worksheet larger than an upload may be.

    Any part may be a worksheet (the workbook's relations name them), so each is streamed: left at its
    first element when that is no worksheet, refused as soon as its declared dimension, its highest row
    number or its number of rows, times its widest row, passes the limits.
    """
    with archive.open(info) as stream:
        parts = ElementTree.iterparse(stream, events=("start", "end"))
        try:
            _, root = next(parts)
            if local_name(root) != "worksheet":
                return
            rows = columns = column = 0
            for event, element in parts:
                name = local_name(element)
                if event == "end":
                    if name == "row":
                        element.clear()  # its cells were counted
                    continue
                if name == "dimension":
                    _, _, last_column, last_row = range_boundaries(element.get("ref", "A1"))
                    rows, columns = max(rows, last_row or 0), max(columns, last_column or 0)
                elif name == "row":
                    rows, column = max(rows + 1, int(element.get("r") or 0)), 0
                elif name == "c":
                    reference = element.get("r")
                    column = column_index_from_string(coordinate_from_string(reference)[0]) if reference else column + 1
                    columns = max(columns, column)
                if rows > MAX_UPLOAD_ROWS or rows * columns > MAX_UPLOAD_CELLS:
                    raise TooManyRows()
        except ElementTree.ParseError:
            return  # not XML: openpyxl refuses it, or never reads it


def local_name(element) -> str:
    return element.tag.rpartition("}")[2]


def clean_text(text: str) -> str:
    """The text without the control characters that xlsx cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def csv_text(text: str) -> str:
    """Text for a csv cell: cleaned, and prefixed with ' when a spreadsheet could run it as a formula."""
    text = clean_text(text)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


# --- Tables ------------------------------------------------------------------------------

# Kinds of column and their number formats; "text" columns have none.
NUMBER_FORMATS = {"int": "#,##0", "percent": "0.0", "ratio": "0.00", "date": "yyyy-mm-dd",
                  "datetime": "yyyy-mm-dd hh:mm", "month": "yyyy-mm", "points": "+0.0;-0.0;0.0"}
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv"  # the response adds "; charset=utf-8"
BOM = "\ufeff"
INVALID_SHEET_CHARACTERS = str.maketrans({character: " " for character in "[]:*?/\\"})
# Bold with its font named: without a name, LibreOffice falls back to a serif font.
BOLD_FONT = Font(name="Calibri", bold=True)


@dataclass(frozen=True)
class Column:
    """A column: its header, the kind of its values (text or a key of NUMBER_FORMATS) and its width."""

    header: str
    kind: str = "text"
    width: int = 12
    key: str = ""  # a stable name for code that picks columns (the header is translated)


@dataclass(frozen=True)
class Value:
    """A value of another kind than its column's, e.g. a percentage among the counts of a column of figures."""

    value: object
    kind: str


@dataclass
class Table:
    """Data of one sheet or csv file: rows of values under the columns' headers, and an optional total row."""

    title: str
    columns: list[Column]
    rows: Iterable[list]
    total: list | None = None

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


def style_header_row(sheet, row: int = 1) -> None:
    """For the templates built with openpyxl: the header row bold, and frozen with the rows above it."""
    for cell in sheet[row]:
        cell.font = BOLD_FONT
    sheet.freeze_panes = sheet.cell(row=row + 1, column=1)


def sheet_title(title: str) -> str:
    """A valid sheet title: at most 31 characters, none of those a title cannot hold."""
    return clean_text(title).translate(INVALID_SHEET_CHARACTERS).strip()[:31] or "Sheet"


# --- csv -----------------------------------------------------------------------------------

CSV_FLUSH_ROWS = 500
CSV_DECIMALS = {"percent": 1, "points": 1, "ratio": 2}  # as the workbook's number formats show them


def csv_value(value, kind: str = "text") -> str:
    """A value as csv text: ISO dates and times, the workbook's decimals, formula-safe text."""
    if isinstance(value, Value):
        value, kind = value.value, value.kind
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m") if kind == "month" else value.isoformat()
    if kind in CSV_DECIMALS and isinstance(value, float):
        return str(round_half_up(value, CSV_DECIMALS[kind]))
    return csv_text(value if isinstance(value, str) else str(value))


def csv_chunks(table: Table, bom: bool = True) -> Iterator[str]:
    """The table as csv text: the byte-order mark and the headers, then chunks of a few hundred rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        buffer.write(BOM)
    writer.writerow([csv_text(header) for header in table.headers])
    yield buffer.getvalue()  # before the first row is read
    buffer.seek(0)
    buffer.truncate()
    kinds = [column.kind for column in table.columns]
    for number, row in enumerate(_with_total(table), 1):
        writer.writerow([csv_value(value, kind) for value, kind in zip(row, kinds)])
        if number % CSV_FLUSH_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_bytes(table: Table) -> Iterator[bytes]:
    return (chunk.encode("utf-8") for chunk in csv_chunks(table))


def _with_total(table: Table) -> Iterator[list]:
    yield from table.rows
    if table.total is not None:
        yield table.total


# --- xlsx ----------------------------------------------------------------------------------

ROWS_PER_CHUNK = 500
EXCEL_EPOCH = date(1899, 12, 30).toordinal()
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCUMENT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
# Styles (cellXfs): 0 plain, 1 bold, then each number format plain and bold.
FORMAT_IDS = {"int": 3, "percent": 164, "ratio": 165, "date": 166, "datetime": 167, "month": 168, "points": 169}
PLAIN_STYLE = {kind: 2 + 2 * index for index, kind in enumerate(FORMAT_IDS)}
BOLD = 1
COMPRESS_LEVEL = 4  # deflate: a little larger than level 6, about twice as fast


def xlsx_chunks(*tables: Table) -> Iterator[bytes]:
    """A workbook with one sheet per table, as a stream of bytes."""
    now = datetime.now()
    titles = _unique_titles(tables)
    parts = [
        ("[Content_Types].xml", _content_types(len(tables))),
        ("_rels/.rels", _relationships([("officeDocument", "xl/workbook.xml")], DOCUMENT_NS)),
        ("xl/workbook.xml", _workbook(titles)),
        ("xl/_rels/workbook.xml.rels", _relationships(
            [*(("worksheet", f"worksheets/sheet{number}.xml") for number in range(1, len(tables) + 1)),
             ("styles", "styles.xml")], DOCUMENT_NS)),
        ("xl/styles.xml", _styles()),
    ]
    members = [(name, now, 0o600, ZIP_32, [text.encode()]) for name, text in parts]
    members += [(f"xl/worksheets/sheet{number}.xml", now, 0o600, ZIP_32, _sheet(table))
                for number, table in enumerate(tables, 1)]
    return stream_zip(members, get_compressobj=_compressor)


def write_xlsx(output, *tables: Table) -> None:
    """The workbook of ``xlsx_chunks`` written to a binary file object."""
    for chunk in xlsx_chunks(*tables):
        output.write(chunk)


def _compressor():
    return zlib.compressobj(level=COMPRESS_LEVEL, wbits=-zlib.MAX_WBITS)


def _unique_titles(tables) -> list[str]:
    titles = []
    for table in tables:
        title, number = sheet_title(table.title), 1
        while title.casefold() in (taken.casefold() for taken in titles):
            number += 1
            title = f"{sheet_title(table.title)[:28]} {number}"
        titles.append(title)
    return titles


def _content_types(sheets: int) -> str:
    overrides = [("/xl/workbook.xml", f"{OFFICE_TYPE}.sheet.main+xml"), ("/xl/styles.xml", f"{OFFICE_TYPE}.styles+xml")]
    overrides += [(f"/xl/worksheets/sheet{number}.xml", f"{OFFICE_TYPE}.worksheet+xml")
                  for number in range(1, sheets + 1)]
    return (f'{XML_HEAD}<Types xmlns="{TYPES_NS}">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides)
            + "</Types>")


def _relationships(targets: list[tuple[str, str]], namespace: str) -> str:
    return (f'{XML_HEAD}<Relationships xmlns="{RELS_NS}">'
            + "".join(f'<Relationship Id="rId{number}" Type="{namespace}/{kind}" Target="{target}"/>'
                      for number, (kind, target) in enumerate(targets, 1))
            + "</Relationships>")


def _workbook(titles: list[str]) -> str:
    sheets = "".join(f'<sheet name={quoteattr(title)} sheetId="{number}" r:id="rId{number}"/>'
                     for number, title in enumerate(titles, 1))
    return f'{XML_HEAD}<workbook xmlns="{MAIN_NS}" xmlns:r="{DOCUMENT_NS}"><sheets>{sheets}</sheets></workbook>'


def _styles() -> str:
    custom = "".join(f'<numFmt numFmtId="{FORMAT_IDS[kind]}" formatCode="{NUMBER_FORMATS[kind]}"/>'
                     for kind in FORMAT_IDS if FORMAT_IDS[kind] >= 164)
    formats = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
               '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>']
    for number in FORMAT_IDS.values():
        formats.append(f'<xf numFmtId="{number}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>')
        formats.append(f'<xf numFmtId="{number}" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
                       'applyFont="1"/>')
    return (f'{XML_HEAD}<styleSheet xmlns="{MAIN_NS}">'
            f'<numFmts count="{custom.count("<numFmt ")}">{custom}</numFmts>'
            '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
            '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(formats)}">{"".join(formats)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def _sheet(table: Table) -> Iterator[bytes]:
    """A worksheet's XML, a few hundred rows at a time."""
    widths = "".join(f'<col min="{index}" max="{index}" width="{max(column.width, len(column.header) + 2)}" '
                     'customWidth="1"/>' for index, column in enumerate(table.columns, 1))
    letters = [get_column_letter(index) for index in range(1, len(table.columns) + 1)]
    kinds = [column.kind for column in table.columns]
    header = "".join(_cell(f"{letter}1", text, "text", True) for letter, text in zip(letters, table.headers))
    yield (f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}"><sheetViews><sheetView workbookViewId="0">'
           '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
           '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
           f'<sheetFormatPr defaultRowHeight="15"/><cols>{widths}</cols><sheetData>'
           f'<row r="1">{header}</row>').encode()
    parts = []
    number = 1
    for row in table.rows:
        number += 1
        parts.append(f'<row r="{number}">')
        parts.extend([_cell(f"{letter}{number}", value, kind, False)
                      for letter, value, kind in zip(letters, row, kinds) if value is not None])
        parts.append("</row>")
        if number % ROWS_PER_CHUNK == 0:
            yield "".join(parts).encode()
            parts.clear()
    if table.total is not None:
        number += 1
        cells = "".join(_cell(f"{letter}{number}", value, kind, True)
                        for letter, value, kind in zip(letters, table.total, kinds) if value is not None)
        parts.append(f'<row r="{number}">{cells}</row>')
    parts.append("</sheetData></worksheet>")
    yield "".join(parts).encode()


def _cell(reference: str, value, kind: str, bold: bool) -> str:
    """One cell: text as an inline string (never a formula), numbers and dates with their kind's format."""
    if isinstance(value, Value):
        if value.value is None:
            return ""
        value, kind = value.value, value.kind
    if isinstance(value, str):
        text = escape(clean_text(value), {"\r": "&#13;"})
        style = f' s="{BOLD}"' if bold else ""
        return f'<c r="{reference}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if isinstance(value, datetime):
        number = (value.toordinal() - EXCEL_EPOCH
                  + (value.hour * 3600 + value.minute * 60 + value.second) / 86400)
        kind = "datetime" if kind not in ("date", "month") else kind
    elif isinstance(value, date):
        number = value.toordinal() - EXCEL_EPOCH
        kind = "date" if kind not in ("datetime", "month") else kind
    else:
        number = int(value) if isinstance(value, bool) else value
    style = PLAIN_STYLE[kind] + bold if kind in PLAIN_STYLE else (BOLD if bold else 0)
    styled = f' s="{style}"' if style else ""
    return f'<c r="{reference}"{styled}><v>{repr(number) if isinstance(number, float) else number}</v></c>'
