"""Retention: personal fields go after the retention period, counts stay (issue 7, privacy)."""

from datetime import datetime

from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD
from tests.factories import attend, make_participant
from tests.security.conftest import PHONE, client_for
from training_portal import retention
from training_portal.attendance.device import PARTICIPANT_COOKIE
from training_portal.attendance.models import AgeBand, Attendance, Participant, Sex
from training_portal.auth.models import AuditLog
from training_portal.demo import seed_demo
from training_portal.extensions import db
from training_portal.reports import outside_readers
from training_portal.reports import tables as report_tables
from training_portal.reports import tables as report_tables
from training_portal.reports.period import Period, ReportFilters
from training_portal.settings import RETENTION_MONTHS, Setting, get_setting, set_setting

NOW = datetime(2026, 11, 23, 9, 0)


def report_numbers(year: int = 2015):
    """Everything the yearly report says: totals, sentences and every aggregate table."""
    report = report_tables.build_report(ReportFilters(Period(year)))
    tables = {key: ([list(row) for row in table.rows], table.total) for key, table in report.tables.items()}
    return report.totals, report.unique_by_sex, report.sentences, tables


def test_months_before_handles_month_ends():
    assert retention.months_before(datetime(2026, 3, 31, 12), 1) == datetime(2026, 2, 28, 12)
    assert retention.months_before(datetime(2026, 1, 15), 24) == datetime(2024, 1, 15)
    assert retention.months_before(datetime(2024, 3, 30), 1) == datetime(2024, 2, 29)


def test_retention_anonymises_the_demo_year_and_every_count_stays(app):
    seed_demo(app.instance_path)
    db.session.commit()
    before = report_numbers()
    people = db.session.scalar(select(func.count()).select_from(Participant))
    assert people > 900  # unique individuals of the demo year

    assert retention.apply_retention(now=datetime(2016, 6, 1), months=24) == 0  # still within the period
    assert retention.apply_retention(now=NOW, months=24) == people
    db.session.commit()

    assert report_numbers() == before
    assert db.session.scalar(select(func.count()).select_from(Participant).where(
        (Participant.name != "") | Participant.phone.is_not(None) | (Participant.organisation != "")
        | Participant.anonymised_at.is_(None))) == 0
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "participants.anonymise"))
    assert entry is not None and f'"count": {people}' in entry.details
    assert retention.apply_retention(now=NOW, months=24) == 0  # nothing left to do


def test_only_people_not_seen_for_the_whole_period_are_anonymised(app, world):
    old_card = world.participant.card_code
    world.attendance.checked_in_at = datetime(2025, 2, 1)
    recent = make_participant(name="Recent Visitor", sex="male", age_band="18_24", group="hotel_staff",
                              phone="098765432", organisation="Tuk-tuk association")
    attend(recent, world.spare_session, method="walk_in").checked_in_at = datetime(2026, 1, 10)
    db.session.commit()

    assert retention.apply_retention(now=NOW, months=24) == 0
    assert retention.apply_retention(now=NOW, months=12) == 1
    db.session.commit()
    gone, kept = db.session.get(Participant, world.participant.id), db.session.get(Participant, recent.id)
    assert (gone.name, gone.phone, gone.organisation, gone.anonymised_at) == ("", None, "", NOW)
    assert gone.card_code != old_card and len(gone.card_code) >= 22
    assert (gone.sex, gone.age_band, gone.target_group_id) == (Sex.FEMALE, AgeBand.AGE_25_34,
                                                                world.participant.target_group_id)
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 2  # attendance stays
    assert (kept.name, kept.phone) == ("Recent Visitor", "098765432")


def test_the_phone_and_the_card_no_longer_find_an_anonymised_person(app, world):
    old_card = world.participant.card_code
    world.attendance.checked_in_at = datetime(2020, 1, 1)
    db.session.commit()
    retention.apply_retention(now=NOW, months=12)
    db.session.commit()
    phone = client_for(app, world, "anonymous")
    phone.set_cookie(PARTICIPANT_COOKIE, old_card)  # the cookie the phone kept
    page = phone.get(f"/c/{world.session.checkin_code}").get_data(as_text=True)
    assert "Dara Sok" not in page
    assert phone.get(f"/p/{old_card}").status_code == 404
    staff = client_for(app, world, "trainer")
    roster = staff.get(f"/sessions/{world.session.id}/roster").get_data(as_text=True)
    assert "Dara Sok" not in roster and PHONE not in roster


def test_the_admin_sets_the_period_and_the_command_applies_it(app, world, runner):
    result = runner.invoke(args=["anonymise"])
    assert result.exit_code != 0 and "No retention period" in result.output

    admin = client_for(app, world, "admin")
    response = admin.post_form("/admin/settings", {"retention_months": "18", "small_cell_threshold": "5",
                                                   "fiscal_year_start_month": "1"})
    assert response.status_code == 302
    assert get_setting(RETENTION_MONTHS) == "18"
    assert db.session.scalar(select(AuditLog.details).where(AuditLog.action == "settings.update")) \
        .startswith('{"retention_months": [0, 18]')

    world.attendance.checked_in_at = datetime(2015, 3, 10)
    db.session.commit()
    result = runner.invoke(args=["anonymise"])
    assert result.exit_code == 0 and "Anonymised 1 participant(s)" in result.output
    assert db.session.get(Participant, world.participant.id).anonymised_at is not None


def test_a_period_of_zero_keeps_everything(app, world):
    set_setting(RETENTION_MONTHS, 0)
    world.attendance.checked_in_at = datetime(2001, 1, 1)
    db.session.commit()
    assert retention.apply_retention(now=NOW) == 0
    assert db.session.get(Participant, world.participant.id).name == "Dara Sok"


def test_settings_refuse_a_negative_period_and_store_nothing(app, world):
    admin = client_for(app, world, "admin")
    admin.set_cookie("lang", "en")
    response = admin.post_form("/admin/settings", {"retention_months": "-3", "small_cell_threshold": "5",
                                                   "fiscal_year_start_month": "1"})
    assert response.status_code == 400 and "Number must be between 0 and 600" in response.get_data(as_text=True)
    assert db.session.get(Setting, RETENTION_MONTHS) is None


def test_small_counts_are_hidden_for_outside_readers(app):
    rows = [["Taxi drivers", 12, 3, 0, 1], ["Hotel staff", 4, 4, 0, 0]]
    assert outside_readers.suppress_small_counts(rows, [1, 2, 3, 4], 5) == [
        ["Taxi drivers", 12, "<5", 0, "<5"], ["Hotel staff", "<5", "<5", 0, 0]]
    assert rows[0][2] == 3  # the input is left as it was


def test_a_report_table_can_be_suppressed_for_a_workbook_meant_for_outside_readers(app, world):
    table = report_tables.build_table("by_target_group", ReportFilters(Period(2015)))
    hidden = outside_readers.suppress_table(table, threshold=5)
    rows = [list(row) for row in hidden.rows]
    people = [index for index, column in enumerate(hidden.columns) if column.key != "events" and index > 0]
    assert any("<5" in row for row in rows)  # the one hotel-staff participant
    assert all(not (isinstance(row[index], int) and 0 < row[index] < 5) for row in rows for index in people)
    assert outside_readers.suppress_table(table, threshold=0) is table


def test_the_password_of_the_admin_is_not_needed_for_settings_but_the_role_is(app, world):
    trainer = client_for(app, world, "trainer")
    assert trainer.post_form("/admin/settings", {"retention_months": "1"}).status_code == 403
    assert db.session.get(Setting, RETENTION_MONTHS) is None
    assert TEST_PASSWORD


def test_the_workbook_for_outside_readers_has_aggregates_only_and_hides_small_counts(app, runner, tmp_path):
    from openpyxl import load_workbook

    seed_demo(app.instance_path)
    db.session.commit()
    path = tmp_path / "donors-2015.xlsx"
    result = runner.invoke(args=["export-outside", "2015", str(path), "--threshold", "10"])
    assert result.exit_code == 0, result.output
    workbook = load_workbook(path)
    titles = [title.lower() for title in workbook.sheetnames]
    assert not any("participant" in title and "by" not in title for title in titles)
    assert "events" not in titles
    hidden, small = 0, []
    for sheet in workbook.worksheets:
        headers = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
        for row in sheet.iter_rows(min_row=2):
            for cell, header in zip(row[1:], headers[1:], strict=False):
                if cell.value == "<10":
                    hidden += 1
                elif (isinstance(cell.value, int) and 0 < cell.value < 10 and not cell.font.bold
                      and header != "Events"):
                    small.append((sheet.title, cell.coordinate, cell.value))
    assert hidden > 0 and small == []
    summary = workbook.worksheets[0]
    event_counts = [row[1].value for row in summary.iter_rows(min_row=2) if isinstance(row[1].value, int)]
    assert 2 in event_counts  # 2 workshops: a number of events is shown as it is
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "report.export"))
    assert '"outside_readers_workbook"' in entry.details and '"threshold": 10' in entry.details
