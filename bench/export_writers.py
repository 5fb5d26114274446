"""Candidate xlsx writers for the streamed attendance download, measured on the same generated rows.

    python -m bench.export_writers ROWS              every writer, each in a process of its own
    python -m bench.export_writers ROWS WRITER       one writer: csv, xlsxwriter, openpyxl, stream_zip, app

For each writer: seconds to the first byte a download could send, total seconds, peak growth of the
resident memory (sampled every 20 ms) and the file's size. A writer into a spooled temporary file can
send nothing before the whole file is written; stream-zip sends the zip's parts as they are made.
``app`` is the application's own writer (``spreadsheets.xlsx_chunks``).
"""

import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from xml.sax.saxutils import escape

from bench.export_probe import PeakSampler, rss_bytes

WRITERS = ("csv", "xlsxwriter", "openpyxl", "stream_zip", "app")
HEADERS = ["Date", "Event ID", "Event", "Event type", "Province", "Session", "Start time", "Participant ID", "Sex",
           "Age band", "Target group", "Method", "Recorded by"]
KINDS = ["date", "int", "text", "text", "text", "int", "datetime", "int", "text", "text", "text", "text", "text"]
SPOOL_BYTES = 1024 * 1024
CHUNK = 64 * 1024


def attendance_like_rows(count: int):
    for number in range(count):
        day = date(2015, 1 + number % 12, 1 + number % 28)
        yield [day, number % 400, "Child protection training", "Training", "Phnom Penh", 1 + number % 3,
               datetime(day.year, day.month, day.day, 8, 30), number, "Female", "18–24", "Hotel staff",
               "Card scan", "Sokha Trainer"]


def spooled_chunks(write):
    """Write the whole file into a spooled temporary file, then read it back in chunks."""
    with tempfile.SpooledTemporaryFile(SPOOL_BYTES) as output:
        write(output)
        output.seek(0)
        while chunk := output.read(CHUNK):
            yield chunk


def csv_chunks(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for number, row in enumerate(rows, 1):
        writer.writerow(["" if value is None else value.isoformat(" ", "minutes") if isinstance(value, datetime)
                         else value.isoformat() if isinstance(value, date) else value for value in row])
        if number % 500 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def xlsxwriter_chunks(rows):
    import xlsxwriter

    def write(output):
        workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
        sheet = workbook.add_worksheet("Attendance")
        bold = workbook.add_format({"bold": True})
        formats = {"date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
                   "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
                   "int": workbook.add_format({"num_format": "#,##0"})}
        sheet.freeze_panes(1, 0)
        for column, header in enumerate(HEADERS):
            sheet.write_string(0, column, header, bold)
        kinds = [(column, formats.get(kind)) for column, kind in enumerate(KINDS)]
        for number, row in enumerate(rows, 1):
            for (column, style), value in zip(kinds, row):
                if isinstance(value, str):
                    sheet.write_string(number, column, value)
                elif isinstance(value, date):
                    sheet.write_datetime(number, column, value, style)
                elif value is not None:
                    sheet.write_number(number, column, value, style)
        workbook.close()

    return spooled_chunks(write)


def openpyxl_chunks(rows):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    formats = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm", "int": "#,##0"}

    def write(output):
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Attendance")
        sheet.freeze_panes = "A2"
        header = []
        for text in HEADERS:
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in rows:
            cells = []
            for kind, value in zip(KINDS, row):
                if kind in formats or isinstance(value, str):
                    cell = WriteOnlyCell(sheet, value=value)
                    if kind in formats:
                        cell.number_format = formats[kind]
                    else:
                        cell.data_type = "s"
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
        workbook.save(output)

    return spooled_chunks(write)


def stream_zip_chunks(rows):
    """stream-zip under a small sheet writer: inline strings, two number formats, no styles part shown here."""
    from stream_zip import ZIP_32, stream_zip

    epoch = date(1899, 12, 30).toordinal()
    now = datetime.now()

    def sheet():
        yield (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.'
               b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
        parts = []
        for number, row in enumerate(rows, 1):
            parts.append(f'<row r="{number}">')
            for value in row:
                if isinstance(value, str):
                    parts.append(f'<c t="inlineStr"><is><t>{escape(value)}</t></is></c>')
                elif isinstance(value, datetime):
                    serial = value.toordinal() - epoch + (value.hour * 60 + value.minute) / 1440
                    parts.append(f'<c s="2"><v>{serial}</v></c>')
                elif isinstance(value, date):
                    parts.append(f'<c s="1"><v>{value.toordinal() - epoch}</v></c>')
                else:
                    parts.append(f"<c><v>{value}</v></c>")
            parts.append("</row>")
            if number % 500 == 0:
                yield "".join(parts).encode()
                parts.clear()
        parts.append("</sheetData></worksheet>")
        yield "".join(parts).encode()

    def members():
        yield "xl/worksheets/sheet1.xml", now, 0o600, ZIP_32, sheet()

    return stream_zip(members())


def app_chunks(rows):
    from training_portal.spreadsheets import Column, Table, xlsx_chunks

    table = Table("Attendance", [Column(header, kind) for header, kind in zip(HEADERS, KINDS)], rows)
    return xlsx_chunks(table)


def measure(count: int, writer: str) -> dict:
    chunks = globals()[f"{writer}_chunks"](attendance_like_rows(count))
    sampler = PeakSampler()
    before = rss_bytes()
    sampler.start()
    began = time.perf_counter()
    first = None
    size = 0
    with tempfile.TemporaryFile() as sink:
        for chunk in chunks:
            if first is None:
                first = time.perf_counter() - began
            size += len(chunk)
            sink.write(chunk)
    total = time.perf_counter() - began
    peak = sampler.stop()
    return {"writer": writer, "rows": count, "first_byte_s": round(first, 3), "total_s": round(total, 2),
            "peak_growth_mb": round((peak - before) / 2**20, 1), "bytes": size}


def main() -> None:
    count = int(sys.argv[1])
    if len(sys.argv) > 2:
        print(json.dumps(measure(count, sys.argv[2])))
        return
    for writer in WRITERS:
        result = subprocess.run([sys.executable, "-m", "bench.export_writers", str(count), writer],
                                capture_output=True, text=True, env={**os.environ, "PYTHONPATH": "."})
        print(result.stdout.strip() or f"{writer}: failed {result.returncode} {result.stderr.strip()[-300:]}", flush=True)


if __name__ == "__main__":
    main()
