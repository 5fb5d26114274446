"""A participant's whole path in Khmer on a 360 px phone, with no English interface text on any page."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import screenshot
from tests.factories import make_event, make_participant, make_quiz
from tests.i18n.khmer import english_interface_messages, english_left_on
from training_portal.attendance.models import Attendance
from training_portal.extensions import db
from training_portal.quizzes.models import Phase, QuizAttempt


@pytest.fixture(scope="module")
def english_messages():
    return english_interface_messages()


def assert_khmer_page(page, name, english_messages):
    """Khmer, no English interface message, fits the phone; saved as a test artifact."""
    html = page.content()
    assert page.evaluate("document.documentElement.lang") == "km"
    assert english_left_on(html, english_messages) == [], f"English on the {name} page"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, f"khmer-path-{name}")


def answer_every_question(page, quiz, letters):
    for question, letter in zip(quiz.questions, letters):
        option = question.options["ABCDEF".index(letter)]
        page.check(f"input[name=q{question.id}][value='{option.id}']")


def test_participant_walks_the_whole_path_in_khmer(live_server, phone, trainer, english_messages):
    quiz = make_quiz(trainer)
    event = make_event(trainer, title="វគ្គបណ្តុះបណ្តាលការពារកុមារ", trainers=(trainer,), language="km")
    event.pre_quiz_id = event.post_quiz_id = quiz.id
    event.pre_test_open = True
    event.sessions[0].checkin_open = True
    code = event.sessions[0].checkin_code
    db.session.commit()

    # An English phone still gets the Khmer event in Khmer: the event's language comes first.
    phone.goto(f"{live_server}/c/{code}")
    assert_khmer_page(phone, "checkin", english_messages)
    phone.fill("input[name=name]", "សុខា")
    phone.check("input[name=sex][value=female]")
    phone.select_option("select[name=age_band]", index=3)
    phone.select_option("select[name=target_group_id]", index=1)
    phone.check("input[name=consent]")
    phone.click("form.checkin-form [type=submit]")
    phone.wait_for_selector("svg, img[src*='qr']")
    assert_khmer_page(phone, "confirmation", english_messages)

    phone.click("a.quiz-start")
    phone.wait_for_selector(f"text={quiz.questions[0].text_km}")
    assert_khmer_page(phone, "pre-test", english_messages)
    answer_every_question(phone, quiz, ["B", "A", "A"])
    phone.click("form [type=submit]:visible >> nth=-1")
    phone.wait_for_selector("[data-score=pre]")
    assert_khmer_page(phone, "pre-test-result", english_messages)

    db.session.rollback()
    event = db.session.merge(event)
    event.post_test_open = True
    event.pre_test_open = False
    db.session.commit()

    phone.goto(f"{live_server}/p/events/{event.id}")
    phone.click("a.quiz-start")
    phone.wait_for_selector(f"text={quiz.questions[1].text_km}")
    assert_khmer_page(phone, "post-test", english_messages)
    answer_every_question(phone, quiz, ["A", "A", "B"])
    phone.click("form [type=submit]:visible >> nth=-1")
    phone.wait_for_selector("[data-score=post]")
    assert_khmer_page(phone, "result", english_messages)
    expect(phone.locator(f"text={quiz.questions[0].explanation_km}")).to_be_visible()

    db.session.rollback()
    assert db.session.scalar(select(Attendance.id)) is not None
    scores = {attempt.phase: round(attempt.score) for attempt in db.session.scalars(select(QuizAttempt))}
    assert scores == {Phase.PRE: 0, Phase.POST: 67}


def test_returning_participant_checks_in_on_a_new_phone_with_phone_number_and_code(live_server, phone, trainer,
                                                                                   english_messages):
    event = make_event(trainer, title="វគ្គបណ្តុះបណ្តាលការពារកុមារ", trainers=(trainer,), language="km")
    event.sessions[0].checkin_open = True
    code = event.sessions[0].checkin_code
    db.session.commit()
    sokha = make_participant(name="សុខា", phone="012345678")
    personal_code = sokha.personal_code

    phone.goto(f"{live_server}/c/{code}")  # a new browser context: this phone never saw Sokha
    phone.click("details.returning summary")
    phone.fill("details.returning input[name=phone]", "012 345 678")
    phone.fill("details.returning input[name=personal_code]", personal_code.lower())
    phone.click("details.returning [type=submit]")
    phone.wait_for_selector(f"text={personal_code}")
    assert_khmer_page(phone, "returning-confirmation", english_messages)
    expect(phone.locator("text=សុខា").first).to_be_visible()

    db.session.rollback()
    assert db.session.scalar(select(Attendance.participant_id)) == sokha.id
    assert any(cookie["name"] == "participant" for cookie in phone.context.cookies())
