"""A trainer on a 360 px phone: from the login page to a projected QR in three taps, and no page of the way
wider than the screen."""

from datetime import time, timedelta

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, screenshot
from tests.factories import TEST_PASSWORD, make_event
from training_portal.timeutil import local_today


class Taps:
    """Counts the trainer's taps, and checks each page the taps lead to fits the screen's width."""

    def __init__(self, page):
        self.page, self.count, self.widths = page, 0, {}

    def tap(self, locator) -> None:
        locator.tap()
        self.count += 1
        self.page.wait_for_load_state()

    def measure(self, name: str) -> None:
        self.widths[name] = self.page.evaluate("document.documentElement.scrollWidth")


def test_trainer_opens_check_in_and_projects_the_qr_in_three_taps(live_server, phone, trainer):
    today = local_today()
    event = make_event(trainer, trainers=[trainer], title="Child safe tourism: hotel staff of Kampot",
                       days=(today, today + timedelta(days=1)), start=time(0, 0), end=time(23, 59), language="en")
    first = event.sessions[0]
    phone.context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    taps = Taps(phone)

    phone.goto(f"{live_server}/login")
    taps.measure("login")
    phone.fill("input[name=email]", trainer.email)
    phone.fill("input[name=password]", TEST_PASSWORD)
    taps.tap(phone.locator("input[type=submit]"))
    expect(phone).to_have_url(f"{live_server}/")
    taps.measure("home")

    row = phone.locator(f"#session-{first.id}")
    taps.tap(row.get_by_role("button", name="Open check-in"))
    expect(phone.get_by_text("Check-in is open.")).to_be_visible()
    expect(phone).to_have_url(f"{live_server}/#session-{first.id}")
    expect(row.get_by_role("button", name="Close check-in")).to_be_in_viewport()
    taps.measure("home, check-in open")

    taps.tap(row.get_by_role("link", name="Projector"))
    expect(phone).to_have_url(f"{live_server}/sessions/{first.id}/projector")
    qr = phone.locator(".projector-qr svg.qr")
    expect(qr).to_be_in_viewport(ratio=1)
    expect(phone.locator("[data-closed]")).to_have_count(0)
    expect(phone.locator("[data-code]")).to_have_text(first.checkin_code)
    taps.measure("projector")
    screenshot(phone, "trainer-phone-projector")
    assert taps.count == 3

    for name, path in [("event", f"/events/{event.id}"), ("poster", f"/sessions/{first.id}/poster"),
                       ("new code", f"/sessions/{first.id}/checkin/rotate"), ("scanner", f"/sessions/{first.id}/scanner"),
                       ("new event", "/events/new")]:
        phone.goto(live_server + path)
        taps.measure(name)
    expect(phone.locator(".poster-qr svg.qr")).to_have_count(0)  # the last page is the new-event form
    assert taps.widths == {name: PHONE["width"] for name in taps.widths}


SMALL_BUTTONS = """() => [...document.querySelectorAll('main .button, main button, main input[type=submit]')]
    .filter(el => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
    .map(el => el.textContent.trim() || el.value)"""


def test_the_session_rows_have_big_buttons_and_keep_remove_apart(live_server, phone, trainer):
    from tests.e2e.conftest import log_in

    event = make_event(trainer, trainers=[trainer], days=(local_today(),), start=time(0, 0), end=time(23, 59))
    session = event.sessions[0]
    phone.context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    log_in(phone, live_server, trainer)
    assert phone.evaluate(SMALL_BUTTONS) == []
    phone.goto(f"{live_server}/events/{event.id}")
    row = phone.locator(f"#session-{session.id}")
    # Two actions at hand; the rest, and "Remove", only after "More".
    expect(row.get_by_role("button", name="Open check-in")).to_be_visible()
    expect(row.get_by_role("link", name="Projector")).to_be_visible()
    for hidden in ("Poster", "Paper sheet", "Edit"):
        expect(row.get_by_role("link", name=hidden)).to_be_hidden()
    expect(row.get_by_role("button", name="Remove")).to_be_hidden()
    row.locator("summary", has_text="More").tap()
    expect(row.get_by_role("link", name="Paper sheet")).to_be_visible()
    assert phone.evaluate(SMALL_BUTTONS) == []
    remove = row.get_by_role("button", name="Remove").bounding_box()
    others = [row.get_by_role("link", name=name).bounding_box() for name in ("Poster", "Scan cards", "Paper sheet", "Edit")]
    assert remove["y"] >= max(box["y"] + box["height"] for box in others) + 16  # a gap, on a line of its own
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "trainer-phone-event-page")


def test_the_poster_qr_is_whole_on_a_phone(live_server, phone, trainer):
    from tests.e2e.conftest import log_in

    event = make_event(trainer, trainers=[trainer], days=(local_today(),), start=time(0, 0), end=time(23, 59))
    log_in(phone, live_server, trainer)
    phone.goto(f"{live_server}/sessions/{event.sessions[0].id}/poster")
    qr = phone.locator(".poster-qr svg.qr")
    box = qr.bounding_box()
    assert box["width"] > 250 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # whole, not cut
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "trainer-phone-poster")


def test_opening_check_in_on_the_event_page_comes_back_to_the_same_row(live_server, phone, trainer):
    from tests.e2e.conftest import log_in

    today = local_today()
    event = make_event(trainer, trainers=[trainer], days=[today + timedelta(days=n) for n in range(5)],
                       start=time(8, 0), end=time(12, 0))
    last = event.sessions[-1]
    phone.context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    log_in(phone, live_server, trainer)
    phone.goto(f"{live_server}/events/{event.id}")
    row = phone.locator(f"#session-{last.id}")
    row.get_by_role("button", name="Open check-in").tap()
    expect(phone.get_by_text("Check-in is open.")).to_be_attached()
    expect(phone).to_have_url(f"{live_server}/events/{event.id}#session-{last.id}")
    expect(row.get_by_role("button", name="Close check-in")).to_be_in_viewport()
    assert phone.evaluate("window.scrollY") > 0
