"""A participant takes the pre-test and post-test on their phone."""

from flask import render_template_string
from sqlalchemy import func, select

from tests.factories import form_answers, make_participant, open_phase
from tests.quizzes.conftest import PageElements, hidden_value, ticked
from training_portal.extensions import db
from training_portal.quizzes import bank
from training_portal.quizzes.models import Answer, Phase, QuizAttempt


def attempt_count() -> int:
    return db.session.scalar(select(func.count()).select_from(QuizAttempt))


def test_checked_in_participant_is_offered_the_open_pre_test_and_sees_the_rule(participant_client, event, quiz):
    page = participant_client.get(f"/p/events/{event.id}").get_data(as_text=True)
    assert "The test will appear on this page when the trainer opens it." in page

    open_phase(event, Phase.PRE)
    page = participant_client.get(f"/p/events/{event.id}").get_data(as_text=True)
    assert "Start the pre-test" in page

    quiz_page = participant_client.get(f"/p/events/{event.id}/pre").get_data(as_text=True)
    assert "Which number is the police hotline for child abuse?" in quiz_page
    assert "only when you tick all the correct answers and no wrong one" in quiz_page
    assert 'name="idempotency_key"' in quiz_page


def test_quiz_reads_in_khmer_with_khmer_questions(client, participant, event, quiz):
    client.set_cookie("participant", participant.card_code)
    client.set_cookie("lang", "km")
    open_phase(event, Phase.PRE)
    page = client.get(f"/p/events/{event.id}/pre").get_data(as_text=True)
    assert "តើលេខទូរស័ព្ទបន្ទាន់របស់នគរបាលសម្រាប់ការរំលោភបំពានលើកុមារគឺលេខអ្វី?" in page
    assert "១២៨៨" in page


def test_submitted_pre_test_is_scored_on_the_server(participant_client, participant, event, quiz):
    open_phase(event, Phase.PRE)
    # Question 2 is multiple choice with A and B correct: ticking only A is wrong (no partial credit).
    response = participant_client.post_form(f"/p/events/{event.id}/pre",
                                            {**form_answers(quiz, "A", "A", "B"), "idempotency_key": "k-1"})
    assert response.status_code == 302
    attempt = db.session.scalar(select(QuizAttempt))
    assert (attempt.participant_id, attempt.phase, attempt.on_paper) == (participant.id, Phase.PRE, False)
    assert (attempt.correct_count, attempt.question_count) == (2, 3)
    assert round(attempt.score, 2) == 66.67
    assert [a.is_correct for a in sorted(attempt.answers, key=lambda a: a.question.position)] == [True, False, True]

    page = participant_client.get(f"/p/events/{event.id}").get_data(as_text=True)
    assert "67 %" in page
    assert "The correct answers are shown after the post-test." in page
    assert "Most abusers are known to the child." not in page  # no answers before the post-test


def test_submitting_twice_records_one_attempt_and_shows_the_same_result(participant_client, event, quiz):
    open_phase(event, Phase.PRE)
    data = {**form_answers(quiz, "A", "AB", "B"), "idempotency_key": "same-key"}
    first = participant_client.post_form(f"/p/events/{event.id}/pre", data)
    again = participant_client.post_form(f"/p/events/{event.id}/pre", data, follow_redirects=True)
    other_key = participant_client.post_form(f"/p/events/{event.id}/pre",
                                             {**form_answers(quiz, "B", "C", "A"), "idempotency_key": "other"})
    assert first.status_code == 302 and other_key.status_code == 302
    assert "You had already sent this test; here is your result." in again.get_data(as_text=True)
    assert attempt_count() == 1
    assert db.session.scalar(select(QuizAttempt.score)) == 100.0


def test_submission_to_a_closed_phase_is_refused_and_saves_nothing(participant_client, event, quiz):
    response = participant_client.post_form(f"/p/events/{event.id}/pre",
                                            {**form_answers(quiz, "A", "AB", "B"), "idempotency_key": "x"})
    assert response.status_code == 409
    assert "This test is closed" in response.get_data(as_text=True)
    assert attempt_count() == 0
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0


def test_someone_not_checked_in_is_refused_and_nothing_is_saved(client, event, quiz):
    stranger = make_participant(event, name="Not here", checked_in=False)
    open_phase(event, Phase.PRE)
    client.set_cookie("lang", "en")
    client.set_cookie("participant", stranger.card_code)
    response = client.post_form(f"/p/events/{event.id}/pre", {**form_answers(quiz, "A", "AB", "B")})
    assert response.status_code == 403
    assert "You are not checked in to this event" in response.get_data(as_text=True)
    assert client.get(f"/p/events/{event.id}/pre").status_code == 403

    client.delete_cookie("participant")
    response = client.post_form(f"/p/events/{event.id}/pre", {**form_answers(quiz, "A", "AB", "B")})
    assert response.status_code == 403
    assert attempt_count() == 0


def test_a_stale_or_missing_csrf_token_keeps_the_answers_instead_of_losing_them(app, participant, event, quiz):
    open_phase(event, Phase.PRE)
    phone = app.test_client()  # a phone whose session cookie was lost: no session at all
    phone.set_cookie("participant", participant.card_code)
    phone.set_cookie("lang", "en")
    answers = form_answers(quiz, "A", "AB", "B")
    response = phone.post(f"/p/events/{event.id}/pre", data={**answers, "csrf_token": "expired", "idempotency_key": "k"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Your answers are kept." in page
    assert ticked(page) == answers
    assert attempt_count() == 0

    # The re-rendered page carries a fresh token: pressing Submit again records the attempt.
    token = hidden_value(page, "csrf_token")
    again = phone.post(f"/p/events/{event.id}/pre", data={**answers, "csrf_token": token, "idempotency_key": "k"})
    assert again.status_code == 302
    assert db.session.scalar(select(QuizAttempt.score)) == 100.0


def test_unanswered_questions_are_pointed_out_before_handing_in(participant_client, event, quiz):
    open_phase(event, Phase.PRE)
    answers = {f"q{quiz.questions[0].id}": str(quiz.questions[0].options[0].id), "idempotency_key": "k"}
    response = participant_client.post_form(f"/p/events/{event.id}/pre", answers)
    assert response.status_code == 400
    assert "Questions 2, 3 have no answer." in response.get_data(as_text=True)
    assert attempt_count() == 0
    response = participant_client.post_form(f"/p/events/{event.id}/pre", {**answers, "submit_incomplete": "1"})
    assert response.status_code == 302
    assert round(db.session.scalar(select(QuizAttempt.score)), 1) == 33.3


def test_after_the_post_test_the_participant_sees_both_scores_the_answers_and_explanations(
        participant_client, participant, event, quiz):
    open_phase(event, Phase.PRE)
    participant_client.post_form(f"/p/events/{event.id}/pre", {**form_answers(quiz, "B", "A", "A")})
    page = participant_client.get(f"/p/events/{event.id}").get_data(as_text=True)
    assert "The post-test will appear on this page when the trainer opens it." in page

    open_phase(event, Phase.POST)
    assert not event.pre_test_open  # opening the post-test closed the pre-test
    page = participant_client.get(f"/p/events/{event.id}").get_data(as_text=True)
    assert "Start the post-test" in page

    participant_client.post_form(f"/p/events/{event.id}/post", {**form_answers(quiz, "A", "AB", "A")})
    page = participant_client.get(f"/p/events/{event.id}").get_data(as_text=True)
    assert 'data-score="pre">0 %' in page
    assert 'data-score="post">67 %' in page
    assert "+67 points" in page
    assert "Call 1288, day or night." in page and "Most abusers are known to the child." in page
    assert "your answer" in page and "correct" in page


def test_the_check_in_confirmation_offers_the_open_test(app, participant, event, quiz):
    open_phase(event, Phase.PRE)
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        html = render_template_string('{% include "quizzes/_participant_offer.html" %}',
                                      event=event, participant=participant)
    assert "Start the pre-test" in html
    assert f"/p/events/{event.id}/pre" in html


def test_quiz_submissions_are_limited_per_phone_not_per_wifi_address(app, participant_client, event, quiz, monkeypatch):
    from tests.factories import make_participant

    monkeypatch.setitem(app.config, "QUIZ_DEVICE_RATE_LIMIT", "3 per minute")
    open_phase(event, Phase.PRE)
    participant_client.get(f"/p/events/{event.id}/pre")  # the test's page, as the phone opens it
    statuses = [participant_client.post_form(f"/p/events/{event.id}/pre", {
        **form_answers(quiz, "A", "AB", "B"), "idempotency_key": f"retry-{number}"}).status_code
        for number in range(4)]
    assert statuses[:3] == [302, 302, 302] and statuses[3] == 429
    assert attempt_count() == 1

    neighbour = make_participant(event, name="Dara")
    other_phone = app.test_client()  # the same address, another checked-in phone
    other_phone.set_cookie("participant", neighbour.card_code)
    other_phone.get(f"/p/events/{event.id}/pre")
    response = other_phone.post_form(f"/p/events/{event.id}/pre",
                                     {**form_answers(quiz, "A", "AB", "B"), "idempotency_key": "neighbour"})
    assert response.status_code == 302
    assert attempt_count() == 2


def test_a_single_choice_sent_with_several_values_counts_its_first_and_checkboxes_count_all(
        participant_client, participant, event, quiz):
    open_phase(event, Phase.PRE)
    single, multiple, true_false = sorted(quiz.questions, key=lambda question: question.position)
    form = {f"q{single.id}": [str(single.options[0].id), str(single.options[1].id)],  # right, then wrong
            f"q{multiple.id}": [str(multiple.options[0].id), str(multiple.options[1].id)],  # both right ones
            f"q{true_false.id}": ["not a number"], "idempotency_key": "k-several"}
    assert participant_client.post_form(f"/p/events/{event.id}/pre", {**form, "submit_incomplete": "1"}).status_code == 302
    attempt = db.session.scalar(select(QuizAttempt))
    assert (attempt.correct_count, attempt.question_count) == (2, 3)
    answers = {answer.question_id: answer for answer in attempt.answers}
    assert [option.id for option in answers[single.id].selected] == [single.options[0].id]
    assert sorted(option.id for option in answers[multiple.id].selected) == sorted(
        option.id for option in multiple.options[:2])
    assert answers[true_false.id].selected == [] and not answers[true_false.id].is_correct


def test_every_element_of_the_quiz_page_has_its_own_id_and_every_label_names_its_own_answer(
        participant_client, event, quiz):
    open_phase(event, Phase.PRE)
    for page in (participant_client.get(f"/p/events/{event.id}/pre").get_data(as_text=True),
                 participant_client.post_form(f"/p/events/{event.id}/pre",  # shown again: questions 2 and 3 unanswered
                                              {**form_answers(quiz, "A"), "idempotency_key": "k"}).get_data(as_text=True)):
        elements = PageElements(page)
        assert len(elements.ids) == len(set(elements.ids))
        options = [field for field in elements.inputs if field.get("type") in ("radio", "checkbox")]
        assert len(options) == sum(len(question.options) for question in quiz.questions)
        option_labels = [label for label in elements.labels if label["inputs"]]
        assert len(option_labels) == len(options)
        for label in option_labels:
            assert [field.get("id") for field in label["inputs"]] == [label["for"]]
        assert all(label["for"] in elements.ids for label in elements.labels if label["for"])


def test_a_question_edited_before_anyone_answers_and_a_renamed_quiz_show_on_the_next_phone(
        app, participant_client, event, quiz):
    open_phase(event, Phase.PRE)
    question = quiz.questions[0]
    question.text_en = "Which number do you call about a child in danger?"
    db.session.commit()
    assert "Which number do you call about a child in danger?" in participant_client.get(
        f"/p/events/{event.id}/pre").get_data(as_text=True)

    sent = participant_client.post_form(f"/p/events/{event.id}/pre",
                                        {**form_answers(quiz, "A", "A", "B"), "idempotency_key": "k-1"})
    assert sent.status_code == 302
    bank.rename_quiz(quiz, "Keeping children safe", "")
    db.session.commit()
    other_phone = app.test_client()
    other_phone.set_cookie("participant", make_participant(event, name="Dara").card_code)
    other_phone.set_cookie("lang", "en")
    assert "Keeping children safe" in other_phone.get(f"/p/events/{event.id}/pre").get_data(as_text=True)
