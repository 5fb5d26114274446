"""The audit log page (filterable, paginated) and the settings page, for admins only."""

from datetime import datetime

from sqlalchemy import select

from tests.security.conftest import client_for
from training_portal.auth.models import AuditLog
from training_portal.auth.services import log_action
from training_portal.extensions import db
from training_portal.i18n import khmer_digits_setting
from training_portal.reports.period import fiscal_year_start_month


def add_entries(world):
    log_action(world.trainer, "event.create", world.event, title="<b>Hotel</b> training")
    log_action(world.manager, "report.export", None, export="workbook")
    log_action(None, "user.create", world.victim, via="shell")
    old = log_action(world.admin, "user.disable", world.victim)
    db.session.flush()
    old.at = datetime(2015, 1, 5, 3, 0)  # 10:00 in Phnom Penh
    db.session.commit()


def rows_of(page: str) -> int:
    return page.count("<tr>") - 1  # minus the header row


def test_the_audit_log_lists_who_did_what_and_escapes_details(app, world):
    add_entries(world)
    admin = client_for(app, world, "admin")
    admin.set_cookie("lang", "en")
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "Sokha Trainer" in page and "<code>event.create</code>" in page and "Shell command or system" in page
    assert "<b>Hotel</b>" not in page and "&lt;b&gt;Hotel&lt;/b&gt;" in page


def test_the_audit_log_filters_by_person_action_kind_and_dates(app, world):
    add_entries(world)
    admin = client_for(app, world, "admin")
    admin.set_cookie("lang", "en")
    by_user = admin.get(f"/admin/audit?user={world.trainer.id}").get_data(as_text=True)
    assert "<code>event.create</code>" in by_user and "<code>report.export</code>" not in by_user
    shell = admin.get("/admin/audit?user=-1").get_data(as_text=True)
    assert "<code>user.create</code>" in shell and "<code>event.create</code>" not in shell
    by_action = admin.get("/admin/audit?action=report.export").get_data(as_text=True)
    assert "<code>report.export</code>" in by_action and rows_of(by_action) == 1
    by_kind = admin.get("/admin/audit?object_type=User").get_data(as_text=True)
    assert rows_of(by_kind) == 2
    by_dates = admin.get("/admin/audit?date_from=2015-01-05&date_to=2015-01-05").get_data(as_text=True)
    assert "<code>user.disable</code>" in by_dates and rows_of(by_dates) == 1
    wrong = admin.get("/admin/audit?date_from=2015-02-01&date_to=2015-01-01")
    assert "The end date is before the start date." in wrong.get_data(as_text=True)
    assert admin.get("/admin/audit?user=abc&date_from=nonsense&page=-4").status_code == 200


def test_the_audit_log_is_paginated(app, world):
    for number in range(120):
        log_action(world.admin, "reference.update", world.spare_group, number=number)
    db.session.commit()
    admin = client_for(app, world, "admin")
    admin.set_cookie("lang", "en")
    first = admin.get("/admin/audit").get_data(as_text=True)
    assert rows_of(first) == 50 and "Page 1 of 3" in first
    last = admin.get("/admin/audit?page=3&action=reference.update").get_data(as_text=True)
    assert rows_of(last) == 20 and "Page 3 of 3" in last
    assert admin.get("/admin/audit?page=99").status_code == 200


def test_the_settings_page_holds_every_program_setting(app, world):
    admin = client_for(app, world, "admin")
    admin.set_cookie("lang", "en")
    page = admin.get("/admin/settings").get_data(as_text=True)
    for name in ("retention_months", "small_cell_threshold", "fiscal_year_start_month", "khmer_digits"):
        assert f'name="{name}"' in page
    response = admin.post_form("/admin/settings", {"retention_months": "36", "small_cell_threshold": "10",
                                                   "fiscal_year_start_month": "7", "khmer_digits": "y"})
    assert response.status_code == 302
    assert fiscal_year_start_month() == 7 and khmer_digits_setting() is True
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "settings.update"))
    assert '"fiscal_year_start_month": [1, 7]' in entry.details and '"khmer_digits": [false, true]' in entry.details
    again = admin.post_form("/admin/settings", {"retention_months": "36", "small_cell_threshold": "10",
                                                "fiscal_year_start_month": "7", "khmer_digits": "y"})
    assert again.status_code == 302
    assert len(db.session.scalars(select(AuditLog).where(AuditLog.action == "settings.update")).all()) == 1


def test_nobody_but_an_admin_sees_the_audit_log_or_the_settings(app, world):
    for role in ("trainer", "manager"):
        client = client_for(app, world, role)
        assert client.get("/admin/audit").status_code == 403
        assert client.get("/admin/settings").status_code == 403


def test_the_settings_hints_are_text_not_markup(app, world):
    admin = client_for(app, world, "admin")
    admin.set_cookie("lang", "en")
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert "shown as \u201c&lt;N\u201d" in page
