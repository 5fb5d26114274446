"""Large exports stream: memory does not grow with the number of attendance rows."""

import tempfile
import tracemalloc
from datetime import date, datetime

from training_portal.reports.tables import attendance_columns
from training_portal.spreadsheets import Table, csv_bytes, write_xlsx


def attendance_like_rows(count: int):
    for number in range(count):
        yield [date(2015, 1, 1 + number % 28), number % 40, "Child protection training", "Training", "Phnom Penh",
               1, datetime(2015, 1, 1 + number % 28, 8, 30), number, "Female", "18–24", "Hotel staff", "Card scan",
               "Sokha Trainer"]


def peak_memory_writing(count: int, write) -> int:
    tracemalloc.start()
    try:
        with tempfile.TemporaryFile() as output:
            write(Table("Attendance", attendance_columns(), attendance_like_rows(count)), output)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_attendance_workbook_is_written_without_holding_its_rows(app):
    small = peak_memory_writing(1_000, lambda table, output: write_xlsx(output, table))
    large = peak_memory_writing(15_000, lambda table, output: write_xlsx(output, table))
    # Fifteen times the rows, about the same memory: rows go to disk as they come.
    assert large < small * 1.5 + 1_000_000, (small, large)


def test_the_attendance_csv_is_produced_in_chunks(app):
    small = peak_memory_writing(1_000, lambda table, output: output.writelines(csv_bytes(table)))
    large = peak_memory_writing(15_000, lambda table, output: output.writelines(csv_bytes(table)))
    assert large < small * 1.5 + 500_000, (small, large)

