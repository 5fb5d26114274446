"""Spreadsheet safety shared by every upload and download.

Uploads: only a real xlsx (a zip with a workbook part) whose unpacked size is
bounded, so that a renamed file or a zip bomb is refused before parsing.
Downloads: text never becomes a formula and never carries a control
character that xlsx forbids.
"""

import io
import zipfile

from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

XLSX_MAGIC = b"PK\x03\x04"
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
# A cell starting with one of these may be run as a formula by a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def open_uploaded_workbook(data: bytes):
    """A read-only openpyxl workbook, or None when the bytes are not a sane xlsx."""
    if not data.startswith(XLSX_MAGIC):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                return None
            if "xl/workbook.xml" not in archive.namelist():
                return None
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any malformed archive or XML is "not an xlsx"
        return None


def clean_text(text: str) -> str:
    """The text without the control characters that xlsx cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def csv_text(text: str) -> str:
    """Text for a csv cell: cleaned, and prefixed with ' when a spreadsheet could run it as a formula."""
    text = clean_text(text)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text
