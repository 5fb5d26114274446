"""Phones through nginx over HTTPS: a participant's check-in in Chromium, the trainer's camera scanner
(which needs a secure context), and a room of far phones."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from bench import flows
from bench.data import FlowData
from bench.far_phones import crowd
from tests.e2e.conftest import PHONE, launch_chromium, screenshot
from tests.e2e.test_scanner_camera import write_y4m
from tests.factories import TEST_PASSWORD, make_event, make_participant, open_event, reference
from training_portal.attendance.models import Attendance, CheckInMethod, Participant
from training_portal.events.models import Province, TargetGroup
from training_portal.extensions import db
from training_portal.timeutil import local_today

from .stack import unverified_tls

pytestmark = pytest.mark.stack


def phone_context(browser, stack_url: str):
    """A cheap Android phone whose user accepted the portal's certificate once."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  ignore_https_errors=True)
    context.add_cookies([{"name": "lang", "value": "en", "url": stack_url}])
    return context


def test_participant_checks_in_on_a_phone_through_nginx(stack, portal, stack_trainer, playwright_instance):
    event = open_event(stack_trainer, title="Child-safe tourism training", groups=("tour_guide", "hotel_staff"))
    code = event.sessions[0].checkin_code
    browser = launch_chromium(playwright_instance)
    try:
        phone = phone_context(browser, stack.url).new_page()
        phone.set_default_timeout(15_000)
        phone.goto(f"{stack.url}/c/{code}")
        expect(phone.locator("text=Child-safe tourism training")).to_be_visible()
        phone.fill("input[name=name]", "Sokha Chan")
        phone.check("input[name=sex][value=female]")
        phone.select_option("select[name=age_band]", "25_34")
        phone.select_option("select[name=target_group_id]", label="Hotel staff")
        phone.check("input[name=consent]")
        phone.click("input[type=submit][value='Check in']")
        phone.wait_for_selector("text=You are checked in, Sokha Chan.")
        expect(phone.locator(".personal-card svg")).to_be_visible()
        screenshot(phone, "deploy-checkin-done")
    finally:
        browser.close()

    db.session.rollback()
    attendance = db.session.scalar(sa.select(Attendance).where(Attendance.session_id == event.sessions[0].id))
    assert (attendance.participant.name, attendance.method) == ("Sokha Chan", CheckInMethod.SELF)


def test_trainer_scans_a_card_with_the_phone_camera_over_https(stack, portal, stack_trainer, playwright_instance,
                                                               tmp_path):
    session = make_event(stack_trainer, trainers=[stack_trainer], days=(local_today(),)).sessions[0]
    participant = make_participant(name="Vanna Keo", sex="male", age_band="35_49")
    video = tmp_path / "card.y4m"
    write_y4m(video, f"{stack.url}/p/{participant.card_code}")  # the card's QR, as BASE_URL makes it
    browser = launch_chromium(playwright_instance, [
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ])
    try:
        context = phone_context(browser, stack.url)
        context.grant_permissions(["camera"], origin=stack.url)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"{stack.url}/login")
        page.fill("input[name=email]", stack_trainer.email)
        page.fill("input[name=password]", TEST_PASSWORD)
        page.click("input[type=submit]")
        expect(page).to_have_url(f"{stack.url}/")

        page.goto(f"{stack.url}/sessions/{session.id}/scanner")
        assert page.evaluate("window.isSecureContext") is True
        page.wait_for_selector(".scan-result.result-checked_in")
        expect(page.locator("[data-result-name]")).to_have_text("Vanna Keo")
        expect(page.locator("[data-count]")).to_have_text("1")
        screenshot(page, "deploy-scanner-checked-in")
    finally:
        browser.close()

    db.session.rollback()
    attendances = db.session.scalars(sa.select(Attendance).where(Attendance.session_id == session.id)).all()
    assert [(a.participant_id, a.method, a.recorded_by_id) for a in attendances] == [
        (participant.id, CheckInMethod.SCAN, stack_trainer.id)]


def test_a_room_of_far_phones_checks_in_through_nginx(stack, portal, stack_trainer):
    """bench/far_phones.py's room, smaller: 30 phones 400 ms away at 400 kbit/s within 5 seconds, over HTTPS."""
    session = open_event(stack_trainer, title="Far room").sessions[0]
    data = FlowData(codes=[session.checkin_code], target_group_id=reference(TargetGroup, "taxi_driver").id,
                    province_id=reference(Province, "kampot").id)
    port = int(stack.url.rsplit(":", 1)[1])
    room = crowd(port, flows.self_checkin(data), [0], list(range(1, 31)), window=5.0, seed=18, tls=unverified_tls())
    with ThreadPoolExecutor(1) as thread:  # the browser tests' Playwright holds this thread's event loop
        _, _, errors, succeeded = thread.submit(asyncio.run, room).result()
    assert errors == []
    assert sorted(succeeded) == list(range(31))

    db.session.rollback()
    names = db.session.scalars(sa.select(Participant.name).join(Attendance).where(Attendance.session_id == session.id))
    assert sorted(names) == sorted(f"Load participant {number}" for number in range(31))
