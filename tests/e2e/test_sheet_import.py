"""A trainer uploads a typed-up paper sign-in sheet with one bad row, reads the preview and confirms."""

from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import screenshot
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
    phone.goto(f"{live_server}/login")
    phone.fill("input[name=email]", trainer.email)
    phone.fill("input[name=password]", TEST_PASSWORD)
    phone.click("input[type=submit]")
    phone.wait_for_selector("text=Upcoming sessions")

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
    assert problem.count() == 1
    text = problem.inner_text()
    assert "9" in text and "Sex" in text and "Write female, male or other." in text
    assert phone.locator("tr.valid-row").count() == 3
    screenshot(phone, "sheet-preview")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0

    phone.click("text=Confirm and record 3 rows")
    phone.wait_for_selector("text=3 participants recorded; 0 were already recorded.")
    assert phone.locator("text=Sokha Chan").count() >= 1
    screenshot(phone, "sheet-imported-roster")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 3
