"""Workbooks (xlsx) and csv files from report tables: pure functions, no request, no database writes.

Safety of spreadsheet cells (README.md, "Rules every export follows"):

- xlsx: every text value is written as a text cell, never a formula. openpyxl
  would take a text starting with "=" for a formula, so such a cell has its
  data type forced to string; the text itself is kept unchanged (no
  apostrophe is added). Texts starting with + - @ or a tab are text cells too.
  Control characters that xlsx forbids are removed.
- csv has no cell types, so a text starting with = + - @, a tab or a carriage
  return is prefixed with a single quote ('), as OWASP recommends.

The yearly workbook is written in openpyxl's write-only mode (rows go to
temporary files as they are produced); a single large table (the attendance
download) is streamed by ``xlsx_stream``, with inline string cells, so that
its first bytes are sent at once and a million rows never sit in memory.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date

from flask_babel import force_locale
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..spreadsheets import clean_text, csv_text
from . import metrics, xlsx_stream
from .services import HEADERS, Report, Table, build_report, events_table, label, participants_table

NUMBER_FORMATS = {"int": "#,##0", "percent": "0.0", "ratio": "0.00", "date": "yyyy-mm-dd", "month": "yyyy-mm"}
BOLD = Font(bold=True)
INVALID_SHEET_CHARACTERS = str.maketrans({character: " " for character in "[]:*?/\\"})
CSV_FLUSH_ROWS = 500
BOM = "\ufeff"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_value(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "month" and isinstance(value, date):
        return value.strftime("%Y-%m")
    if isinstance(value, date):
        return value.isoformat()
    if kind == "percent" and isinstance(value, float):
        return f"{value:.1f}"
    if kind == "ratio" and isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, str):
        return csv_text(value)
    return str(value)


def table_csv(table: Table, bom: bool = True) -> Iterator[str]:
    """The table as csv text in chunks, after a byte-order mark (so that Excel reads Khmer as UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        buffer.write(BOM)
    writer.writerow([csv_text(header) for header in table.headers])
    kinds = [column.kind for column in table.columns]
    rows = table.rows if table.total is None else _with_total(table)
    for number, row in enumerate(rows, 1):
        writer.writerow([csv_value(value, kind) for value, kind in zip(row, kinds)])
        if number % CSV_FLUSH_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _with_total(table: Table) -> Iterator[list]:
    yield from table.rows
    yield table.total


def sheet_title(title: str) -> str:
    """A valid, at most 31 characters long sheet title."""
    return title.translate(INVALID_SHEET_CHARACTERS).strip()[:31] or "Sheet"


def xlsx_value(sheet, value, kind: str, bold: bool = False):
    """A cell value for a write-only sheet: text cells for text, number formats for numbers and dates."""
    if isinstance(value, str):
        value = clean_text(value)
        if not value.startswith("=") and not bold:
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # never a formula
    elif value is None:
        return None
    elif kind in NUMBER_FORMATS or bold:
        cell = WriteOnlyCell(sheet, value=value)
        if kind in NUMBER_FORMATS and not isinstance(value, str):
            cell.number_format = NUMBER_FORMATS[kind]
    else:
        return value
    if bold:
        cell.font = BOLD
    return cell


def add_table_sheet(workbook: Workbook, table: Table):
    """A sheet with the table: bold frozen header row, column widths, number formats, bold total row.

    Returns the sheet and the number of data rows written (total row excluded).
    """
    sheet = workbook.create_sheet(sheet_title(table.title))
    for index, column in enumerate(table.columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = max(column.width, len(column.header) + 2)
    sheet.freeze_panes = "A2"
    sheet.append([xlsx_value(sheet, header, "text", bold=True) for header in table.headers])
    kinds = [column.kind for column in table.columns]
    count = 0
    for row in table.rows:
        sheet.append([xlsx_value(sheet, value, kind) for value, kind in zip(row, kinds)])
        count += 1
    if table.total is not None:
        sheet.append([xlsx_value(sheet, value, kind, bold=True) for value, kind in zip(table.total, kinds)])
    return sheet, count


def table_xlsx(table: Table) -> Iterator[bytes]:
    """A workbook with the one table (e.g. the attendance download), streamed as bytes.

    Written by ``xlsx_stream`` rather than openpyxl: the first bytes go out
    before the first row is read, and a million rows cost a few times the csv.
    """
    return xlsx_stream.stream_xlsx(
        sheet_title(table.title), table.headers, [column.kind for column in table.columns],
        [max(column.width, len(column.header) + 2) for column in table.columns], table.rows, table.total)


def write_table_xlsx(table: Table, output) -> None:
    """A workbook with the one table, written to a binary file object."""
    for chunk in table_xlsx(table):
        output.write(chunk)


def write_report_workbook(report: Report, detail_tables: Iterable[Table], output) -> None:
    """The yearly workbook: Summary (table by event type, sentences, charts), the other
    tables, then the detail sheets (Events, and Participants when given)."""
    workbook = Workbook(write_only=True)
    summary, types = add_table_sheet(workbook, report.table("summary"))
    summary.append([])
    summary.append([xlsx_value(summary, label(HEADERS["sentence"]), "text", bold=True)])
    for sentence in report.sentences:
        summary.append([xlsx_value(summary, sentence, "text")])
    sheets = {}
    for key in ("by_target_group", "by_province", "by_month", "by_age_band", "knowledge"):
        sheets[key] = add_table_sheet(workbook, report.table(key))
    for table in detail_tables:
        add_table_sheet(workbook, table)
    add_summary_charts(summary, types, sheets)
    workbook.save(output)


def add_summary_charts(summary, types: int, sheets: dict) -> None:
    """Native Excel charts on the Summary sheet, drawn from the cells of the report's sheets."""
    anchor_column = "K"  # right of the table by event type
    if types:
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
        chart.title = label(("Participants by event type and sex", "អ្នកចូលរួមតាមប្រភេទព្រឹត្តិការណ៍ និងភេទ"))
        chart.add_data(Reference(summary, min_col=4, max_col=6, min_row=1, max_row=types + 1), titles_from_data=True)
        chart.set_categories(Reference(summary, min_col=1, min_row=2, max_row=types + 1))
        chart.width, chart.height = 18, 9
        summary.add_chart(chart, f"{anchor_column}2")
    month_sheet, months = sheets["by_month"]
    chart = LineChart()
    chart.title = label(("Participants per month", "អ្នកចូលរួមប្រចាំខែ"))
    chart.add_data(Reference(month_sheet, min_col=3, min_row=1, max_row=months + 1), titles_from_data=True)
    chart.set_categories(Reference(month_sheet, min_col=1, min_row=2, max_row=months + 1))
    chart.width, chart.height = 18, 8
    summary.add_chart(chart, f"{anchor_column}21")
    knowledge_sheet, knowledge_rows = sheets["knowledge"]
    if knowledge_rows:
        chart = BarChart()
        chart.title = label(("Pre-test and post-test scores (%)", "ពិន្ទុតេស្តមុន និងតេស្តក្រោយ (%)"))
        chart.add_data(Reference(knowledge_sheet, min_col=7, max_col=8, min_row=1, max_row=knowledge_rows + 1),
                       titles_from_data=True)
        chart.set_categories(Reference(knowledge_sheet, min_col=1, min_row=2, max_row=knowledge_rows + 1))
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
        chart.width, chart.height = 18, 8
        summary.add_chart(chart, f"{anchor_column}38")


def write_yearly_workbook(filters, output, language: str, include_participants: bool) -> None:
    """Build the yearly workbook for these filters in ``language`` (en or km) and write it to ``output``.

    The Participants sheet (one row per person) is only for managers and admins.
    """
    with force_locale(language), metrics.shared_counts(filters):
        report = build_report(filters)
        details = [events_table(filters)]
        if include_participants:
            details.append(participants_table(filters))
        write_report_workbook(report, details, output)


def write_table_file(table: Table, file_format: str, output) -> None:
    """One table as xlsx or csv (UTF-8), written to a binary file object."""
    if file_format == "xlsx":
        write_table_xlsx(table, output)
        return
    for chunk in table_csv(table):
        output.write(chunk.encode("utf-8"))
