"""The yearly workbook as a manager reads and prints it: page set-up, charts, zero rows, notes,
the About sheet, and the outside readers' formats, checked in the file with openpyxl."""

import re
import zipfile
from datetime import date
from io import BytesIO

from openpyxl.utils import column_index_from_string

from training_portal.extensions import db
from training_portal.reports.labels import NOTES
from tests.factories import attend, make_event, make_participant

from .helpers import open_workbook, row_named, sheet_rows
from .test_exports import WORKBOOK_URL, download, small_year

TALLY_NOTE = NOTES["events_by_target_group"][0]
AGE_NOTE = NOTES["events_by_age_band"][0]


def workbook_bytes(client, language: str = "en") -> bytes:
    response = download(client, WORKBOOK_URL, {"language": language})
    assert response.status_code == 200
    return response.data


def column_texts(sheet) -> list[str]:
    return [row[0] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], str)]


def test_every_sheet_prints_landscape_on_a4_fitted_to_the_width_with_its_header_row_repeated(
        manager_client, manager, trainer, other_trainer):
    small_year(manager, trainer, other_trainer)
    workbook = open_workbook(workbook_bytes(manager_client))

    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape", sheet.title
        assert setup.paperSize == 9, sheet.title  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert setup.fitToHeight == 0, sheet.title  # as many pages down as needed
        assert sheet.print_title_rows == "$1:$1", sheet.title
    for title in ("Summary", "By target group", "By province", "By month", "By age band", "Knowledge gain",
                  "Participants", "About these figures"):
        assert workbook[title].page_setup.fitToWidth == 1, title
    # Nineteen columns would print too small on one page: two pages across, the Event ID on each.
    assert workbook["Events"].page_setup.fitToWidth == 2
    assert workbook["Events"].print_title_cols == "$A:$A"


def test_summary_charts_start_on_a_page_of_their_own_below_the_sentences(manager_client, manager, trainer,
                                                                         other_trainer):
    small_year(manager, trainer, other_trainer)
    summary = open_workbook(workbook_bytes(manager_client))["Summary"]

    last_text_row = max(row[0].row for row in summary.iter_rows() if row[0].value is not None)
    breaks = sorted(brk.id for brk in summary.row_breaks.brk)
    assert breaks[0] >= last_text_row  # the table and sentences print on the first page, whole
    tops = [chart.anchor._from.row + 1 for chart in summary._charts]
    assert len(tops) == 3 and all(chart.anchor._from.col == 0 for chart in summary._charts)
    assert tops[0] == breaks[0] + 1 and tops[2] == breaks[1] + 1  # two charts a page
    emu_per_cm = 360000
    for chart in summary._charts:  # within the page's 27.7 cm of width; two and a header row in its 17.2 cm
        assert chart.anchor.ext.width <= 18 * emu_per_cm and chart.anchor.ext.height <= 7 * emu_per_cm


def test_the_monthly_chart_draws_straight_lines_and_every_axis_is_kept(manager_client, manager, trainer,
                                                                       other_trainer):
    small_year(manager, trainer, other_trainer)
    with zipfile.ZipFile(BytesIO(workbook_bytes(manager_client))) as archive:
        charts = [archive.read(name).decode() for name in archive.namelist()
                  if re.fullmatch(r"xl/charts/chart\d+\.xml", name)]

    assert len(charts) == 3
    line = [chart for chart in charts if "<lineChart>" in chart]
    assert len(line) == 1
    assert re.findall(r"<smooth val=\"(\w+)\"", line[0]) == ["0"]
    for chart in charts:
        axes = re.findall(r"<(?:catAx|valAx|dateAx)>.*?</(?:catAx|valAx|dateAx)>", chart)
        assert len(axes) == 2
        assert all('<delete val="0"' in axis for axis in axes)


def test_the_summary_lists_event_types_without_events_with_zero(manager_client, manager, trainer, other_trainer):
    small_year(manager, trainer, other_trainer)
    summary = sheet_rows(open_workbook(workbook_bytes(manager_client)), "Summary")

    workshop = row_named(summary, "Event type", "Workshop")
    assert (workshop["Events"], workshop["Participants"], workshop["Female"]) == (0, 0, 0)
    assert row_named(summary, "Event type", "Online safety session")["Participants"] == 0
    assert row_named(summary, "Event type", "Total")["Events"] == 2


def test_target_group_and_age_band_sheets_say_their_events_column_does_not_add_up(manager_client, manager):
    # One event of two target groups: it counts in both rows, and once in the Total.
    event = make_event(manager, type_code="workshop", groups=("taxi_driver", "hotel_staff"),
                       days=(date(2015, 3, 2),))
    attend(make_participant(group="taxi_driver", age_band="18_24"), event.sessions[0])
    attend(make_participant(group="hotel_staff", age_band="25_34"), event.sessions[0])
    db.session.commit()
    workbook = open_workbook(workbook_bytes(manager_client))

    groups = sheet_rows(workbook, "By target group")
    assert sum(row["Events"] for row in groups if row["Target group"] not in ("Total", TALLY_NOTE)) == 2
    assert row_named(groups, "Target group", "Total")["Events"] == 1
    assert TALLY_NOTE in column_texts(workbook["By target group"])
    assert AGE_NOTE in column_texts(workbook["By age band"])
    assert "counts each event once" in TALLY_NOTE


def test_notes_and_sentences_wrap_across_the_tables_width_so_they_print_whole(manager_client, manager, trainer,
                                                                              other_trainer):
    small_year(manager, trainer, other_trainer)
    workbook = open_workbook(workbook_bytes(manager_client))
    for title, text in (("By target group", TALLY_NOTE), ("Summary", "In 2015, 77 participants attended")):
        sheet = workbook[title]
        cell = next(row[0] for row in sheet.iter_rows() if str(row[0].value).startswith(text))
        assert cell.alignment.wrap_text, title
        assert f"A{cell.row}:I{cell.row}" in {str(cells) for cells in sheet.merged_cells.ranges}, title
        assert sheet.row_dimensions[cell.row].height >= 15, title


def test_about_these_figures_explains_the_counts_in_the_workbooks_language(manager_client, manager, trainer,
                                                                           other_trainer):
    small_year(manager, trainer, other_trainer)
    english = {row["Figure"]: row["What it counts"]
               for row in sheet_rows(open_workbook(workbook_bytes(manager_client)), "About these figures")}
    assert {"Participants", "Unique individuals", "Individual attendance", "Headcount"} <= set(english)
    assert "a person at two events counts twice" in english["Participants"]
    assert "each counted once in the period" in english["Unique individuals"]

    khmer = open_workbook(workbook_bytes(manager_client, "km"))
    assert khmer.sheetnames[-1] == "អំពីតួលេខទាំងនេះ"
    figures = [row["តួលេខ"] for row in sheet_rows(khmer, "អំពីតួលេខទាំងនេះ")]
    assert {"អ្នកចូលរួម", "ចំនួនបុគ្គលមិនស្ទួន", "វត្តមានម្នាក់ៗ"} <= set(figures)


def test_the_knowledge_sheet_of_a_year_without_quizzes_says_none_were_taken(manager_client, manager):
    event = make_event(manager, days=(date(2015, 5, 5),))
    attend(make_participant(), event.sessions[0])
    db.session.commit()

    english = open_workbook(workbook_bytes(manager_client))["Knowledge gain"]
    assert "No quizzes were taken in this period." in column_texts(english)
    khmer = open_workbook(workbook_bytes(manager_client, "km"))["កំណើនចំណេះដឹង"]
    assert "មិនមានការធ្វើកម្រងសំណួរក្នុងរយៈពេលនេះទេ។" in column_texts(khmer)


def test_a_year_with_quizzes_has_no_such_message(manager_client, manager, trainer, other_trainer):
    small_year(manager, trainer, other_trainer)
    knowledge = open_workbook(workbook_bytes(manager_client))["Knowledge gain"]
    assert "No quizzes were taken in this period." not in column_texts(knowledge)


def test_every_bold_cell_names_its_font(manager_client, manager, trainer, other_trainer):
    small_year(manager, trainer, other_trainer)
    workbook = open_workbook(workbook_bytes(manager_client))
    bold = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
            if cell.value is not None and cell.font.bold]
    assert len(bold) > 50
    assert {cell.font.name for cell in bold} == {"Calibri"}


def test_outside_readers_see_hidden_counts_right_aligned_and_counts_with_thousands(app, runner, tmp_path,
                                                                                   manager):
    big = make_event(manager, title="Market day", type_code="awareness", groups=("villager",),
                     days=(date(2015, 4, 4),))
    from tests.factories import make_headcount

    make_headcount(big, 1200, "female")
    small = make_event(manager, title="Hotel training", groups=("hotel_staff",), days=(date(2015, 6, 6),))
    for _ in range(3):
        attend(make_participant(sex="male", group="hotel_staff"), small.sessions[0])
    db.session.commit()
    path = tmp_path / "donors-2015.xlsx"
    result = runner.invoke(args=["export-outside", "2015", str(path), "--threshold", "5"])
    assert result.exit_code == 0, result.output
    summary = open_workbook(path.read_bytes())["Summary"]

    headers = [cell.value for cell in summary[1]]
    rows = {row[0].value: row for row in summary.iter_rows(min_row=2)}
    awareness = rows["Awareness raising event"][headers.index("Female")]
    assert awareness.value == 1200 and awareness.number_format == "#,##0"
    hidden = rows["Training"][headers.index("Male")]
    assert hidden.value == "<5" and hidden.alignment.horizontal == "right"
    events = rows["Training"][headers.index("Events")]
    assert events.value == 1 and events.number_format == "#,##0"


def test_headers_wrap_and_their_row_is_tall_enough(manager_client, manager, trainer, other_trainer):
    small_year(manager, trainer, other_trainer)
    knowledge = open_workbook(workbook_bytes(manager_client))["Knowledge gain"]
    header = {cell.value: cell for cell in knowledge[1]}
    both = header["Mean post-test score, both tests (%)"]
    assert both.alignment.wrap_text
    width = knowledge.column_dimensions[both.column_letter].width
    assert width < len(both.value)  # as wide as the scores, the header on several lines
    assert knowledge.row_dimensions[1].height >= 15 * 3
    assert column_index_from_string(both.column_letter) == 8
