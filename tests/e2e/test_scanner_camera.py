"""The trainer's scanner page reads a participant's card through the camera (Chromium's fake camera)."""

from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import PHONE, launch_chromium, log_in, screenshot
from tests.factories import make_event, make_participant
from training_portal.attendance.models import Attendance, CheckInMethod
from training_portal.attendance.qr import qr_image
from training_portal.extensions import db
from training_portal.timeutil import local_today

WIDTH, HEIGHT, FRAMES = 640, 480, 15


def write_y4m(path, text: str) -> None:
    """A short YUV4MPEG2 video (4:2:0) of a white frame with the QR code of ``text`` in the middle."""
    from PIL import Image

    image = qr_image(text)
    side = HEIGHT - 60
    frame = Image.new("L", (WIDTH, HEIGHT), 255)
    frame.paste(image.resize((side, side), Image.NEAREST), ((WIDTH - side) // 2, 30))
    luma = frame.tobytes()
    chroma = bytes([128]) * ((WIDTH // 2) * (HEIGHT // 2))
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(FRAMES):
            video.write(b"FRAME\n" + luma + chroma + chroma)


def test_scanner_checks_in_the_participant_whose_card_the_camera_sees(live_server, playwright_instance, trainer, tmp_path):
    session = make_event(trainer, trainers=[trainer], days=(local_today(),)).sessions[0]
    participant = make_participant(name="Vanna Keo", sex="male", age_band="35_49")
    video = tmp_path / "card.y4m"
    write_y4m(video, f"{live_server}/p/{participant.card_code}")

    browser = launch_chromium(playwright_instance, [
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ])
    try:
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
        context.grant_permissions(["camera"], origin=live_server)
        context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
        page = context.new_page()
        page.set_default_timeout(20_000)
        log_in(page, live_server, trainer)

        page.goto(f"{live_server}/sessions/{session.id}/scanner")
        page.wait_for_selector(".scan-result.result-checked_in")
        expect(page.locator("[data-result-message]")).to_have_text("Checked in")
        expect(page.locator("[data-result-name]")).to_have_text("Vanna Keo")
        expect(page.locator("[data-count]")).to_have_text("1")
        screenshot(page, "scanner-checked-in")
        # The same card stays in view: after a few seconds it is read again and said to be already checked in.
        page.wait_for_selector(".scan-result.result-already_checked_in", timeout=15_000)
    finally:
        browser.close()

    db.session.rollback()
    attendances = db.session.scalars(select(Attendance)).all()
    assert len(attendances) == 1
    assert (attendances[0].participant_id, attendances[0].method, attendances[0].recorded_by_id) == (
        participant.id, CheckInMethod.SCAN, trainer.id)
