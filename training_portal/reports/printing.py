"""Page set-up of the yearly workbook's sheets, so that a manager can print them as they are.

Every sheet prints landscape on A4, scaled to fit the page's width, as many pages down as it
needs, with its header row repeated at the top of every page. Headers wrap onto several lines,
so that a column is as wide as its figures rather than its header. A sheet too wide to stay
readable on one page (the Events sheet) is fitted to two or more pages across instead, its first
column repeated on each. The Summary's charts start on a page of their own, two to a page, each
sized to fit within its page.
"""

import math

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

# Excel's "Normal" margins (inches); landscape A4 between them is 741 x 487 points.
MARGINS = {"left": 0.7, "right": 0.7, "top": 0.75, "bottom": 0.75, "header": 0.3, "footer": 0.3}
PAGE_WIDTH_POINTS = 741
LINE_POINTS = 15  # a row of Calibri 11
# Below this scale, a printed figure is too small to read: the sheet goes onto more pages across.
SMALLEST_SCALE = 0.6
# A chart of 18 cm x 7 cm (510 x 198 points) is given 14 rows of the default 15 points; two of
# them (420 points) under the repeated header row (three lines at most, 45 points) fit the page's
# 487 points of height, and 18 cm its width.
CHART_WIDTH_CM, CHART_HEIGHT_CM = 18, 7
CHART_ROWS = 14


def column_points(width: float) -> float:
    """The printed width of a column of ``width`` characters of Calibri 11 (7 pixels each, plus 5)."""
    return (width * 7 + 5) * 0.75


def header_width(header: str, width: int) -> int:
    """A column's width: its figures' ``width``, or its header's longest word if that is longer."""
    return max(width, *(len(word) + 2 for word in header.split()))


def wrapped_lines(text: str, width: int) -> int:
    """How many lines ``text`` takes, wrapped at spaces in a column ``width`` characters wide."""
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > width - 1:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def pages_across(widths: list[float]) -> int:
    """One page across, or as many as keep the sheet at SMALLEST_SCALE or larger."""
    return max(1, math.ceil(sum(column_points(width) for width in widths) * SMALLEST_SCALE / PAGE_WIDTH_POINTS))


def set_up_page(sheet, widths: list[float]) -> None:
    """Landscape A4, fit to the page's width (or a few pages' when wide), header row 1 repeated on
    every printed page; the column widths set."""
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    across = pages_across(widths)
    sheet.page_margins = PageMargins(**MARGINS)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = across
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"
    if across > 1:
        sheet.print_title_cols = "A:A"


def set_header_height(sheet, headers: list[str], widths: list[float]) -> None:
    """Row 1 tall enough for its wrapped headers (before the row is written)."""
    lines = max((wrapped_lines(header, int(width)) for header, width in zip(headers, widths)), default=1)
    sheet.row_dimensions[1].height = LINE_POINTS * lines


def break_page_after(sheet, row: int) -> None:
    """A manual page break after ``row``, so that what follows starts a printed page."""
    sheet.row_breaks.append(Break(id=row))
