"""The results page and workbook as a reader takes them: rounding, order, every figure, formats and widths."""

import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.factories import choose, make_event, make_participant
from training_portal.attendance.models import Participant
from training_portal.extensions import db
from training_portal.quizzes import attempts as quiz_attempts, bank as quiz_bank, phases
from training_portal.quizzes.bank import OptionData, QuestionData
from training_portal.quizzes.models import Phase
from training_portal.spreadsheets import csv_value
from training_portal.templating import round_half_up

LONG_QUESTION = ("Which of these is the first thing to do when a child tells you that an adult at home hurts "
                 "them?")


@pytest.fixture
def eight_question_event(app, trainer):
    """An event whose pre-test and post-test are one quiz of eight single-choice questions (A is right)."""
    quiz = quiz_bank.create_quiz("Eight questions", "សំណួរប្រាំបី", trainer)
    for number in range(1, 9):
        quiz_bank.add_question(quiz, QuestionData(
            kind="single", text_en=LONG_QUESTION if number == 1 else f"Question {number}",
            options=[OptionData("Right", "ត្រូវ", True), OptionData("Wrong", "ខុស")]))
    event = make_event(trainer, trainers=(trainer,))
    event.pre_quiz_id = event.post_quiz_id = quiz.id
    db.session.commit()
    return event, quiz


def take(event, quiz, participant, phase, right: int):
    """``participant`` answers the first ``right`` questions right and the others wrong."""
    quiz_attempts.submit_attempt(participant, event, phase, choose(quiz, *("A" * right + "B" * (8 - right))))


def seed(event, quiz):
    """P10: 0 % then 62.5 % (g = 0.625); P2: 50 % then 100 % (g = 1); P1: 75 % then 87.5 % (g = 0.5)."""
    people = {name: make_participant(event, name) for name in ("P10", "P2", "P1")}
    phases.open_phase(event, Phase.PRE)
    for name, right in (("P10", 0), ("P2", 4), ("P1", 6)):
        take(event, quiz, people[name], Phase.PRE, right)
    phases.open_phase(event, Phase.POST)
    for name, right in (("P10", 5), ("P2", 8), ("P1", 7)):
        take(event, quiz, people[name], Phase.POST, right)
    db.session.commit()


def figure(page: str, name: str) -> str:
    return re.search(rf'data-figure="{name}">([^<]*)<', page).group(1).strip()


def test_a_half_is_rounded_up_as_people_expect():
    assert round_half_up(0.625, 2) == Decimal("0.63")
    assert round_half_up(0.285, 2) == Decimal("0.29")  # the float 0.28499999... read as the 0.285 written
    assert round_half_up(62.25, 1) == Decimal("62.3")
    assert round_half_up(-0.625, 2) == Decimal("-0.63")
    assert csv_value(0.625, "ratio") == "0.63" and csv_value(62.25, "percent") == "62.3"


def test_results_page_shows_the_mean_of_own_gains_rounded_half_up_and_names_in_natural_order(
        trainer_client, eight_question_event):
    event, quiz = eight_question_event
    seed(event, quiz)
    page = trainer_client.get(f"/events/{event.id}/quiz/results").get_data(as_text=True)
    # Own gains 0.625, 1 and 0.5: their mean is 0.7083.
    assert figure(page, "mean_participant_g") == "0.71"
    assert "own normalised gains</dt>" in page
    # The group's: pre mean 41.67, post mean 83.33, g = 41.67 / 58.33 = 0.714.
    assert figure(page, "g") == "0.71"
    participants = page.split("<h2>Participants</h2>")[1].split("<tbody>")[1].split("</tbody>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", participants, re.S)
    names = [re.search(r'data-label="Participant">(\S+)', row).group(1) for row in rows]
    assert names == ["P1", "P2", "P10"]
    p10 = rows[2]
    assert ">62.5 %<" in p10 and ">0.63<" in p10  # 0.625, rounded half up (not 0.62)


def test_results_workbook_stores_exact_values_with_number_formats_and_columns_that_fit(
        trainer_client, eight_question_event):
    event, quiz = eight_question_event
    seed(event, quiz)
    response = trainer_client.post_form(f"/events/{event.id}/quiz/results.xlsx")
    book = load_workbook(io.BytesIO(response.data))

    summary = book["Summary"]
    figures = {row[0].value: row[1] for row in summary.iter_rows(min_row=2)}
    mean_own = figures["Mean of participants' own normalised gains"]
    assert mean_own.value == pytest.approx((0.625 + 1 + 0.5) / 3) and mean_own.number_format == "0.00"
    assert figures["Mean pre-test score (%)"].value == pytest.approx(125 / 3)
    assert figures["Mean pre-test score (%)"].number_format == "0.0"
    assert figures["Took both tests"].value == 3
    longest_label = max(len(row[0].value) for row in summary.iter_rows(min_row=2))
    assert summary.column_dimensions["A"].width >= longest_label

    people = list(book["Participants"].iter_rows(min_row=2))
    assert [row[0].value for row in people] == ["P1", "P2", "P10"]
    p10 = people[2]
    assert (p10[3].value, p10[4].value, p10[5].value, p10[6].value) == (0, 62.5, 62.5, 0.625)
    assert [cell.number_format for cell in p10[4:7]] == ["0.0", "+0.0;-0.0;0.0", "0.00"]
    headers = [cell.value for cell in book["Participants"][1]]
    for letter, header in zip("ABCDEFGH", headers):
        assert book["Participants"].column_dimensions[letter].width >= len(header)

    questions = book["Questions"]
    first = list(questions.iter_rows(min_row=2, max_row=2))[0]
    assert first[1].value == LONG_QUESTION
    assert questions.column_dimensions["B"].width >= len(LONG_QUESTION)
    # Question 1 right by 2 of 3 before (P2, P1) and 3 of 3 after.
    assert first[2].value == pytest.approx(200 / 3) and first[2].number_format == "0.0"
    assert first[5].value == pytest.approx(2 / 3) and first[5].number_format == "0.00"


def test_a_participant_with_five_of_eight_right_sees_63_percent(client, eight_question_event):
    event, quiz = eight_question_event
    seed(event, quiz)
    p10 = db.session.scalar(select(Participant).where(Participant.name == "P10"))
    client.set_cookie("participant", p10.card_code)
    client.set_cookie("lang", "en")
    page = client.get(f"/p/events/{event.id}").get_data(as_text=True)
    assert 'data-score="pre">0 %' in page
    assert 'data-score="post">63 %' in page  # 62.5, rounded half up (Python's round gives 62)
    assert 'data-score="gain">+63 points' in page
