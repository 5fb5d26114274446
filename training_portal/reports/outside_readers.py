"""The yearly workbook for readers outside the program: aggregate tables with small counts hidden
(small-cell suppression), so that no reader can single out one or two people."""

import dataclasses

from flask_babel import force_locale

from ..settings import SMALL_CELL_THRESHOLD, get_int_setting
from . import exports
from . import counts as report_counts
from .tables import build_report


def small_cell_threshold() -> int:
    """Counts below this are hidden in workbooks for outside readers (0 or 1: nothing hidden)."""
    return max(0, get_int_setting(SMALL_CELL_THRESHOLD, 0))


def suppress_small_counts(rows, count_columns, threshold: int, marker: str = "<{n}") -> list[list]:
    """Rows with each count in ``count_columns`` (indexes) that is above 0 and below ``threshold``
    replaced by a marker such as "<5", so that a reader cannot single out one or two people.

    Zero stays (it reveals nobody); totals should be computed before suppressing.
    """
    hidden = marker.format(n=threshold)
    result = []
    for row in rows:
        row = list(row)
        for index in count_columns:
            value = row[index]
            if isinstance(value, int) and not isinstance(value, bool) and 0 < value < threshold:
                row[index] = hidden
        result.append(row)
    return result


NOT_PEOPLE_COLUMNS = {"events"}


def suppress_table(table, threshold: int | None = None):
    """A copy of a report table (``columns`` with ``kind``, ``rows``, ``total``) whose small counts are
    suppressed. The count columns keep their kind, so that the workbook formats their numbers and
    right-aligns the "<5" among them. The total row is kept as it is."""
    threshold = small_cell_threshold() if threshold is None else threshold
    if threshold <= 1:
        return table
    # Counts of people; a number of events singles out nobody.
    counts = [index for index, column in enumerate(table.columns)
              if column.kind == "int" and getattr(column, "key", "") not in NOT_PEOPLE_COLUMNS]
    return dataclasses.replace(table, rows=suppress_small_counts(table.rows, counts, threshold))


def write_outside_readers_workbook(filters, output, language: str = "en", threshold: int | None = None) -> None:
    """The yearly workbook for readers outside the program (donors, partners, the public).

    Aggregate tables only (no Events or Participants sheet), built by the reports'
    own functions, with every count from 1 to ``threshold`` - 1 shown as "<N"
    (default: the admin setting). Totals and the report's sentences are kept.
    """
    threshold = small_cell_threshold() if threshold is None else threshold
    with force_locale(language), report_counts.shared_counts(filters):
        report = build_report(filters)
        tables = {key: suppress_table(table, threshold) for key, table in report.tables.items()}
        exports.write_report_workbook(dataclasses.replace(report, tables=tables), [], output)
