"""Page set-up of the yearly workbook's sheets, so that a manager can print them as they are.

Every sheet prints landscape on A4, scaled to the page's width (as many pages down as it needs),
with its header row repeated at the top of every page. The Summary's charts start on a page of
their own, two to a page, each sized to fit within its page.
"""

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

# A chart of 18 cm x 7.5 cm (510 x 213 points) is given 15 rows of the default 15 points; two of
# them under the repeated header row (465 points) fit the 487 points of a landscape A4 page between
# the default margins, and 18 cm the page's 741 points of width.
CHART_WIDTH_CM, CHART_HEIGHT_CM = 18, 7.5
CHART_ROWS = 15


def set_up_page(sheet) -> None:
    """Landscape A4, fit to one page wide, header row 1 repeated on every printed page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"


def set_column_widths(sheet, widths: list[float]) -> None:
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def break_page_after(sheet, row: int) -> None:
    """A manual page break after ``row``, so that what follows starts a printed page."""
    sheet.row_breaks.append(Break(id=row))
