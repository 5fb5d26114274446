"""Spreadsheet safety shared by every upload and download.

Uploads: only a real xlsx (a zip with a workbook part) whose unpacked size and
sheet sizes are bounded, so that a renamed file, a zip bomb or a sheet of a
million blank rows is refused before parsing.
Downloads: text never becomes a formula and never carries a control
character that xlsx forbids.
"""

import io
import zipfile
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries

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
