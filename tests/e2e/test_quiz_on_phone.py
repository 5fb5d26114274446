"""A participant takes the pre-test and post-test on a 360 px phone; the trainer runs the phases and reads the gain."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import log_in, screenshot
from tests.factories import make_event, make_quiz
from training_portal.extensions import db
from training_portal.quizzes.models import Phase, QuizAttempt


def tick(page, question, *letters):
    for letter in letters:
        option = question.options["ABCDEF".index(letter)]
        page.check(f"input[name=q{question.id}][value='{option.id}']")


def assert_fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_participant_checks_in_takes_both_tests_survives_a_reload_and_sees_the_gain(live_server, phone, browser, trainer):
    quiz = make_quiz(trainer)
    q1, q2, q3 = quiz.questions
    event = make_event(trainer, title="Child-safe tourism training", trainers=(trainer,))
    event.pre_quiz_id = event.post_quiz_id = quiz.id
    event.pre_test_open = True
    event.sessions[0].checkin_open = True
    code = event.sessions[0].checkin_code
    db.session.commit()

    # The participant scans the QR code and checks in.
    phone.context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    phone.goto(f"{live_server}/c/{code}")
    phone.fill("input[name=name]", "Sreymom")
    phone.check("input[name=sex][value=female]")
    phone.select_option("select[name=age_band]", index=3)
    phone.select_option("select[name=target_group_id]", index=1)
    phone.check("input[name=consent]")
    phone.click("input[type=submit][value='Check in']")
    phone.wait_for_selector("text=You are checked in")

    # The confirmation offers the open pre-test.
    phone.click("text=Start the pre-test")
    phone.wait_for_selector("text=Which number is the police hotline for child abuse?")
    expect(phone.locator("text=no wrong one")).to_be_visible()  # the multiple-choice rule is stated
    assert_fits_the_phone(phone)
    screenshot(phone, "quiz-pre-test")
    tick(phone, q1, "A")
    tick(phone, q2, "A")  # only one of the two correct options: wrong
    tick(phone, q3, "A")  # "True": wrong
    phone.click("button:has-text('Submit answers')")
    phone.wait_for_selector("text=Your answers are recorded.")
    expect(phone.locator("[data-score=pre]")).to_have_text("33 %")
    expect(phone.locator("text=The correct answers are shown after the post-test.")).to_be_visible()

    # The trainer opens the post-test from the event page and sees the live counts.
    laptop_context = browser.new_context(viewport={"width": 1280, "height": 900})
    laptop = laptop_context.new_page()
    laptop.context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    log_in(laptop, live_server, trainer)
    laptop.goto(f"{live_server}/events/{event.id}")
    expect(laptop.locator("[data-count=checked_in]")).to_have_text("1")
    expect(laptop.locator("[data-count=pre]")).to_have_text("1")
    laptop.click("button:has-text('Open the post-test')")
    laptop.wait_for_selector("text=Post-test is open.")

    # The same page on the phone now offers the post-test.
    phone.click("text=Check again")
    phone.click("text=Start the post-test")
    phone.wait_for_selector("text=Which are grooming signs?")

    # Half-way through, the page reloads (a dropped connection, a tap on reload): the answers stay.
    tick(phone, q1, "A")
    tick(phone, q2, "A", "B")
    phone.wait_for_selector("text=Your answers are kept on this phone until you submit.")
    phone.reload()
    phone.wait_for_selector("text=Which are grooming signs?")
    expect(phone.locator(f"input[name=q{q1.id}][value='{q1.options[0].id}']")).to_be_checked()
    expect(phone.locator(f"input[name=q{q2.id}][value='{q2.options[0].id}']")).to_be_checked()
    expect(phone.locator(f"input[name=q{q2.id}][value='{q2.options[1].id}']")).to_be_checked()
    expect(phone.locator(f"input[name=q{q3.id}][value='{q3.options[1].id}']")).not_to_be_checked()
    tick(phone, q3, "B")
    phone.click("button:has-text('Submit answers')")
    phone.wait_for_selector("text=Your answers are recorded.")

    # Both scores, the gain, the correct answers and the explanations.
    expect(phone.locator("[data-score=pre]")).to_have_text("33 %")
    expect(phone.locator("[data-score=post]")).to_have_text("100 %")
    expect(phone.locator("[data-score=gain]")).to_have_text("+67 points")
    expect(phone.locator("text=Most abusers are known to the child.")).to_be_visible()
    assert_fits_the_phone(phone)
    screenshot(phone, "quiz-post-test-result")
    # The stored answers were cleared from the phone once recorded.
    assert phone.evaluate("Object.keys(localStorage).filter(k => k.startsWith('quiz-answers')).length") == 0

    # The trainer's results page shows the per-question figures before and after.
    laptop.goto(f"{live_server}/events/{event.id}/quiz/results")
    expect(laptop.locator("[data-pre-share='1']")).to_have_text("100 %")
    expect(laptop.locator("[data-post-share='1']")).to_have_text("100 %")
    expect(laptop.locator("[data-pre-share='2']")).to_have_text("0 %")
    expect(laptop.locator("[data-post-share='2']")).to_have_text("100 %")
    expect(laptop.locator("[data-figure=mean_gain]")).to_have_text(re.compile(r"^\+66\.7"))
    expect(laptop.locator("svg.chart")).to_have_count(2)
    screenshot(laptop, "quiz-results")
    laptop_context.close()

    db.session.rollback()
    attempts = db.session.scalars(select(QuizAttempt).order_by(QuizAttempt.phase)).all()
    assert [(a.phase, round(a.score)) for a in attempts] == [(Phase.POST, 100), (Phase.PRE, 33)]


def test_the_khmer_quiz_fits_a_360_px_phone_and_works_without_javascript(live_server, browser, trainer):
    from tests.e2e.conftest import PHONE
    from tests.factories import make_participant

    quiz = make_quiz(trainer)
    event = make_event(trainer, trainers=(trainer,))
    event.pre_quiz_id = event.post_quiz_id = quiz.id
    event.pre_test_open = True
    participant = make_participant(event)
    db.session.commit()

    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  java_script_enabled=False)
    phone = context.new_page()
    # Checked in earlier on this phone: the device cookie is what check-in leaves behind.
    phone.context.add_cookies([{"name": "lang", "value": "km", "url": live_server},
                               {"name": "participant", "value": participant.card_code, "url": live_server}])
    phone.goto(f"{live_server}/p/events/{event.id}/pre")
    phone.wait_for_selector("text=តើលេខទូរស័ព្ទបន្ទាន់របស់នគរបាលសម្រាប់ការរំលោភបំពានលើកុមារគឺលេខអ្វី?")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "quiz-pre-test-khmer")
    q1, q2, q3 = quiz.questions
    tick(phone, q1, "A")
    tick(phone, q2, "A", "B")
    tick(phone, q3, "B")
    phone.click("button.quiz-submit")
    phone.wait_for_selector("[data-score=pre]")
    expect(phone.locator("[data-score=pre]")).to_have_text("100 %")
    context.close()
