"""Paper sign-in sheets: the template, the upload with its preview, and the confirmation."""

import io
import re

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from tests.attendance.helpers import attendance_count, participant_count
from tests.factories import filled_sheet, make_event
from training_portal.attendance.models import Attendance, CheckInMethod, Participant
from training_portal.attendance.sheets import MAX_SHEET_ROWS
from training_portal.extensions import db

GOOD_ROWS = [
    ["Sokha Chan", "Female / ស្រី", "25-34 / ២៥-៣៤ ឆ្នាំ", "Taxi and tuk-tuk drivers", "012 345 678", "", ""],
    ["Dara Kim", "ប្រុស", "18-24", "taxi_driver", "", "Riverside Hotel", "Kampot"],
    ["", "male", 41, "Hotel staff", "", "", ""],
    ["", "male", 41, "Hotel staff", "", "", ""],  # another anonymous man of the same group: a different person
]


def template(client, session) -> bytes:
    response = client.get(f"/sessions/{session.id}/sheet.xlsx")
    assert response.status_code == 200
    return response.data


def upload(client, session, data: bytes, name="sheet.xlsx"):
    client.set_cookie("lang", "en")
    return client.post_form(f"/sessions/{session.id}/sheet", {"sheet": (io.BytesIO(data), name)},
                            content_type="multipart/form-data")


def confirm(client, session, preview_page: str):
    payload = re.search(r'name="payload"[^>]*value="([^"]+)"', preview_page).group(1)
    return client.post_form(f"/sessions/{session.id}/sheet/confirm", {"payload": payload})


def group_label(app, code):
    from training_portal.events.models import TargetGroup
    return db.session.scalar(select(TargetGroup.name_en).where(TargetGroup.code == code))


def test_template_has_bilingual_headers_and_drop_down_lists(trainer_client, trainer):
    session = make_event(trainer, trainers=[trainer]).sessions[0]
    workbook = load_workbook(io.BytesIO(template(trainer_client, session)))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[6]]
    assert "Sex / ភេទ" in headers and "Age band / ក្រុមអាយុ" in headers and "Target group / ក្រុមគោលដៅ" in headers
    ranges = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert len(ranges) == 4 and all(formula.startswith("=Lists!") for formula in ranges.values())
    lists = workbook["Lists"]
    assert lists["A1"].value == "Female / ស្រី"
    assert [lists.cell(row=r, column=3).value.split(" / ")[0] for r in (1, 2)] == ["Taxi and tuk-tuk drivers", "Hotel staff"] or lists["C1"].value


def test_sheet_with_a_bad_row_shows_row_column_and_reason_and_confirm_records_the_others(trainer_client, trainer):
    session = make_event(trainer, trainers=[trainer]).sessions[0]
    rows = GOOD_ROWS + [["Bad Row", "Female", "somewhere", "Astronauts", "12", "", ""]]
    response = upload(trainer_client, session, filled_sheet(template(trainer_client, session), rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "4 rows can be recorded" in page
    problems = re.findall(r'<tr class="problem">(.*?)</tr>', page, re.S)
    texts = [re.sub(r"<[^>]+>", " ", p) for p in problems]
    assert any("11" in t and "Age band" in t and "Choose an age band" in t for t in texts)
    assert any("11" in t and "Target group" in t and "Unknown target group" in t for t in texts)
    assert any("11" in t and "Phone" in t and "not a phone number" in t for t in texts)
    assert attendance_count() == 0  # the preview records nothing

    confirm(trainer_client, session, page)
    assert attendance_count(session) == 4 and participant_count() == 4
    dara = db.session.scalar(select(Participant).where(Participant.name == "Dara Kim"))
    assert dara.province.code == "kampot" and dara.organisation == "Riverside Hotel" and dara.age_band.value == "18_24"
    sokha = db.session.scalar(select(Participant).where(Participant.name == "Sokha Chan"))
    assert sokha.phone == "012345678" and sokha.sex.value == "female" and sokha.province.code == "phnom_penh"
    methods = set(db.session.scalars(select(Attendance.method)))
    assert methods == {CheckInMethod.IMPORT}


def test_uploading_the_same_sheet_again_records_no_duplicates(trainer_client, trainer):
    session = make_event(trainer, trainers=[trainer]).sessions[0]
    data = filled_sheet(template(trainer_client, session), GOOD_ROWS)
    confirm(trainer_client, session, upload(trainer_client, session, data).get_data(as_text=True))
    assert attendance_count() == 4
    again = confirm(trainer_client, session, upload(trainer_client, session, data).get_data(as_text=True))
    assert attendance_count() == 4 and participant_count() == 4
    assert "0 participants recorded. 4 were already recorded." in trainer_client.get(again.headers["Location"]).get_data(as_text=True)
    # The sheet with one more row added at the end records only that row.
    longer = filled_sheet(template(trainer_client, session), GOOD_ROWS + [["", "male", 41, "Hotel staff", "", "", ""]])
    confirm(trainer_client, session, upload(trainer_client, session, longer).get_data(as_text=True))
    assert attendance_count() == 5


def test_a_known_phone_number_on_paper_is_the_returning_participant(trainer_client, trainer):
    session = make_event(trainer, trainers=[trainer]).sessions[0]
    data = filled_sheet(template(trainer_client, session), GOOD_ROWS[:1])
    other = make_event(trainer, trainers=[trainer], title="Second training").sessions[0]
    confirm(trainer_client, session, upload(trainer_client, session, data).get_data(as_text=True))
    data = filled_sheet(template(trainer_client, other), GOOD_ROWS[:1])
    confirm(trainer_client, other, upload(trainer_client, other, data).get_data(as_text=True))
    assert participant_count() == 1 and attendance_count() == 2


def test_a_file_that_is_not_an_xlsx_is_refused_plainly(trainer_client, trainer):
    session = make_event(trainer, trainers=[trainer]).sessions[0]
    for data, name in ((b"name,sex\nA,female\n", "sheet.csv"), (b"PK\x03\x04garbage", "sheet.xlsx"), (b"", "empty.xlsx")):
        response = upload(trainer_client, session, data, name)
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "not an Excel workbook" in page or "Choose the file" in page
    assert attendance_count() == 0


def test_a_sheet_without_our_headers_or_with_too_many_rows_is_refused(trainer_client, trainer):
    session = make_event(trainer, trainers=[trainer]).sessions[0]
    workbook = Workbook()
    workbook.active.append(["Who", "When"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert "No header row found" in upload(trainer_client, session, buffer.getvalue()).get_data(as_text=True)
    rows = [["", "female", "18-24", "Hotel staff"]] * (MAX_SHEET_ROWS + 1)
    big = filled_sheet(template(trainer_client, session), rows)
    assert "more than 1,000 rows" in upload(trainer_client, session, big).get_data(as_text=True)


def test_a_sheet_for_another_session_is_refused(trainer_client, trainer):
    event = make_event(trainer, trainers=[trainer], days=[__import__("datetime").date(2015, 3, 10),
                                                          __import__("datetime").date(2015, 3, 11)])
    first, second = event.sessions
    data = filled_sheet(template(trainer_client, first), GOOD_ROWS)
    assert "another session" in upload(trainer_client, second, data).get_data(as_text=True)


def test_a_changed_preview_is_refused(trainer_client, trainer):
    session = make_event(trainer, trainers=[trainer]).sessions[0]
    response = trainer_client.post_form(f"/sessions/{session.id}/sheet/confirm", {"payload": "eyJzY29wZSI6MX0.forged"})
    assert response.status_code == 302 and attendance_count() == 0


def test_pre_registration_from_a_sheet_is_idempotent(trainer_client, trainer):
    event = make_event(trainer, trainers=[trainer])
    data = filled_sheet(trainer_client.get(f"/events/{event.id}/participants/sheet.xlsx").data, GOOD_ROWS[:2])
    for _ in range(2):
        trainer_client.set_cookie("lang", "en")
        page = trainer_client.post_form(f"/events/{event.id}/participants/sheet", {"sheet": (io.BytesIO(data), "s.xlsx")},
                                        content_type="multipart/form-data").get_data(as_text=True)
        payload = re.search(r'name="payload"[^>]*value="([^"]+)"', page).group(1)
        trainer_client.post_form(f"/events/{event.id}/participants/sheet/confirm", {"payload": payload})
    assert participant_count() == 2 and attendance_count() == 0
    assert "Sokha Chan" in trainer_client.get(f"/events/{event.id}/cards").get_data(as_text=True)


def test_a_repeated_row_is_flagged_in_the_preview_and_the_counts_use_real_plurals(trainer_client, trainer):
    session = make_event(trainer, trainers=[trainer]).sessions[0]
    # Rows 7 to 11: Sokha's row is written again at row 11 (same phone), and row 10 repeats row 9.
    rows = GOOD_ROWS + [["Sokha Chan", "Female", "25-34", "Taxi and tuk-tuk drivers", "012345678", "", ""]]
    page = upload(trainer_client, session, filled_sheet(template(trainer_client, session), rows)).get_data(as_text=True)
    valid = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
             for row in re.findall(r'<tr class="valid-row[^"]*">(.*?)</tr>', page, re.S)]
    assert [row.split(" ")[0] for row in valid] == ["7", "8", "9", "10", "11"]
    assert "repeat of row" not in " ".join(valid[:3])
    assert valid[3].startswith("10 repeat of row 9") and valid[4].startswith("11 repeat of row 7")
    assert "2 rows repeat an earlier row of this sheet." in page
    assert "Confirm and record 5 rows" in page

    done = trainer_client.get(confirm(trainer_client, session, page).headers["Location"]).get_data(as_text=True)
    assert "4 participants recorded. 1 was already recorded." in done
    assert attendance_count(session) == 4 and participant_count() == 4


def test_one_row_is_counted_in_the_singular(trainer_client, trainer):
    session = make_event(trainer, trainers=[trainer]).sessions[0]
    page = upload(trainer_client, session, filled_sheet(template(trainer_client, session), GOOD_ROWS[:1])).get_data(
        as_text=True)
    assert "1 row can be recorded." in page and "Confirm and record 1 row<" in page and "repeat" not in page
    done = trainer_client.get(confirm(trainer_client, session, page).headers["Location"]).get_data(as_text=True)
    assert "1 participant recorded." in done and "already" not in done


def test_the_drop_down_lists_cover_every_row_an_upload_accepts(trainer_client, trainer):
    session = make_event(trainer, trainers=[trainer]).sessions[0]
    sheet = load_workbook(io.BytesIO(template(trainer_client, session))).worksheets[0]
    last_row = 6 + MAX_SHEET_ROWS
    assert {str(v.sqref) for v in sheet.data_validations.dataValidation} == {
        f"{column}7:{column}{last_row}" for column in "BCDG"}  # sex, age band, target group, province


def test_sex_written_as_a_cross_a_dash_or_in_khmer_is_other_or_not_stated(trainer_client, trainer):
    session = make_event(trainer, trainers=[trainer]).sessions[0]
    written = ["X", "x", "-", "o", "Other", "not stated", "ផ្សេងៗ", "ផ្សេងទៀត", "មិនបញ្ជាក់"]
    rows = [[f"Person {number}", sex, "18-24", "Hotel staff", "", "", ""] for number, sex in enumerate(written)]
    rows += [["Woman", "F", "18-24", "Hotel staff", "", "", ""], ["Man", "m", "18-24", "Hotel staff", "", "", ""]]
    page = upload(trainer_client, session, filled_sheet(template(trainer_client, session), rows)).get_data(as_text=True)
    assert 'class="problem"' not in page
    confirm(trainer_client, session, page)
    sexes = {p.name: p.sex.value for p in db.session.scalars(select(Participant))}
    assert sexes == {**{f"Person {number}": "other" for number in range(len(written))},
                     "Woman": "female", "Man": "male"}


def test_an_unknown_sex_says_what_to_write_in_the_users_language(trainer_client, trainer):
    session = make_event(trainer, trainers=[trainer]).sessions[0]
    data = filled_sheet(template(trainer_client, session), [["Bopha", "unknown", "18-24", "Hotel staff", "", "", ""]])
    page = upload(trainer_client, session, data).get_data(as_text=True)
    assert "Write f or female, m or male, and x, o, - or other when not stated (or these words in Khmer)." in page
    trainer_client.set_cookie("lang", "km")
    page = trainer_client.post_form(f"/sessions/{session.id}/sheet", {"sheet": (io.BytesIO(data), "s.xlsx")},
                                    content_type="multipart/form-data").get_data(as_text=True)
    assert "សរសេរ ស្រី ឬ f, ប្រុស ឬ m, ហើយ ផ្សេងៗ, មិនបញ្ជាក់, x, o ឬ - នៅពេលមិនបញ្ជាក់ភេទ។" in page
    assert attendance_count() == 0 and participant_count() == 0
