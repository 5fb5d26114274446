"""A trainer uploads a typed-up paper sign-in sheet with one bad row, reads the preview and confirms."""

from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.e2e.conftest import log_in, screenshot
from tests.factories import filled_sheet, make_event
from training_portal.attendance.models import Attendance
from training_portal.extensions import db

ROWS = [
    ["Sokha Chan", "Female / ស្រី", "25-34 / ២៥-៣៤ ឆ្នាំ", "Taxi and tuk-tuk drivers", "012 345 678"],
    ["Dara Kim", "Male / ប្រុស", "18-24 / ១៨-២៤ ឆ្នាំ", "Hotel staff", ""],
    ["Bopha Meas", "unknown", "35-49 / ៣៥-៤៩ ឆ្នាំ", "Hotel staff", ""],
    ["", "ស្រី", 52, "Hotel staff", ""],
]


def test_sheet_with_one_bad_row_shows_the_error_and_confirming_imports_the_others(live_server, phone, trainer, tmp_path):
    session = make_event(trainer, trainers=[trainer]).sessions[0]
    phone.context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    log_in(phone, live_server, trainer)

    phone.goto(f"{live_server}/sessions/{session.id}/sheet")
    with phone.expect_download() as download:
        phone.click("text=Download the sign-in sheet (Excel)")
    template = download.value.path().read_bytes()
    sheet = tmp_path / "signed-in.xlsx"
    sheet.write_bytes(filled_sheet(template, ROWS))

    phone.set_input_files("input[name=sheet]", str(sheet))
    phone.click("input[type=submit][value='Check the sheet']")
    phone.wait_for_selector("text=Preview")
    problem = phone.locator("tr.problem")
    expect(problem).to_have_count(1)
    for text in ("9", "Sex", "Write f or female, m or male"):
        expect(problem).to_contain_text(text)
    expect(phone.locator("tr.valid-row")).to_have_count(3)
    screenshot(phone, "sheet-preview")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0

    phone.click("text=Confirm and record 3 rows")
    phone.wait_for_selector("text=3 participants recorded.")
    expect(phone.get_by_role("cell", name="Sokha Chan")).to_be_visible()
    screenshot(phone, "sheet-imported-roster")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 3
