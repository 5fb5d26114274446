from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import log_in, screenshot
from training_portal.events.models import Event
from training_portal.extensions import db


def test_trainer_logs_in_on_a_phone_creates_an_event_with_two_sessions_and_finds_it(live_server, phone, trainer):
    phone.context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    log_in(phone, live_server, trainer)

    phone.click("text=New event")
    phone.fill("input[name=title]", "Child-safe tourism training for hotel staff")
    phone.select_option("select[name=event_type_id]", label="Training")
    phone.select_option("select[name=province_id]", label="Siem Reap")
    phone.fill("input[name=venue]", "Angkor hotel association")
    phone.check("label:text-is('Hotel staff')")
    phone.fill("input[name='sessions-0-day']", "2026-12-03")
    phone.fill("input[name='sessions-0-start']", "08:30")
    phone.fill("input[name='sessions-0-end']", "16:30")
    phone.fill("input[name='sessions-1-day']", "2026-12-04")
    phone.fill("input[name='sessions-1-start']", "08:30")
    phone.fill("input[name='sessions-1-end']", "12:00")
    screenshot(phone, "event-new-filled")
    phone.click("#submit")
    expect(phone.get_by_text("Event created.")).to_be_visible()
    expect(phone.locator("#sessions tbody tr")).to_have_count(2)
    screenshot(phone, "event-detail")

    phone.goto(f"{live_server}/events")
    phone.fill("input[name=q]", "tourism")
    phone.click("button:has-text('Filter')")
    expect(phone.locator("text=Child-safe tourism training for hotel staff")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    db.session.rollback()  # end the test's read snapshot: see what the server wrote
    event = db.session.scalar(select(Event))
    assert event.title == "Child-safe tourism training for hotel staff"
    assert [s.local_start.strftime("%Y-%m-%d %H:%M") for s in event.sessions] == ["2026-12-03 08:30", "2026-12-04 08:30"]
    assert [group.code for group in event.target_groups] == ["hotel_staff"]
    assert event.trainers == [trainer]


def test_enter_in_the_new_event_form_saves_rather_than_adding_a_day(live_server, phone, trainer):
    phone.context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    log_in(phone, live_server, trainer)
    phone.goto(f"{live_server}/events/new")
    phone.fill("input[name=title]", "Drivers' morning")
    phone.select_option("select[name=event_type_id]", label="Training")
    phone.check("input[name=target_group_ids] >> nth=0")
    phone.fill("input[name=sessions-0-day]", "2026-12-10")
    phone.fill("input[name=sessions-0-start]", "08:00")
    phone.fill("input[name=sessions-0-end]", "10:00")
    phone.press("input[name=title]", "Enter")
    phone.wait_for_selector("text=Event created.")
    db.session.rollback()
    assert db.session.scalar(select(Event.title)) == "Drivers' morning"
