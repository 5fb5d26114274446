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
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from ..spreadsheets import BOLD_FONT, NUMBER_FORMATS, Table, clean_text, sheet_title
from . import counts
from .labels import ABOUT, ABOUT_COLUMNS, HEADERS, SHEETS, label
from .printing import (CHART_HEIGHT_CM, CHART_ROWS, CHART_WIDTH_CM, LINE_POINTS, break_page_after,
                       header_width, set_header_height, set_up_page, wrapped_lines)
from .tables import Report, build_report, events_table, participants_table

RIGHT = Alignment(horizontal="right")
WRAPPED = Alignment(wrap_text=True, vertical="top")


def header_cell(sheet, header: str):
    """A bold header that wraps onto more lines when the column is narrower than it."""
    cell = WriteOnlyCell(sheet, value=clean_text(header))
    cell.data_type = "s"
    cell.font, cell.alignment = BOLD_FONT, WRAPPED
    return cell


def xlsx_value(sheet, value, kind: str, bold: bool = False):
    """A cell value for a write-only sheet: text cells for text, number formats for numbers and dates."""
    if isinstance(value, str):
        value = clean_text(value)
        number_column = kind in NUMBER_FORMATS
        if not value.startswith("=") and not bold and not number_column:
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # never a formula
        if number_column:
            cell.alignment = RIGHT  # "<5" for outside readers, lined up with the numbers around it
    elif value is None:
        return None
    elif kind in NUMBER_FORMATS or bold:
        cell = WriteOnlyCell(sheet, value=value)
        if kind in NUMBER_FORMATS and not isinstance(value, str):
            cell.number_format = NUMBER_FORMATS[kind]
    else:
        return value
    if bold:
        cell.font = BOLD_FONT
    return cell


def add_table_sheet(workbook: Workbook, table: Table, lines: Iterable[tuple[str, bool]] = ()):
    """A sheet with the table: bold frozen header row (repeated on every printed page), column widths,
    number formats, bold total row, then the table's notes and ``lines`` (text, bold) as paragraphs
    across the table's width; landscape A4, fit to the page's width.

    Returns the sheet and the number of data rows written (total row excluded).
    """
    sheet = workbook.create_sheet(sheet_title(table.title))
    widths = [header_width(column.header, column.width) for column in table.columns]
    set_up_page(sheet, widths)
    set_header_height(sheet, table.headers, widths)
    sheet.freeze_panes = "A2"
    sheet.append([header_cell(sheet, header) for header in table.headers])
    kinds = [column.kind for column in table.columns]
    count = 0
    for row in table.rows:
        sheet.append([xlsx_value(sheet, value, kind) for value, kind in zip(row, kinds)])
        count += 1
    if table.total is not None:
        sheet.append([xlsx_value(sheet, value, kind, bold=True) for value, kind in zip(table.total, kinds)])
    lines = [(note, False) for note in getattr(table, "extra", {}).get("notes", [])] + list(lines)
    row = count + 2 + (table.total is not None)  # the blank row before the paragraphs
    if lines:
        sheet.append([])
    for number, (text, bold) in enumerate(lines, row + 1):
        append_paragraph(sheet, number, text, widths, bold)
    return sheet, count


def append_paragraph(sheet, row: int, text: str, widths: list[float], bold: bool = False) -> None:
    """Row ``row``: a text across the table's columns, wrapped, and tall enough for its lines, so that
    it prints whole rather than running past the page's edge."""
    sheet.row_dimensions[row].height = LINE_POINTS * wrapped_lines(text, int(sum(widths)))
    cell = xlsx_value(sheet, text, "text", bold)
    if isinstance(cell, str):
        cell = WriteOnlyCell(sheet, value=cell)
    cell.alignment = WRAPPED
    sheet.append([cell])
    if len(widths) > 1:
        sheet.merged_cells.add(f"A{row}:{get_column_letter(len(widths))}{row}")


def add_about_sheet(workbook: Workbook) -> None:
    """The "About these figures" sheet: what each figure of the tables counts, in the workbook's language."""
    sheet = workbook.create_sheet(sheet_title(label(SHEETS["about"])))
    set_up_page(sheet, [24, 90])
    sheet.freeze_panes = "A2"
    sheet.append([header_cell(sheet, label(text)) for text in ABOUT_COLUMNS])
    for row, (key, meaning) in enumerate(ABOUT, 2):
        cell = WriteOnlyCell(sheet, value=label(meaning))
        cell.alignment = WRAPPED
        sheet.row_dimensions[row].height = LINE_POINTS * wrapped_lines(cell.value, 90)
        sheet.append([xlsx_value(sheet, label(HEADERS[key]), "text", bold=True), cell])


def write_report_workbook(report: Report, detail_tables: Iterable[Table], output) -> None:
    """The yearly workbook: Summary (table by event type, sentences, charts), the other
    tables, the detail sheets (Events, and Participants when given), then "About these figures"."""
    workbook = Workbook(write_only=True)
    summary, types = add_table_sheet(workbook, report.table("summary"), [
        (label(HEADERS["sentence"]), True), *((sentence, False) for sentence in report.sentences)])
    last_row = types + 4 + len(report.sentences)  # header, types, total, blank, heading, sentences
    sheets = {}
    for key in ("by_target_group", "by_province", "by_month", "by_age_band", "knowledge"):
        sheets[key] = add_table_sheet(workbook, report.table(key))
    for table in detail_tables:
        add_table_sheet(workbook, table)
    add_about_sheet(workbook)
    add_summary_charts(summary, types, sheets, last_row)
    workbook.save(output)


def add_summary_charts(summary, types: int, sheets: dict, last_row: int) -> None:
    """Native Excel charts on the Summary sheet, drawn from the cells of the report's sheets.

    They stand below the sentences, from a new printed page, two to a page, each within its page
    (printing.CHART_ROWS), so that none is cut in two; the lines are straight, as smoothing would
    draw values that were never counted, and the axes are kept (``delete=False``) for Excel to show them.
    """
    charts = []
    if types:
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
        chart.title = label(("Participants by event type and sex", "អ្នកចូលរួមតាមប្រភេទព្រឹត្តិការណ៍ និងភេទ"))
        chart.add_data(Reference(summary, min_col=4, max_col=6, min_row=1, max_row=types + 1), titles_from_data=True)
        chart.set_categories(Reference(summary, min_col=1, min_row=2, max_row=types + 1))
        charts.append(chart)
    month_sheet, months = sheets["by_month"]
    chart = LineChart()
    chart.title = label(("Participants per month", "អ្នកចូលរួមប្រចាំខែ"))
    chart.add_data(Reference(month_sheet, min_col=3, min_row=1, max_row=months + 1), titles_from_data=True)
    chart.set_categories(Reference(month_sheet, min_col=1, min_row=2, max_row=months + 1))
    for series in chart.series:
        series.smooth = False
    charts.append(chart)
    knowledge_sheet, knowledge_rows = sheets["knowledge"]
    if knowledge_rows:
        chart = BarChart()
        chart.title = label(("Pre-test and post-test scores (%)", "ពិន្ទុតេស្តមុន និងតេស្តក្រោយ (%)"))
        chart.add_data(Reference(knowledge_sheet, min_col=7, max_col=8, min_row=1, max_row=knowledge_rows + 1),
                       titles_from_data=True)
        chart.set_categories(Reference(knowledge_sheet, min_col=1, min_row=2, max_row=knowledge_rows + 1))
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
        charts.append(chart)
    row = last_row + 2
    for number, chart in enumerate(charts):
        if number % 2 == 0:
            break_page_after(summary, row - 1)
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.width, chart.height = CHART_WIDTH_CM, CHART_HEIGHT_CM
        summary.add_chart(chart, f"A{row}")
        row += CHART_ROWS


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
