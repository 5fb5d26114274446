"""A participant takes the pre-test and post-test on a 360 px phone; the trainer runs the phases and reads the gain."""

from sqlalchemy import select

from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import screenshot
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
    assert phone.locator("text=no wrong one").is_visible()  # the multiple-choice rule is stated
    assert_fits_the_phone(phone)
    screenshot(phone, "quiz-pre-test")
    tick(phone, q1, "A")
    tick(phone, q2, "A")  # only one of the two correct options: wrong
    tick(phone, q3, "A")  # "True": wrong
    phone.click("button:has-text('Submit answers')")
    phone.wait_for_selector("text=Your answers are recorded.")
    assert phone.locator("[data-score=pre]").inner_text() == "33 %"
    assert phone.locator("text=The correct answers are shown after the post-test.").is_visible()

    # The trainer opens the post-test from the event page and sees the live counts.
    laptop_context = browser.new_context(viewport={"width": 1280, "height": 900})
    laptop = laptop_context.new_page()
    laptop.context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    laptop.goto(f"{live_server}/login")
    laptop.fill("input[name=email]", trainer.email)
    laptop.fill("input[name=password]", TEST_PASSWORD)
    laptop.click("input[type=submit]")
    laptop.goto(f"{live_server}/events/{event.id}")
    assert laptop.locator("[data-count=checked_in]").inner_text() == "1"
    assert laptop.locator("[data-count=pre]").inner_text() == "1"
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
    assert phone.is_checked(f"input[name=q{q1.id}][value='{q1.options[0].id}']")
    assert phone.is_checked(f"input[name=q{q2.id}][value='{q2.options[0].id}']")
    assert phone.is_checked(f"input[name=q{q2.id}][value='{q2.options[1].id}']")
    assert not phone.is_checked(f"input[name=q{q3.id}][value='{q3.options[1].id}']")
    tick(phone, q3, "B")
    phone.click("button:has-text('Submit answers')")
    phone.wait_for_selector("text=Your answers are recorded.")

    # Both scores, the gain, the correct answers and the explanations.
    assert phone.locator("[data-score=pre]").inner_text() == "33 %"
    assert phone.locator("[data-score=post]").inner_text() == "100 %"
    assert phone.locator("[data-score=gain]").inner_text() == "+67 points"
    assert phone.locator("text=Most abusers are known to the child.").is_visible()
    assert_fits_the_phone(phone)
    screenshot(phone, "quiz-post-test-result")
    # The stored answers were cleared from the phone once recorded.
    assert phone.evaluate("Object.keys(localStorage).filter(k => k.startsWith('quiz-answers')).length") == 0

    # The trainer's results page shows the per-question figures before and after.
    laptop.goto(f"{live_server}/events/{event.id}/quiz/results")
    assert laptop.locator("[data-pre-share='1']").inner_text() == "100 %"
    assert laptop.locator("[data-post-share='1']").inner_text() == "100 %"
    assert laptop.locator("[data-pre-share='2']").inner_text() == "0 %"
    assert laptop.locator("[data-post-share='2']").inner_text() == "100 %"
    assert laptop.locator("[data-figure=mean_gain]").inner_text().startswith("+66.7")
    assert laptop.locator("svg.chart").count() == 2
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
    assert phone.locator("[data-score=pre]").inner_text() == "100 %"
    context.close()
