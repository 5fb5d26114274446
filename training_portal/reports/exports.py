"""The yearly workbook (and, through ``privacy``, the one for outside readers): the report's tables,
the annual-report sentences and native charts, in openpyxl's write-only mode.

Every other download, the attendance tables included, is written by ``spreadsheets.xlsx_chunks``;
this workbook is the one with charts, which that writer does not draw. Its cells follow the same
rules: text cells are text, never formulas (openpyxl would take a text starting with "=" for a
formula, so such a cell has its data type forced to string; the text is kept unchanged), control
characters that xlsx forbids are removed, and numbers and dates carry the formats of
``spreadsheets.NUMBER_FORMATS``.
"""

from collections.abc import Iterable

from flask_babel import force_locale
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..spreadsheets import NUMBER_FORMATS, Table, clean_text, sheet_title
from . import counts
from .labels import HEADERS, label
from .tables import Report, build_report, events_table, participants_table

BOLD = Font(bold=True)


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
    with force_locale(language), counts.shared_counts(filters):
        report = build_report(filters)
        details = [events_table(filters)]
        if include_participants:
            details.append(participants_table(filters))
        write_report_workbook(report, details, output)
