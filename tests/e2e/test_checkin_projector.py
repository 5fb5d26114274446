"""The trainer opens check-in from the event page; the projector's count follows arrivals without reloading."""

import re

from playwright.sync_api import expect

from tests.attendance.helpers import self_checkin
from tests.conftest import PortalClient
from tests.e2e.conftest import log_in, screenshot
from tests.factories import make_event
from training_portal.extensions import db


def test_projector_count_updates_while_participants_arrive(live_server, browser, app, trainer):
    event = make_event(trainer, trainers=[trainer], title="Awareness morning at the taxi stand")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, live_server, trainer)
        page.goto(f"{live_server}/events/{event.id}")
        page.click("button:has-text('Open check-in')")
        page.wait_for_selector("text=Check-in is open.")
        screenshot(page, "event-page-attendance")
        page.click("text=Projector")
        expect(page.locator("[data-code]")).to_have_text(re.compile(r"^[34679ACDEFGHJKMNPQRTUVWXY]{6}$"))
        code = page.locator("[data-code]").inner_text()
        expect(page.locator("[data-count]")).to_have_text("0")

        db.session.rollback()  # see the open check-in that the server wrote
        app.test_client_class = PortalClient
        phone = app.test_client()
        phone.set_cookie("lang", "en")
        self_checkin(phone, code)
        expect(page.locator("[data-count]")).to_have_text("1", timeout=10_000)
        screenshot(page, "projector")
    finally:
        context.close()
