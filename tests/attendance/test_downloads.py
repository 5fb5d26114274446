"""The event's attendance downloads as xlsx and csv, safe to open in a spreadsheet."""

import csv
import io
from datetime import datetime

from openpyxl import load_workbook
from sqlalchemy import select

from tests.factories import group_id, make_event, new_participant
from training_portal.attendance import headcounts, services
from training_portal.attendance.models import CheckInMethod
from training_portal.auth.models import AuditLog
from training_portal.extensions import db
from training_portal.labels import METHOD_LABELS
from training_portal.spreadsheets import csv_value
from training_portal.timeutil import to_local

NASTY_NAMES = ["=HYPERLINK(\"http://evil\")", "+1+2", "-3", "@SUM(A1)", "\tTabbed", "Bell\x07Name"]


def event_with_nasty_participants(trainer):
    event = make_event(trainer, trainers=[trainer], groups=("villager",))
    session = event.sessions[0]
    for number, name in enumerate(NASTY_NAMES):
        participant = new_participant(name, age_band="18_24", group="villager", organisation="=1+1")
        services.check_in(session, participant, CheckInMethod.WALK_IN, f"nasty-key-{number:08d}", recorded_by=trainer)
    headcounts.set_headcounts(event, {(group_id("villager"), "male"): 25}, trainer)
    db.session.commit()
    return event


def test_xlsx_download_stores_formula_like_text_as_text(trainer_client, trainer):
    event = event_with_nasty_participants(trainer)
    trainer_client.set_cookie("lang", "en")
    response = trainer_client.post_form(f"/events/{event.id}/attendance.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "Record" and "Count" in header
    cells = [row for row in sheet.iter_rows(min_row=2)]
    names = [row[header.index("Name")] for row in cells[:-1]]
    assert all(cell.data_type == "s" for cell in names)
    assert [cell.value for cell in names] == [*NASTY_NAMES[:5], "BellName"]
    assert cells[-1][0].value == "headcount" and cells[-1][header.index("Count")].value == 25
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "attendance.export"))


def test_csv_download_neutralises_formulas_and_control_characters(trainer_client, trainer):
    event = event_with_nasty_participants(trainer)
    trainer_client.set_cookie("lang", "en")
    response = trainer_client.post_form(f"/events/{event.id}/attendance.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store" and "attachment" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    name = rows[0].index("Name")
    assert [row[name] for row in rows[1:7]] == ["'=HYPERLINK(\"http://evil\")", "'+1+2", "'-3", "'@SUM(A1)", "'\tTabbed", "BellName"]
    assert all(row[rows[0].index("Organisation")] == "'=1+1" for row in rows[1:7])
    assert rows[-1][0] == "headcount" and rows[-1][-1] == "25"


def test_csv_value_leaves_ordinary_text_alone():
    assert csv_value("Sokha") == "Sokha" and csv_value("សុខា") == "សុខា" and csv_value(None) == ""
    assert csv_value(3) == "3"


def test_times_are_spreadsheet_dates_and_labels_are_the_screens(trainer_client, trainer):
    event = event_with_nasty_participants(trainer)
    session = event.sessions[0]
    trainer_client.set_cookie("lang", "en")
    roster = trainer_client.get(f"/sessions/{session.id}/roster").get_data(as_text=True)
    response = trainer_client.post_form(f"/events/{event.id}/attendance.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    first = sheet[2]
    for title in ("Session", "Checked in at"):
        cell = first[header.index(title)]
        assert isinstance(cell.value, datetime) and cell.number_format == "yyyy-mm-dd hh:mm", title
    local_start = to_local(session.starts_at).replace(tzinfo=None)
    assert first[header.index("Session")].value == local_start
    method, age = first[header.index("Method")].value, first[header.index("Age band")].value
    assert (method, age) == (str(METHOD_LABELS["walk_in"]), "18–24") and method in roster and age in roster

    text = trainer_client.post_form(f"/events/{event.id}/attendance.csv").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["Session"] == local_start.strftime("%Y-%m-%d %H:%M")
    assert rows[0]["Method"] == "Walk-in entry"


def test_other_trainers_cannot_download(other_trainer_client, trainer):
    event = make_event(trainer, trainers=[trainer])
    assert other_trainer_client.post_form(f"/events/{event.id}/attendance.csv").status_code == 403
