"""Trainers write bilingual quizzes, in the browser or in Excel."""

import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.factories import choose, make_participant
from training_portal.extensions import db
from training_portal.quizzes import attempts, phases, sheets
from training_portal.quizzes.models import Phase, Question, QuestionKind, Quiz


def quiz_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Quiz))


def question_form(kind="single", text="What is grooming?", options=(("A", True), ("B", False)), **extra):
    data = {"kind": kind, "text_en": text, "text_km": "តើការល្បួងគឺជាអ្វី?", "explanation_en": "Because.",
            "explanation_km": "", "true_is_correct": "true"}
    for index, (option, correct) in enumerate(options):
        data[f"options-{index}-text_en"] = option
        data[f"options-{index}-text_km"] = option + " km"
        if correct:
            data[f"options-{index}-is_correct"] = "y"
    data.update(extra)
    return data


def test_trainer_creates_a_quiz_and_adds_questions_of_each_kind(trainer_client, trainer):
    response = trainer_client.post_form("/quizzes/new", {"title_en": "Online safety", "title_km": "សុវត្ថិភាពអនឡាញ"})
    quiz = db.session.scalar(select(Quiz))
    assert response.headers["Location"].endswith(f"/quizzes/{quiz.id}")
    assert quiz.created_by_id == trainer.id

    trainer_client.post_form(f"/quizzes/{quiz.id}/questions/new", question_form())
    trainer_client.post_form(f"/quizzes/{quiz.id}/questions/new", question_form(
        "multiple", "Which are safe?", (("Private profile", True), ("Sharing passwords", False), ("Blocking", True))))
    trainer_client.post_form(f"/quizzes/{quiz.id}/questions/new", question_form(
        "true_false", "Photos online can be copied.", (), true_is_correct="true"))
    db.session.refresh(quiz)
    assert [q.kind for q in quiz.questions] == [QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE]
    assert [o.is_correct for o in quiz.questions[1].options] == [True, False, True]
    assert [(o.text_en, o.text_km, o.is_correct) for o in quiz.questions[2].options] == [
        ("True", "ពិត", True), ("False", "មិនពិត", False)]
    page = trainer_client.get(f"/quizzes/{quiz.id}").get_data(as_text=True)
    assert "Which are safe?" in page and "តើការល្បួងគឺជាអ្វី?" in page


def test_a_question_without_a_correct_option_is_refused_with_a_message(trainer_client, quiz):
    response = trainer_client.post_form(f"/quizzes/{quiz.id}/questions/new",
                                        question_form(options=(("A", False), ("B", False))))
    assert response.status_code == 200
    assert "Mark the correct option." in response.get_data(as_text=True)
    response = trainer_client.post_form(f"/quizzes/{quiz.id}/questions/new",
                                        question_form(options=(("A", True), ("B", True))))
    assert "Only a multiple-choice question may have more than one correct option." in response.get_data(as_text=True)
    db.session.refresh(quiz)
    assert len(quiz.questions) == 3


def test_questions_are_reordered_edited_and_removed(trainer_client, quiz):
    first, second, third = (q.id for q in quiz.questions)
    trainer_client.post_form(f"/questions/{third}/move/up")
    db.session.refresh(quiz)
    assert [q.id for q in quiz.questions] == [first, third, second]
    assert [q.position for q in quiz.questions] == [0, 1, 2]

    trainer_client.post_form(f"/questions/{first}/edit", question_form(text="Edited question"))
    assert db.session.get(Question, first).text_en == "Edited question"

    trainer_client.post_form(f"/questions/{third}/remove")
    db.session.refresh(quiz)
    assert [q.id for q in quiz.questions] == [first, second]
    assert [q.position for q in quiz.questions] == [0, 1]


def test_a_quiz_with_answers_is_locked_and_a_duplicate_can_be_changed(trainer_client, trainer, quiz, event):
    participant = make_participant(event)
    phases.open_phase(event, Phase.PRE)
    attempts.submit_attempt(participant, event, Phase.PRE, choose(quiz, "A", "AB", "B"))
    db.session.commit()
    question = quiz.questions[0]

    response = trainer_client.post_form(f"/questions/{question.id}/edit", question_form(text="Falsified"),
                                        follow_redirects=True)
    assert "This quiz has answers, so its questions cannot change." in response.get_data(as_text=True)
    trainer_client.post_form(f"/questions/{question.id}/remove")
    trainer_client.post_form(f"/quizzes/{quiz.id}/questions/new", question_form())
    db.session.refresh(quiz)
    assert db.session.get(Question, question.id).text_en == "Which number is the police hotline for child abuse?"
    assert len(quiz.questions) == 3

    response = trainer_client.post_form(f"/quizzes/{quiz.id}/duplicate")
    copy = db.session.scalar(select(Quiz).where(Quiz.id != quiz.id))
    assert response.headers["Location"].endswith(f"/quizzes/{copy.id}")
    assert copy.title_en == "Child protection basics (copy)"
    assert [q.text_en for q in copy.questions] == [q.text_en for q in quiz.questions]
    assert [o.is_correct for o in copy.questions[1].options] == [True, True, False]
    trainer_client.post_form(f"/questions/{copy.questions[0].id}/edit", question_form(text="Changed in the copy"))
    db.session.refresh(copy)
    assert copy.questions[0].text_en == "Changed in the copy"


def test_archived_quizzes_leave_the_bank_list(trainer_client, quiz):
    trainer_client.post_form(f"/quizzes/{quiz.id}/archive")
    assert db.session.get(Quiz, quiz.id).archived
    assert "Child protection basics" not in trainer_client.get("/quizzes").get_data(as_text=True)
    assert "Child protection basics" in trainer_client.get("/quizzes?archived=1").get_data(as_text=True)


def test_another_trainer_may_read_and_duplicate_but_not_change_a_quiz(other_trainer_client, quiz):
    assert other_trainer_client.get(f"/quizzes/{quiz.id}").status_code == 200
    assert other_trainer_client.post_form(f"/questions/{quiz.questions[0].id}/remove").status_code == 403
    assert other_trainer_client.post_form(f"/quizzes/{quiz.id}/archive").status_code == 403
    assert other_trainer_client.post_form(f"/quizzes/{quiz.id}/duplicate").status_code == 302
    assert quiz_count() == 2


def workbook(rows, headers=sheets.TEMPLATE_HEADERS) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = "Questions"
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_the_template_downloads_with_documented_headers(trainer_client):
    response = trainer_client.get("/quizzes/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert [c.value for c in book["Questions"][1]] == sheets.TEMPLATE_HEADERS
    assert "Instructions" in book.sheetnames


def test_an_uploaded_quiz_is_checked_shown_and_saved_only_after_confirming(trainer_client):
    rows = [
        {"Type": "single", "Question (English)": "Police hotline?", "Question (Khmer)": "ខ្សែទូរស័ព្ទនគរបាល?",
         "Option A (English)": "1288", "Option B (English)": "117", "Correct": "A",
         "Explanation (English)": "Call 1288."},
        {"Type": "multiple", "Question (English)": "Grooming signs?", "Option A (English)": "Gifts",
         "Option B (English)": "Secrets", "Option C (English)": "Homework", "Correct": "A, B"},
        {"Type": "true_false", "Question (English)": "Only strangers abuse children.", "Correct": "FALSE"},
    ]
    response = trainer_client.post_form("/quizzes/upload", {
        "title_en": "Uploaded quiz", "title_km": "", "file": (workbook(rows), "quiz.xlsx")},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "3 questions were read without problems." in page and "Grooming signs?" in page
    assert quiz_count() == 0

    payload = page.split('name="payload" type="hidden" value="')[1].split('"')[0]
    import html
    response = trainer_client.post_form("/quizzes/upload/confirm", {"payload": html.unescape(payload)})
    quiz = db.session.scalar(select(Quiz))
    assert response.headers["Location"].endswith(f"/quizzes/{quiz.id}")
    assert [q.kind for q in quiz.questions] == [QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE]
    assert [o.is_correct for o in quiz.questions[1].options] == [True, True, False]
    assert quiz.questions[2].options[1].is_correct  # FALSE is the correct answer
    assert quiz.questions[0].text_km == "ខ្សែទូរស័ព្ទនគរបាល?"


def test_an_upload_with_mistakes_names_the_rows_and_saves_nothing(trainer_client):
    rows = [
        {"Type": "single", "Question (English)": "Fine question", "Option A (English)": "a",
         "Option B (English)": "b", "Correct": "B"},
        {"Type": "essay", "Question (English)": "Wrong type", "Correct": "A"},
        {"Type": "single", "Question (English)": "No correct", "Option A (English)": "a", "Option B (English)": "b"},
        {"Type": "single", "Question (English)": "Bad letter", "Option A (English)": "a",
         "Option B (English)": "b", "Correct": "D"},
    ]
    response = trainer_client.post_form("/quizzes/upload", {
        "title_en": "Broken", "file": (workbook(rows), "quiz.xlsx")}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Row 3: Unknown type &#34;essay&#34;" in page or "Row 3: Unknown type \"essay\"" in page
    assert "Row 4: Mark the correct option." in page
    assert "Row 5: Correct names option D, which is empty." in page
    assert quiz_count() == 0

    response = trainer_client.post_form("/quizzes/upload", {
        "title_en": "No header", "file": (workbook([], headers=["Kind", "Text"]), "quiz.xlsx")},
        content_type="multipart/form-data")
    assert "The column &#34;Type&#34; is missing" in response.get_data(as_text=True)
    response = trainer_client.post_form("/quizzes/upload", {
        "title_en": "Not excel", "file": (io.BytesIO(b"not a workbook"), "quiz.xlsx")},
        content_type="multipart/form-data")
    assert "cannot be read as an Excel workbook" in response.get_data(as_text=True)
    assert quiz_count() == 0


def test_the_template_instructions_are_in_khmer_from_the_khmer_interface_with_room_for_each_line(trainer_client):
    trainer_client.set_cookie("lang", "km")
    book = load_workbook(io.BytesIO(trainer_client.get("/quizzes/template.xlsx").data))
    assert [c.value for c in book["Questions"][1]] == sheets.TEMPLATE_HEADERS  # headers stay as the upload reads them
    instructions = book["សេចក្តីណែនាំ"]
    assert instructions["A1"].value == "របៀបបំពេញគំរូនេះ"
    texts = {row[0].value: row[1].value for row in instructions.iter_rows(min_row=2) if row[0].value}
    assert texts["Question (Khmer)"] == "គួរបំពេញ៖ អ្នកចូលរួមអានភាសាខ្មែរមុន"
    # Every wrapped text has a row tall enough for its lines: a line of Khmer script needs 24 points.
    for row in instructions.iter_rows():
        for cell in row:
            if cell.value:
                width = instructions.column_dimensions[cell.column_letter].width
                lines = -(-len(cell.value) // (width - 4))
                assert cell.alignment.wrap_text
                assert instructions.row_dimensions[cell.row].height >= lines * 24


def test_the_template_instructions_are_in_english_from_the_english_interface(trainer_client):
    trainer_client.set_cookie("lang", "en")
    book = load_workbook(io.BytesIO(trainer_client.get("/quizzes/template.xlsx").data))
    instructions = book["Instructions"]
    assert instructions["A1"].value == "How to fill in this template"
    long_row = next(row for row in instructions.iter_rows() if str(row[1].value).startswith("the letter(s)"))
    assert instructions.row_dimensions[long_row[0].row].height >= 2 * 15  # two lines at 90 characters
