"""Printed pages of the yearly workbook, estimated from its page set-up, column widths and row
heights, without an office suite: how many pages each sheet prints on, and how many charts a page
boundary cuts in two.

    python -m bench.workbook_pages              the demo year 2015's workbook (a SQLite file of its own)
    python -m bench.workbook_pages FILE.xlsx    a workbook written by openpyxl

The estimate follows what Excel and LibreOffice do: the page is A4 in the sheet's orientation, less
its margins and the repeated title rows; a sheet set to fit one page wide is scaled down until its
columns fit; rows go down the page until the next one no longer fits or a manual break comes.
A column of width w (characters) is w * 7 + 5 pixels of Calibri 11, at 0.75 points a pixel; a
row without a height is 15 points, and a wrapped text cell takes as many lines as its text needs.
"""

import math
import re
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

A4_POINTS = (595.0, 842.0)  # portrait width, height
DEFAULT_ROW_POINTS = 15.0
DEFAULT_COLUMN_CHARACTERS = 8.43
EMU_PER_POINT = 12700
DRAWING_NS = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"


@dataclass
class Chart:
    row: int  # 1-based row and column of its top left corner
    column: int
    width: float  # points
    height: float


def column_points(width: float | None) -> float:
    return ((width if width else DEFAULT_COLUMN_CHARACTERS) * 7 + 5) * 0.75


def row_points(sheet, row: int, widths: dict[int, float]) -> float:
    height = sheet.row_dimensions[row].height if row in sheet.row_dimensions else None
    if height:
        return height
    lines = 1
    for cell in sheet[row]:
        if isinstance(cell.value, str) and cell.alignment.wrap_text:
            characters = widths.get(cell.column) or DEFAULT_COLUMN_CHARACTERS
            lines = max(lines, sum(math.ceil(max(1, len(part)) / characters) for part in cell.value.split("\n")))
    return DEFAULT_ROW_POINTS * lines


def sheet_charts(archive: zipfile.ZipFile, number: int) -> list[Chart]:
    """The charts anchored on the sheet ``sheetN.xml`` (openpyxl numbers its parts in sheet order)."""
    relations = f"xl/worksheets/_rels/sheet{number}.xml.rels"
    if relations not in archive.namelist():
        return []
    targets = re.findall(r'Target="([^"]*drawings/[^"]+)"', archive.read(relations).decode())
    charts = []
    for target in targets:
        drawing = ElementTree.fromstring(archive.read("xl/drawings/" + target.rsplit("/", 1)[1]))
        for anchor in drawing:
            start, extent = anchor.find(f"{DRAWING_NS}from"), anchor.find(f"{DRAWING_NS}ext")
            if start is None or extent is None:
                continue
            charts.append(Chart(int(start.find(f"{DRAWING_NS}row").text) + 1,
                                int(start.find(f"{DRAWING_NS}col").text) + 1,
                                int(extent.get("cx")) / EMU_PER_POINT, int(extent.get("cy")) / EMU_PER_POINT))
    return charts


def title_rows(sheet) -> list[int]:
    if not sheet.print_title_rows:
        return []
    first, last = (int(part.strip("$")) for part in sheet.print_title_rows.split(":"))
    return list(range(first, last + 1))


def title_columns(sheet) -> list[str]:
    if not sheet.print_title_cols:
        return []
    first, last = (column_index_from_string(part.strip("$")) for part in sheet.print_title_cols.split(":"))
    return [get_column_letter(column) for column in range(first, last + 1)]


def estimate(sheet, charts: list[Chart]) -> dict:
    """Pages and cut charts of one sheet."""
    setup, margins = sheet.page_setup, sheet.page_margins
    width, height = A4_POINTS if setup.orientation != "landscape" else A4_POINTS[::-1]
    usable_width = width - (margins.left + margins.right) * 72
    usable_height = height - (margins.top + margins.bottom) * 72
    widths = {column_index_from_string(letter): dimension.width
              for letter, dimension in sheet.column_dimensions.items() if dimension.width}
    last_column = max([sheet.max_column, *(chart.column for chart in charts)])
    column_edges = [0.0]
    for column in range(1, last_column + 30):
        column_edges.append(column_edges[-1] + column_points(widths.get(column)))
    content_width = max([column_edges[sheet.max_column],
                         *(column_edges[chart.column - 1] + chart.width for chart in charts)])
    last_row = max([sheet.max_row, *(chart.row for chart in charts)])
    heights = [row_points(sheet, row, widths) for row in range(1, last_row + 1)]
    row_edges = [0.0]
    for row_height in heights:
        row_edges.append(row_edges[-1] + row_height)
    for chart in charts:  # rows under a chart that reaches below the last row
        while row_edges[-1] < row_edges[chart.row - 1] + chart.height:
            row_edges.append(row_edges[-1] + DEFAULT_ROW_POINTS)
    fits_width = sheet.sheet_properties.pageSetUpPr is not None and sheet.sheet_properties.pageSetUpPr.fitToPage
    title_width = sum(column_points(widths.get(column_index_from_string(letter)))
                      for letter in title_columns(sheet))
    if fits_width and setup.fitToWidth:  # each page after the first repeats the title columns
        pages = int(setup.fitToWidth)
        scale = min(1.0, pages * usable_width / (content_width + (pages - 1) * title_width))
    else:
        scale = (setup.scale or 100) / 100
    titles = title_rows(sheet)
    page_height = usable_height / scale - sum(heights[row - 1] for row in titles)
    breaks = {brk.id for brk in sheet.row_breaks.brk}
    page_tops, top = [0.0], 0.0
    for row in range(1, len(row_edges)):
        if row_edges[row] - top > page_height or row - 1 in breaks:
            top = row_edges[row - 1]
            page_tops.append(top)
    page_lefts, left = [0.0], usable_width / scale
    while left < content_width - 1e-6:
        page_lefts.append(left)
        left += usable_width / scale - title_width
    across = len(page_lefts)
    cut = 0
    for chart in charts:
        chart_top = row_edges[chart.row - 1]
        chart_left = column_edges[chart.column - 1]
        if (any(chart_top < edge < chart_top + chart.height - 0.5 for edge in page_tops)
                or any(chart_left < edge < chart_left + chart.width - 0.5 for edge in page_lefts)):
            cut += 1
    return {"pages": across * len(page_tops), "across": across, "down": len(page_tops),
            "scale": round(scale * 100), "charts": len(charts), "charts_cut": cut}


def report(path: Path) -> None:
    workbook = load_workbook(path)
    total = 0
    with zipfile.ZipFile(path) as archive:
        for number, sheet in enumerate(workbook.worksheets, 1):
            figures = estimate(sheet, sheet_charts(archive, number))
            total += figures["pages"]
            print(f"{sheet.title:22} {figures['pages']:4} pages ({figures['across']} across x {figures['down']} "
                  f"down, {figures['scale']} %), {figures['charts']} charts, {figures['charts_cut']} cut")
    print(f"{'whole workbook':22} {total:4} pages")


def demo_workbook(folder: Path) -> Path:
    """The demo year's workbook, with the Participants sheet, as a manager downloads it in English."""
    from training_portal import create_app
    from training_portal.demo import seed_demo
    from training_portal.extensions import db
    from training_portal.reports.exports import write_yearly_workbook
    from training_portal.reports.period import Period, ReportFilters

    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'demo.db'}"})
    app.instance_path = str(folder)
    path = folder / "training-report-2015.xlsx"
    with app.app_context():
        db.create_all()
        seed_demo(str(folder))
        db.session.commit()
        with path.open("wb") as output:
            write_yearly_workbook(ReportFilters(Period(2015)), output, "en", include_participants=True)
    return path


def main() -> None:
    if len(sys.argv) > 1:
        report(Path(sys.argv[1]))
        return
    with tempfile.TemporaryDirectory() as folder:
        report(demo_workbook(Path(folder)))


if __name__ == "__main__":
    main()
