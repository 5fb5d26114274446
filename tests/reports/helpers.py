"""Reading the report workbooks: sheets as rows keyed by their headers."""

from io import BytesIO

from openpyxl import load_workbook


def sheet_rows(workbook, title: str) -> list[dict]:
    """A sheet's rows as dicts keyed by the header row (row 1), read by header name."""
    rows = list(workbook[title].iter_rows(values_only=True))
    headers = rows[0]
    return [dict(zip(headers, row)) for row in rows[1:] if any(value is not None for value in row)]


def open_workbook(data: bytes):
    return load_workbook(BytesIO(data))


def row_named(rows: list[dict], column: str, value) -> dict:
    matches = [row for row in rows if row.get(column) == value]
    assert len(matches) == 1, f"{value!r} in column {column!r}: {len(matches)} rows"
    return matches[0]
