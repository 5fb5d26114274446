"""Fill in the downloaded sign-in sheet like a trainer typing up the paper."""

import io

from openpyxl import load_workbook


def filled_sheet(template: bytes, rows: list[list]) -> bytes:
    """The template with ``rows`` written under the header row (found by its 'Sex' header)."""
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    header_row = next(row[0].row for row in sheet.iter_rows() if any(str(c.value or "").startswith("Sex /") for c in row))
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=header_row + offset, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
