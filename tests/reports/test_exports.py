"""Workbook, csv and attendance downloads: content by header name, safety, access and the audit log."""

import csv
import io
import json
from datetime import date, datetime

from sqlalchemy import select

from training_portal.auth.models import AuditLog
from training_portal.extensions import db
from tests.factories import attend, make_attempt, make_event, make_headcount, make_participant

from .helpers import open_workbook, row_named, sheet_rows

WORKBOOK_URL = "/reports/workbook?year=2015"
SHEETS = ["Summary", "By target group", "By province", "By month", "By age band", "Knowledge gain", "Events",
          "Participants", "About these figures"]


def small_year(manager, trainer, other_trainer):
    """Two trainers' events in 2015: one with individual attendance, one with a headcount."""
    own = make_event(manager, title="Training for hotel staff", type_code="training", groups=("hotel_staff",),
                     trainers=(trainer,), days=(date(2015, 2, 10), date(2015, 2, 11)))
    theirs = make_event(manager, title="Market awareness day", type_code="awareness", groups=("villager",),
                        trainers=(other_trainer,), days=(date(2015, 6, 1),))
    sreymom = make_participant(sex="female", group="hotel_staff", age_band="18_24", name="Sreymom")
    attend(sreymom, own.sessions[0], recorded_by=trainer)
    attend(sreymom, own.sessions[1], recorded_by=trainer)
    vuthy = make_participant(sex="male", group="hotel_staff", age_band="25_34", name="Vuthy")
    attend(vuthy, own.sessions[0], recorded_by=trainer)
    make_attempt(sreymom, own, "pre", 50)
    make_attempt(sreymom, own, "post", 75)
    make_headcount(theirs, 40, "female")
    make_headcount(theirs, 35, "male")
    db.session.commit()
    return own, theirs


def test_manager_downloads_the_yearly_workbook(manager_client, manager, trainer, other_trainer):
    own, theirs = small_year(manager, trainer, other_trainer)
    response = download(manager_client, WORKBOOK_URL, {"language": "en"})

    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "training-report-2015.xlsx" in response.headers["Content-Disposition"]
    workbook = open_workbook(response.data)
    assert workbook.sheetnames == SHEETS

    summary = sheet_rows(workbook, "Summary")
    training = row_named(summary, "Event type", "Training")
    assert (training["Events"], training["Participants"], training["Female"], training["Male"]) == (1, 2, 1, 1)
    assert row_named(summary, "Event type", "Awareness raising event")["Headcount"] == 75
    assert row_named(summary, "Event type", "Total")["Participants"] == 77
    assert "In 2015, 77 participants attended 1 awareness raising event and 1 training activity." in [
        row["Event type"] for row in summary]

    events = sheet_rows(workbook, "Events")
    assert row_named(events, "Event ID", own.id)["Counting"] == "Individual attendance"
    assert row_named(events, "Event ID", theirs.id)["Counting"] == "Headcount"
    assert row_named(events, "Event ID", own.id)["Sessions"] == 2
    assert row_named(events, "Event ID", own.id)["Mean gain (percentage points)"] == 25
    knowledge = row_named(sheet_rows(workbook, "Knowledge gain"), "Event type", "Total")
    assert knowledge["Normalised gain (Hake's g)"] == 0.5
    assert row_named(sheet_rows(workbook, "Participants"), "Name", "Sreymom")["Sessions attended"] == 2
    ages = sheet_rows(workbook, "By age band")
    assert row_named(ages, "Age band", "Not recorded")["Participants"] == 75


def test_every_sheet_has_a_bold_frozen_header_row_and_summary_has_charts(manager_client, manager, trainer,
                                                                         other_trainer):
    small_year(manager, trainer, other_trainer)
    workbook = open_workbook(download(manager_client, WORKBOOK_URL, {"language": "en"}).data)
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(cell.font.bold for cell in sheet[1] if cell.value is not None), sheet.title
        assert sheet.column_dimensions["A"].width >= 10
    assert len(workbook["Summary"]._charts) == 3
    month = sheet_rows(workbook, "By month")[0]["Month"]
    assert month.date() == date(2015, 1, 1)
    assert workbook["By month"]["A2"].number_format == "yyyy-mm"
    assert workbook["Knowledge gain"]["C2"].number_format == "0.0"
    assert workbook["Events"]["B2"].number_format == "yyyy-mm-dd"


def test_the_workbook_in_khmer_has_khmer_sheet_titles_and_headers(manager_client, manager, trainer, other_trainer):
    small_year(manager, trainer, other_trainer)
    workbook = open_workbook(download(manager_client, WORKBOOK_URL, {"language": "km"}).data)
    assert workbook.sheetnames[:2] == ["សង្ខេប", "តាមក្រុមគោលដៅ"]
    summary = sheet_rows(workbook, "សង្ខេប")
    assert row_named(summary, "ប្រភេទព្រឹត្តិការណ៍", "វគ្គបណ្តុះបណ្តាល")["អ្នកចូលរួម"] == 2


def test_a_trainer_exports_their_own_events_without_the_participants_sheet(trainer_client, manager, trainer,
                                                                          other_trainer):
    own, _theirs = small_year(manager, trainer, other_trainer)
    workbook = open_workbook(download(trainer_client, WORKBOOK_URL, {"language": "en"}).data)
    assert "Participants" not in workbook.sheetnames
    assert [row["Event ID"] for row in sheet_rows(workbook, "Events")] == [own.id]
    assert row_named(sheet_rows(workbook, "Summary"), "Event type", "Total")["Participants"] == 2
    assert download(trainer_client, "/reports/tables/participants.csv?year=2015").status_code == 403
    # Asking for another trainer's events still gives only one's own.
    other = download(trainer_client, f"/reports/tables/events.csv?year=2015&trainer={other_trainer.id}")
    assert [row["Event ID"] for row in read_csv(other.data)] == [str(own.id)]


def test_exports_need_a_csrf_token_and_valid_filters(manager_client, manager):
    assert manager_client.post(WORKBOOK_URL, data={"language": "en"}).status_code == 400
    assert download(manager_client, "/reports/workbook?year=1066").status_code == 400
    assert download(manager_client, "/reports/tables/secrets.csv?year=2015").status_code == 404
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "report.export")) is None


def test_exports_are_written_to_the_audit_log(manager_client, manager):
    download(manager_client, "/reports/attendance.csv?year=2015&period=calendar", {"language": "en"})
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "report.export"))
    assert entry.user_id == manager.id
    details = json.loads(entry.details)
    assert (details["export"], details["year"], details["language"]) == ("attendance:csv", 2015, "en")


def download(client, url: str, data: dict | None = None):
    """POST an export form (the language defaults to English)."""
    return client.post_form(url, {"language": "en"} if data is None else data)


def read_csv(data: bytes) -> list[dict]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_each_table_downloads_as_csv_with_the_same_numbers(manager_client, manager, trainer, other_trainer):
    small_year(manager, trainer, other_trainer)
    response = download(manager_client, "/reports/tables/by_target_group.csv?year=2015")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == "attachment; filename=by-target-group-2015.csv"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = read_csv(response.data)
    assert row_named(rows, "Target group", "Hotel staff")["Participants"] == "2"
    assert row_named(rows, "Target group", "Villagers")["Female"] == "40"
    assert row_named(rows, "Target group", "Total")["Participants"] == "77"
    months = read_csv(download(manager_client, "/reports/tables/by_month.csv?year=2015").data)
    assert [row["Month"] for row in months][:2] == ["2015-01", "2015-02"]


def test_text_that_looks_like_a_formula_is_exported_as_text(manager_client, manager):
    event = make_event(manager, title="=HYPERLINK(\"http://evil.example\",\"click\")", days=(date(2015, 3, 1),))
    attend(make_participant(name="=1+2"), event.sessions[0])
    attend(make_participant(name="@SUM(A1)\x07"), event.sessions[0])
    db.session.commit()

    workbook = open_workbook(download(manager_client, WORKBOOK_URL, {"language": "en"}).data)
    names = {row["Name"] for row in sheet_rows(workbook, "Participants")}
    assert names == {"=1+2", "@SUM(A1)"}  # kept as typed, the bell character removed
    for row in workbook["Participants"].iter_rows(min_row=2):
        assert row[1].data_type == "s"
    title_cell = workbook["Events"]["C2"]
    assert (title_cell.value, title_cell.data_type) == (event.title, "s")

    people = read_csv(download(manager_client, "/reports/tables/participants.csv?year=2015").data)
    assert {row["Name"] for row in people} == {"'=1+2", "'@SUM(A1)"}
    events = read_csv(download(manager_client, "/reports/tables/events.csv?year=2015").data)
    assert events[0]["Event"] == "'" + event.title


def test_attendance_download_has_one_row_per_participant_and_session(manager_client, manager, trainer,
                                                                     other_trainer):
    own, _theirs = small_year(manager, trainer, other_trainer)
    response = download(manager_client, "/reports/attendance.xlsx?year=2015", {"language": "en"})
    assert response.headers["Cache-Control"] == "no-store"
    assert "attendance-2015.xlsx" in response.headers["Content-Disposition"]
    rows = sheet_rows(open_workbook(response.data), "Attendance")
    assert len(rows) == 3
    assert list(rows[0]) == ["Date", "Event ID", "Event", "Event type", "Province", "Session", "Start time",
                             "Participant ID", "Sex", "Age band", "Target group", "Method", "Recorded by"]
    second_day = [row for row in rows if row["Session"] == 2]
    assert len(second_day) == 1
    assert second_day[0]["Date"].date() == date(2015, 2, 11)
    assert (second_day[0]["Event ID"], second_day[0]["Sex"], second_day[0]["Age band"]) == (own.id, "Female", "18–24")
    assert (second_day[0]["Start time"], second_day[0]["Method"]) == (datetime(2015, 2, 11, 8, 30), "Card scan")
    assert second_day[0]["Recorded by"] == trainer.name
    sheet = open_workbook(response.data)["Attendance"]
    assert [sheet.cell(2, column).number_format for column in (1, 7)] == ["yyyy-mm-dd", "yyyy-mm-dd hh:mm"]
    # The same words as the session's roster page, in either language.
    manager_client.set_cookie("lang", "en")
    roster = manager_client.get(f"/sessions/{own.sessions[1].id}/roster").get_data(as_text=True)
    assert "Card scan" in roster and "18–24" in roster
    in_khmer = sheet_rows(open_workbook(download(manager_client, "/reports/attendance.xlsx?year=2015",
                                                 {"language": "km"}).data), "វត្តមាន")[0]
    manager_client.set_cookie("lang", "km")
    roster = manager_client.get(f"/sessions/{own.sessions[1].id}/roster").get_data(as_text=True)
    assert in_khmer["វិធីចុះវត្តមាន"] == "ស្កេនកាត" and "ស្កេនកាត" in roster

    as_csv = read_csv(download(manager_client, "/reports/attendance.csv?year=2015").data)
    assert len(as_csv) == 3 and as_csv[0]["Target group"] == "Hotel staff"
    assert (as_csv[0]["Date"], as_csv[0]["Start time"]) == ("2015-02-10", "2015-02-10 08:30")
