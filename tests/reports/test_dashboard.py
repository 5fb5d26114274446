"""The dashboard, the fiscal year setting and the export-year command."""

from datetime import date

from sqlalchemy import select

from training_portal.auth.models import AuditLog
from training_portal.settings import Setting
from training_portal.extensions import db
from tests.factories import attend, make_event, make_headcount, make_participant

from .helpers import open_workbook, row_named, sheet_rows


def test_manager_sees_the_annual_report_sentence_tables_and_downloads(manager_client, manager):
    training = make_event(manager, type_code="training", days=(date(2015, 2, 10),))
    attend(make_participant(sex="female"), training.sessions[0])
    make_headcount(make_event(manager, type_code="guest_speaker", days=(date(2015, 3, 1),)), 1234, "male")

    page = manager_client.english().get("/reports?year=2015").get_data(as_text=True)
    assert "In 2015, 1 participant attended 1 training activity." in page
    assert "Invited to be a guest speaker at 1 government-led event with 1,234 participants." in page
    for caption in ("Participants by event type", "Participants by target group", "Participants by province",
                    "Participants by month", "Participants by age band", "Knowledge gain by event type"):
        assert caption in page
    assert "Export year (xlsx)" in page
    assert 'id="dashboard-data"' in page and "vendor/chart.js/chart.umd.min.js" in page
    assert "<script>" not in page  # the content security policy allows no inline script


def test_a_trainer_sees_only_their_own_events(trainer_client, manager, trainer, other_trainer):
    own = make_event(manager, type_code="workshop", trainers=(trainer,), days=(date(2015, 3, 24),))
    theirs = make_event(manager, type_code="awareness", trainers=(other_trainer,), days=(date(2015, 4, 1),))
    attend(make_participant(), own.sessions[0])
    make_headcount(theirs, 500)

    page = trainer_client.english().get(f"/reports?year=2015&trainer={other_trainer.id}").get_data(as_text=True)
    assert "In 2015, 1 participant attended 1 workshop." in page
    assert "awareness raising event" not in page
    assert 'name="trainer"' not in page
    assert "participants.csv" not in page


def test_a_bad_filter_gets_a_message_and_no_figures(manager_client, manager):
    response = manager_client.english().get("/reports?year=1900")
    assert response.status_code == 400
    assert "Number must be between 2000 and 2100." in response.get_data(as_text=True)


def test_the_dashboard_needs_a_staff_login(client):
    response = client.get("/reports?year=2015")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_sets_the_fiscal_year_start_month(admin_client, admin, manager):
    july = make_event(manager, days=(date(2016, 1, 15),))
    attend(make_participant(), july.sessions[0])
    assert admin_client.english().get("/admin/settings").status_code == 200

    response = admin_client.post_form("/admin/settings", {"fiscal_year_start_month": "7"})
    assert response.status_code == 302
    assert db.session.get(Setting, "fiscal_year_start_month").value == "7"
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "settings.update")) is not None

    page = admin_client.get("/reports?year=2015&period=fiscal").get_data(as_text=True)
    assert "In the fiscal year 2015–2016, 1 participant attended 1 training activity." in page


def test_a_bad_fiscal_month_is_refused_and_nothing_is_written(admin_client, admin):
    response = admin_client.english().post_form("/admin/settings", {"fiscal_year_start_month": "13"})
    assert response.status_code == 400
    assert "Not a valid choice." in response.get_data(as_text=True)
    assert db.session.get(Setting, "fiscal_year_start_month") is None


def test_only_admins_change_report_settings(manager_client):
    assert manager_client.get("/admin/settings").status_code == 403
    assert manager_client.post_form("/admin/settings", {"fiscal_year_start_month": "7"}).status_code == 403


def test_export_year_writes_the_workbook_from_the_shell(runner, manager, tmp_path):
    event = make_event(manager, type_code="informant", days=(date(2015, 12, 2),))
    attend(make_participant(sex="male"), event.sessions[0])
    attend(make_participant(sex="female"), event.sessions[0])
    db.session.commit()
    path = tmp_path / "report-2015.xlsx"

    result = runner.invoke(args=["export-year", "2015", str(path)])
    assert result.exit_code == 0, result.output
    workbook = open_workbook(path.read_bytes())
    assert "Participants" in workbook.sheetnames
    row = row_named(sheet_rows(workbook, "Summary"), "Event type", "Informant discussion")
    assert (row["Participants"], row["Female"], row["Male"]) == (2, 1, 1)
    db.session.rollback()
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "report.export")).user_id is None

    khmer = tmp_path / "report-km.xlsx"
    assert runner.invoke(args=["export-year", "2015", str(khmer), "--lang", "km"]).exit_code == 0
    assert open_workbook(khmer.read_bytes()).sheetnames[0] == "សង្ខេប"
