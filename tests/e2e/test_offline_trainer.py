"""Offline trainer mode in Chromium at a phone's size: the trainer prepares an event, loses the
connection, checks people in, adds walk-ins and paper answers on the phone, and everything arrives
once through the JSON API when the connection returns."""

from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, log_in, screenshot
from tests.factories import make_event, make_participant, make_quiz
from training_portal.attendance import roster
from training_portal.attendance.models import Attendance, Headcount, Participant
from training_portal.attendance.qr import qr_image
from training_portal.events.services import cancel_event
from training_portal.extensions import db
from training_portal.quizzes.models import QuizAttempt
from training_portal.quizzes.results import event_results

WIDTH, HEIGHT, FRAMES_PER_CARD = 640, 480, 10
WAITING = "[data-sync-status]"


def write_cards_video(path, texts: list[str]) -> None:
    """A YUV4MPEG2 video (4:2:0) showing each card's QR code in turn, for Chromium's fake camera."""
    from PIL import Image

    side = HEIGHT - 60
    chroma = bytes([128]) * ((WIDTH // 2) * (HEIGHT // 2))
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for text in texts:
            frame = Image.new("L", (WIDTH, HEIGHT), 255)
            frame.paste(qr_image(text).resize((side, side), Image.NEAREST), ((WIDTH - side) // 2, 30))
            for _ in range(FRAMES_PER_CARD):
                video.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)


def open_phone(playwright, user_data_dir, live_server, extra_args=()):
    """Chromium with a profile kept in ``user_data_dir``: closing and opening it again keeps the phone's storage."""
    context = playwright.chromium.launch_persistent_context(
        str(user_data_dir), executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *extra_args],
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    context.grant_permissions(["camera"], origin=live_server)
    context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    page = context.pages[0] if context.pages else context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def prepare(page, live_server, event) -> None:
    page.goto(f"{live_server}/events/{event.id}")
    page.get_by_role("link", name="Prepare for offline").click()
    page.get_by_role("button", name="Prepare for offline").click()
    expect(page.locator("[data-stored]")).to_contain_text("Stored on this phone")


def add_walk_in(page, name: str, sex: str, age_band: str, group: str) -> None:
    form = page.locator("[data-walk-in]")
    if not form.is_visible():
        page.get_by_text("Add a new participant").click()
    form.get_by_label("Name").fill(name)
    form.get_by_label("Sex").select_option(label=sex)
    form.get_by_label("Age band").select_option(label=age_band)
    form.get_by_label("Target group").select_option(label=group)
    form.get_by_role("button", name="Add and check in").click()


def roster_row(page, name: str):
    return page.locator("[data-roster] li", has_text=name)


def attendance_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Attendance))


def test_five_check_ins_made_offline_survive_a_restart_and_arrive_once(live_server, playwright_instance, trainer,
                                                                        tmp_path):
    event = make_event(trainer, trainers=[trainer])
    people = [make_participant(name=name) for name in ("Chea Sophal", "Kim Bora", "Lim Chan")]
    for person in people:
        roster.register(event, person, trainer)
    db.session.commit()
    video = tmp_path / "cards.y4m"
    write_cards_video(video, [f"{live_server}/p/{people[0].card_code}", f"{live_server}/p/{people[1].card_code}"])
    camera = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
              f"--use-file-for-fake-video-capture={video}"]

    context, page = open_phone(playwright_instance, tmp_path / "profile", live_server, camera)
    log_in(page, live_server, trainer)
    prepare(page, live_server, event)
    offline_url = page.url
    context.set_offline(True)
    page.reload()  # the stored page, from the service worker
    expect(page.locator("[data-connection]")).to_contain_text("Offline")

    page.get_by_role("button", name="Start the camera").click()
    expect(roster_row(page, "Chea Sophal")).to_contain_text("waiting to send")
    expect(roster_row(page, "Kim Bora")).to_contain_text("waiting to send")
    roster_row(page, "Lim Chan").get_by_role("button", name="Check in").click()
    expect(roster_row(page, "Lim Chan")).to_contain_text("waiting to send")
    add_walk_in(page, "Sok Dara", "Male", "18–24", "Taxi and tuk-tuk drivers")
    add_walk_in(page, "Nary Kim", "Female", "25–34", "Hotel staff")
    expect(page.locator(WAITING)).to_have_text("5 waiting, 0 failed")
    expect(roster_row(page, "Sok Dara")).to_contain_text("waiting to send")
    screenshot(page, "offline-five-waiting")

    page.reload()
    expect(page.locator(WAITING)).to_have_text("5 waiting, 0 failed")
    context.close()

    context, page = open_phone(playwright_instance, tmp_path / "profile", live_server)
    context.set_offline(True)
    page.goto(offline_url)
    expect(page.locator(WAITING)).to_have_text("5 waiting, 0 failed")
    expect(roster_row(page, "Nary Kim")).to_contain_text("waiting to send")
    assert attendance_count() == 0

    context.set_offline(False)
    expect(page.locator(WAITING)).to_have_text("0 waiting, 0 failed")
    expect(roster_row(page, "Lim Chan")).to_contain_text("checked in")
    assert attendance_count() == 5
    names = set(db.session.scalars(select(Participant.name).join(Attendance, Attendance.participant_id == Participant.id)))
    assert names == {"Chea Sophal", "Kim Bora", "Lim Chan", "Sok Dara", "Nary Kim"}

    # The same queue sent again (as when the phone never heard the answers): nothing changes.
    page.evaluate("""() => Promise.all(window.OfflineApp.items().map(item => {
        item.state = "waiting"; return window.OfflineApp.put(item); }))""")
    page.get_by_role("button", name="Send now").click()
    expect(page.locator(WAITING)).to_have_text("0 waiting, 0 failed")
    assert attendance_count() == 5
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 5
    context.close()


def test_a_card_unknown_to_the_server_comes_back_as_a_visible_refusal(live_server, playwright_instance, trainer,
                                                                       tmp_path):
    event = make_event(trainer, trainers=[trainer])
    context, page = open_phone(playwright_instance, tmp_path / "profile", live_server)
    log_in(page, live_server, trainer)
    prepare(page, live_server, event)
    context.set_offline(True)

    page.get_by_label("Card", exact=True).fill(f"{live_server}/p/NoSuchCardAnywhere123")
    page.get_by_label("Card", exact=True).press("Enter")
    expect(page.locator("[data-result-message]")).to_have_text(
        "Card not stored on this phone: the server will decide when online.")
    expect(page.locator(WAITING)).to_have_text("1 waiting, 0 failed")

    context.set_offline(False)
    expect(page.locator(WAITING)).to_have_text("0 waiting, 1 failed")
    refused = page.locator("[data-queue] li[data-state=failed]")
    expect(refused).to_contain_text("NoSuchCardAnywhere123")
    expect(refused).to_contain_text("refused: Unknown card")
    screenshot(page, "offline-unknown-card")
    assert attendance_count() == 0

    # Nothing waits any more: the trainer removes the event, and its people, from the phone.
    page.get_by_role("button", name="Remove the event from this phone").click()
    expect(page.locator("[data-stored]")).to_contain_text("Nothing is stored on this phone yet")
    expect(page.locator(WAITING)).to_have_text("0 waiting, 0 failed")
    page.reload()
    expect(page.locator("[data-stored]")).to_contain_text("Nothing is stored on this phone yet")
    expect(page.locator("[data-queue] li")).to_have_count(0)
    assert page.evaluate("() => caches.keys()") == []
    context.close()


def test_a_check_in_the_server_refuses_stays_on_the_phone_with_its_reason(live_server, playwright_instance, trainer,
                                                                         tmp_path):
    event = make_event(trainer, trainers=[trainer])
    roster.register(event, make_participant(name="Kim Bora"), trainer)
    db.session.commit()
    context, page = open_phone(playwright_instance, tmp_path / "profile", live_server)
    log_in(page, live_server, trainer)
    prepare(page, live_server, event)
    context.set_offline(True)
    roster_row(page, "Kim Bora").get_by_role("button", name="Check in").click()
    expect(page.locator(WAITING)).to_have_text("1 waiting, 0 failed")

    # Meanwhile the event was cancelled in the office.
    db.session.rollback()  # a fresh transaction: the server wrote since this one began
    cancel_event(db.session.get(type(event), event.id), "Flooded road")
    db.session.commit()
    context.set_offline(False)
    expect(page.locator(WAITING)).to_have_text("0 waiting, 1 failed")
    expect(roster_row(page, "Kim Bora")).to_contain_text("refused: The event is cancelled: nobody can be checked in.")
    page.reload()
    expect(page.locator("[data-queue] li[data-state=failed]")).to_contain_text("The event is cancelled")
    assert attendance_count() == 0
    context.close()


def test_paper_answers_and_a_headcount_entered_offline_arrive_and_count(live_server, playwright_instance, trainer,
                                                                     tmp_path):
    event = make_event(trainer, trainers=[trainer])
    quiz = make_quiz(trainer)
    event.pre_quiz_id = event.post_quiz_id = quiz.id
    make_participant(event, name="Chea Sophal")
    db.session.commit()
    context, page = open_phone(playwright_instance, tmp_path / "profile", live_server)
    log_in(page, live_server, trainer)
    prepare(page, live_server, event)
    context.set_offline(True)

    add_walk_in(page, "Sok Dara", "Male", "18–24", "Taxi and tuk-tuk drivers")
    page.get_by_text("Paper quiz answers").click()
    form = page.locator("[data-paper]")
    for phase, person, letters in (("Pre-test", "Chea Sophal", ("B", "C", "A")), ("Post-test", "Chea Sophal", ("A", "AB", "B")),
                                   ("Pre-test", "Sok Dara", ("A", "C", "A")), ("Post-test", "Sok Dara", ("A", "AB", "B"))):
        form.get_by_label("Test").select_option(label=phase)
        form.get_by_label("Participant").select_option(label=person)
        for cell, text in zip(form.locator(".paper-cell").all(), letters):
            cell.fill(text)
        form.get_by_role("button", name="Save answers").click()
    page.get_by_text("Headcount", exact=True).click()
    page.get_by_label("Hotel staff: Female").fill("12")
    page.get_by_label("Hotel staff: Male").fill("9")
    page.get_by_role("button", name="Save headcount").click()
    expect(page.locator(WAITING)).to_have_text("6 waiting, 0 failed")
    screenshot(page, "offline-paper-answers")

    context.set_offline(False)
    expect(page.locator(WAITING)).to_have_text("0 waiting, 0 failed")
    context.close()

    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 4
    summary = event_results(db.session.get(type(event), event.id)).summary
    assert summary.paired_count == 2
    assert (round(summary.pre_mean), round(summary.post_mean)) == (17, 100)
    counts = {(h.target_group.code, h.sex.value): h.count for h in db.session.scalars(select(Headcount))}
    assert counts == {("hotel_staff", "female"): 12, ("hotel_staff", "male"): 9}
