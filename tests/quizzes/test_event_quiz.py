"""Trainers run the pre/post phases of an event, enter paper sheets and read the results."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.factories import choose, make_participant, make_quiz
from training_portal.attendance.models import Attendance, CheckInMethod, Participant, Sex
from training_portal.events.models import Event, TargetGroup
from training_portal.extensions import db
from training_portal.quizzes import attempts as quiz_attempts, phases
from training_portal.quizzes.models import Phase, QuizAttempt


def test_trainer_chooses_quizzes_opens_and_closes_phases_and_sees_live_counts(trainer_client, trainer, quiz):
    from tests.factories import make_event

    event = make_event(trainer, trainers=(trainer,))
    page = trainer_client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Pre-test and post-test" in page

    trainer_client.post_form(f"/events/{event.id}/quizzes", {"pre_quiz_id": quiz.id, "post_quiz_id": quiz.id})
    event = db.session.get(Event, event.id)
    assert (event.pre_quiz_id, event.post_quiz_id) == (quiz.id, quiz.id)

    trainer_client.post_form(f"/events/{event.id}/quiz/pre/open")
    assert db.session.get(Event, event.id).pre_test_open
    first = make_participant(event, "Dara")
    make_participant(event, "Sophal", Sex.MALE)
    quiz_attempts.submit_attempt(first, event, Phase.PRE, choose(quiz, "A", "AB", "B"))
    db.session.commit()

    page = trainer_client.get(f"/events/{event.id}").get_data(as_text=True)
    assert 'data-count="checked_in">2<' in page and 'data-count="pre">1<' in page and 'data-count="post">0<' in page
    assert trainer_client.get(f"/events/{event.id}/quiz/counts").get_json() == {
        "checked_in": 2, "pre": 1, "post": 0, "pre_open": True, "post_open": False}

    trainer_client.post_form(f"/events/{event.id}/quiz/post/open")
    event = db.session.get(Event, event.id)
    assert event.post_test_open and not event.pre_test_open
    trainer_client.post_form(f"/events/{event.id}/quiz/post/close")
    assert not db.session.get(Event, event.id).post_test_open


def test_a_phase_without_a_quiz_cannot_open(trainer_client, trainer):
    from tests.factories import make_event

    event = make_event(trainer, trainers=(trainer,))
    response = trainer_client.post_form(f"/events/{event.id}/quiz/pre/open", follow_redirects=True)
    assert "Choose a quiz for this phase first." in response.get_data(as_text=True)
    assert not db.session.get(Event, event.id).pre_test_open


def test_the_quiz_of_a_phase_with_answers_cannot_be_swapped(trainer_client, trainer, event, quiz, participant):
    other = make_quiz(trainer, "Another quiz")
    phases.open_phase(event, Phase.PRE)
    quiz_attempts.submit_attempt(participant, event, Phase.PRE, choose(quiz, "A", "AB", "B"))
    db.session.commit()
    response = trainer_client.post_form(f"/events/{event.id}/quizzes",
                                        {"pre_quiz_id": other.id, "post_quiz_id": other.id}, follow_redirects=True)
    assert "cannot be changed" in response.get_data(as_text=True)
    assert db.session.get(Event, event.id).pre_quiz_id == quiz.id
    # The post-test has no answers yet, so it may still change.
    trainer_client.post_form(f"/events/{event.id}/quizzes", {"pre_quiz_id": quiz.id, "post_quiz_id": other.id})
    assert db.session.get(Event, event.id).post_quiz_id == other.id


def test_only_the_events_trainers_and_managers_run_its_phases(other_trainer_client, manager_client, event):
    assert other_trainer_client.post_form(f"/events/{event.id}/quiz/pre/open").status_code == 403
    assert other_trainer_client.get(f"/events/{event.id}/quiz/pre/paper").status_code == 403
    # Results name the participants: only the event's trainers, managers and admins see them.
    assert other_trainer_client.get(f"/events/{event.id}/quiz/results").status_code == 403
    assert other_trainer_client.post_form(f"/events/{event.id}/quiz/results.xlsx").status_code == 403
    assert manager_client.post_form(f"/events/{event.id}/quiz/pre/open").status_code == 302
    assert db.session.get(Event, event.id).pre_test_open


def test_trainer_enters_paper_answer_sheets_including_a_walk_in(trainer_client, trainer, event, quiz):
    dara = make_participant(event, "Dara")
    sophal = make_participant(event, "Sophal", Sex.MALE)
    q1, q2, q3 = quiz.questions
    page = trainer_client.get(f"/events/{event.id}/quiz/pre/paper").get_data(as_text=True)
    assert "Dara" in page and "Sophal" in page and "Walk-in" in page
    group = db.session.scalar(select(TargetGroup).where(TargetGroup.code == "villager"))
    data = {
        f"a-{dara.id}-{q1.id}": "a", f"a-{dara.id}-{q2.id}": "ab", f"a-{dara.id}-{q3.id}": "F",
        # Sophal handed in no sheet: an empty row is skipped.
        "w0-name": "Walk-in Vanny", "w0-sex": "female", "w0-age_band": "18_24", "w0-target_group": str(group.id),
        "w0-session": str(event.sessions[0].id), f"a-w0-{q1.id}": "B", f"a-w0-{q2.id}": "A, B", f"a-w0-{q3.id}": "B",
    }
    response = trainer_client.post_form(f"/events/{event.id}/quiz/pre/paper", data, follow_redirects=True)
    assert "2 answer sheets saved." in response.get_data(as_text=True)
    attempts = {a.participant.name: a for a in db.session.scalars(select(QuizAttempt))}
    assert set(attempts) == {"Dara", "Walk-in Vanny"}
    assert attempts["Dara"].score == 100.0 and attempts["Dara"].on_paper and attempts["Dara"].recorded_by_id == trainer.id
    assert round(attempts["Walk-in Vanny"].score, 1) == 66.7
    vanny = attempts["Walk-in Vanny"].participant
    assert (vanny.sex, vanny.target_group_id) == (Sex.FEMALE, group.id)
    assert db.session.scalar(select(Attendance.method).where(Attendance.participant_id == vanny.id)) == CheckInMethod.WALK_IN
    assert sophal.id not in {a.participant_id for a in attempts.values()}


def test_wrong_letters_on_paper_are_marked_and_nothing_is_saved(trainer_client, event, quiz):
    dara = make_participant(event, "Dara")
    sophal = make_participant(event, "Sophal", Sex.MALE)
    q1, q2, q3 = quiz.questions
    data = {f"a-{dara.id}-{q1.id}": "A", f"a-{sophal.id}-{q1.id}": "AB", f"a-{sophal.id}-{q2.id}": "Z",
            "w0-name": "Walk-in without details", f"a-w0-{q1.id}": "A"}
    response = trainer_client.post_form(f"/events/{event.id}/quiz/pre/paper", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "One letter only" in page and "Unknown letter" in page
    assert "Give sex, age, target group and session for this walk-in." in page
    assert 'value="AB"' in page  # what was typed stays in the grid
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 0
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 2


def seed_results(event, quiz):
    """Four participants: three with both tests, one pre-test only (hand-computed figures in the asserts)."""
    people = [make_participant(event, name) for name in ("=HYPERLINK(\"http://x\")", "Bopha", "Chenda", "Dalin")]
    phases.open_phase(event, Phase.PRE)
    quiz_attempts.submit_attempt(people[0], event, Phase.PRE, choose(quiz, "B", "A", "A"))    # 0 %
    quiz_attempts.submit_attempt(people[1], event, Phase.PRE, choose(quiz, "A", "A", "A"))    # 33.3 %
    quiz_attempts.submit_attempt(people[2], event, Phase.PRE, choose(quiz, "A", "AB", "A"))   # 66.7 %
    quiz_attempts.submit_attempt(people[3], event, Phase.PRE, choose(quiz, "A", "AB", "B"))   # 100 %, no post-test
    phases.open_phase(event, Phase.POST)
    quiz_attempts.submit_attempt(people[0], event, Phase.POST, choose(quiz, "A", "AB", "A"))  # 66.7 %
    quiz_attempts.submit_attempt(people[1], event, Phase.POST, choose(quiz, "A", "AB", "B"))  # 100 %
    quiz_attempts.submit_attempt(people[2], event, Phase.POST, choose(quiz, "A", "AB", "A"))  # 66.7 %
    db.session.commit()
    return people


def test_results_page_shows_gain_figures_and_per_question_before_and_after(trainer_client, event, quiz):
    seed_results(event, quiz)
    page = trainer_client.get(f"/events/{event.id}/quiz/results").get_data(as_text=True)
    # Pre-test mean over all four: (0 + 33.3 + 66.7 + 100) / 4 = 50; post over three: (66.7 + 100 + 66.7) / 3 = 77.8.
    assert 'data-figure="pre_mean">50.0 %' in page
    assert 'data-figure="post_mean">77.8 %' in page
    # Pairs: pre mean 33.3, post mean 77.8: gain 44.4 points, g = 44.4 / 66.7 = 0.67; two of three improved.
    assert 'data-figure="mean_gain">+44.4' in page
    assert 'data-figure="g">0.67' in page
    assert 'data-figure="improved">67 %' in page
    # Question 1 right before by 3 of 4, after by 3 of 3; question 2 before 2 of 4, after 3 of 3.
    assert 'data-pre-share="1">75 %' in page and 'data-post-share="1">100 %' in page
    assert 'data-pre-share="2">50 %' in page and 'data-post-share="2">100 %' in page
    assert "<svg" in page and "Pre-test only: 1" in page


def test_results_download_as_xlsx_with_formula_text_kept_as_text(trainer_client, event, quiz):
    seed_results(event, quiz)
    response = trainer_client.post_form(f"/events/{event.id}/quiz/results.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    summary = {row[0].value: row[1] for row in book["Summary"].iter_rows()}
    # Stored exactly, shown rounded by the cell's number format.
    assert summary["Mean pre-test score (%)"].value == 50.0
    assert summary["Mean pre-test score (%)"].number_format == "0.0"
    assert summary["Mean gain (percentage points)"].value == pytest.approx(400 / 9)
    assert summary["Mean gain (percentage points)"].number_format == "+0.0;-0.0;0.0"
    assert summary["Normalised gain of the group (g)"].value == pytest.approx(2 / 3)
    assert summary["Normalised gain of the group (g)"].number_format == "0.00"
    assert summary["Took both tests"].value == 3 and summary["Took both tests"].number_format == "#,##0"
    names = [row[0] for row in book["Participants"].iter_rows()]
    injected = next(cell for cell in names if str(cell.value).startswith("="))
    assert injected.data_type == "s"  # text, never a formula
    assert b"<f>" not in response.data
    questions = list(book["Questions"].iter_rows(values_only=True))
    assert questions[1][:5] == (1, "Which number is the police hotline for child abuse?", 75.0, 100.0, 25.0)


def test_a_stale_token_on_the_paper_grid_keeps_what_was_typed_and_saves_nothing(trainer_client, event, quiz):
    dara = make_participant(event, "Dara")
    q1 = quiz.questions[0]
    response = trainer_client.post(f"/events/{event.id}/quiz/pre/paper",
                                   data={"csrf_token": "stale", f"a-{dara.id}-{q1.id}": "B"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Everything you typed is still here" in page and 'value="B"' in page
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 0


def test_staff_pages_need_a_login(client, event):
    for url in ("/quizzes", f"/events/{event.id}/quiz/results", f"/events/{event.id}/quiz/pre/paper"):
        assert client.get(url).status_code == 302
    assert client.post(f"/events/{event.id}/quiz/pre/open").status_code in (302, 400)
    assert not db.session.get(Event, event.id).pre_test_open
