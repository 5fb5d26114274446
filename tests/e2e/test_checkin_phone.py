"""A participant checks in on a cheap phone (360x740) in real Chromium."""

from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.e2e.conftest import screenshot
from tests.factories import open_event
from training_portal.attendance.models import Attendance, Participant
from training_portal.extensions import db


def test_participant_checks_in_on_a_phone_and_is_told_already_checked_in_when_reopening(live_server, phone, trainer):
    event = open_event(trainer, title="Child-safe tourism training", groups=("tour_guide", "hotel_staff"))
    code = event.sessions[0].checkin_code
    phone.context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])

    phone.goto(f"{live_server}/c/{code}")
    expect(phone.locator("text=Child-safe tourism training")).to_be_visible()
    phone.fill("input[name=name]", "Sokha Chan")
    phone.check("input[name=sex][value=female]")
    phone.select_option("select[name=age_band]", "25_34")
    phone.select_option("select[name=target_group_id]", label="Hotel staff")
    phone.fill("input[name=phone]", "012 345 678")
    phone.check("input[name=consent]")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "checkin-form")
    phone.click("input[type=submit][value='Check in']")
    phone.wait_for_selector("text=You are checked in, Sokha Chan.")
    expect(phone.locator(".personal-card svg")).to_be_visible()
    screenshot(phone, "checkin-done")

    phone.goto(f"{live_server}/c/{code}")
    phone.wait_for_selector("text=Sokha Chan, you are already checked in.")
    expect(phone.locator("text=Nothing new was recorded.")).to_be_visible()
    screenshot(phone, "checkin-already")

    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 1
    participant = db.session.scalar(select(Participant))
    assert (participant.name, participant.phone, participant.target_group.code) == ("Sokha Chan", "012345678", "hotel_staff")


def test_reloading_the_check_in_form_keeps_what_was_typed(live_server, phone, trainer):
    event = open_event(trainer, groups=("tour_guide", "hotel_staff"))
    phone.context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    phone.goto(f"{live_server}/c/{event.sessions[0].checkin_code}")
    phone.fill("input[name=name]", "Sokha Chan")
    phone.check("input[name=sex][value=female]")
    phone.select_option("select[name=age_band]", "25_34")
    phone.fill("input[name=phone]", "012 345 678")

    phone.reload()
    expect(phone.locator("input[name=name]")).to_have_value("Sokha Chan")
    expect(phone.locator("input[name=sex][value=female]")).to_be_checked()
    expect(phone.locator("select[name=age_band]")).to_have_value("25_34")
    expect(phone.locator("form.checkin-form input[name=phone]")).to_have_value("012 345 678")
    phone.check("input[name=consent]")
    phone.select_option("select[name=target_group_id]", label="Hotel staff")
    phone.click("input[type=submit][value='Check in']")
    phone.wait_for_selector("text=You are checked in, Sokha Chan.")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 1
