"""Spreadsheets of the quiz feature: the question template, reading it back, and the results' tables.

Columns are read by header name, never by position (see README.md (Pre-test and post-test quizzes)).
Every function returns bytes, tables (written by ``spreadsheets``) or plain data; views only send them.
"""

import io
import math
from dataclasses import asdict, dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ..i18n import current_language
from ..spreadsheets import (Column, Table, TooManyRows, Value, open_uploaded_workbook, sheet_title,
                            style_header_row)
from .models import QuestionKind
from .bank import MAX_OPTIONS, OPTION_LETTERS, OptionData, QuestionData, question_problems, true_false_options

QUESTIONS_SHEET = "Questions"
TYPE_HEADER = "Type"
QUESTION_EN, QUESTION_KM = "Question (English)", "Question (Khmer)"
CORRECT_HEADER = "Correct"
EXPLANATION_EN, EXPLANATION_KM = "Explanation (English)", "Explanation (Khmer)"
OPTION_HEADERS = [(f"Option {letter} (English)", f"Option {letter} (Khmer)") for letter in OPTION_LETTERS[:MAX_OPTIONS]]
TEMPLATE_HEADERS = [TYPE_HEADER, QUESTION_EN, QUESTION_KM,
                    *[header for pair in OPTION_HEADERS for header in pair],
                    CORRECT_HEADER, EXPLANATION_EN, EXPLANATION_KM]
REQUIRED_HEADERS = (TYPE_HEADER, QUESTION_EN, CORRECT_HEADER)
TYPE_NAMES = {
    "single": QuestionKind.SINGLE, "multiple": QuestionKind.MULTIPLE, "true_false": QuestionKind.TRUE_FALSE,
    "true/false": QuestionKind.TRUE_FALSE, "true false": QuestionKind.TRUE_FALSE,
}
TRUE_WORDS = {"true", "t", "yes", "a", "ពិត"}
FALSE_WORDS = {"false", "f", "no", "b", "មិនពិត"}
MAX_QUESTION_ROWS = 200

# The column headers stay in English in every language: the upload finds the columns by them.
INSTRUCTIONS = [
    (_l("How to fill in this template"), ""),
    ("", ""),
    (_l("Sheet 'Questions': one row per question; leave no empty rows in between. Keep the column headers as "
        "they are (in English): the upload finds the columns by them."), ""),
    (TYPE_HEADER, _l("single, multiple or true_false (written in English, as here)")),
    (QUESTION_EN, _l("required")),
    (QUESTION_KM, _l("recommended: participants read Khmer first")),
    ("Option A (English) ... Option F (English)", _l("2 to 6 options (not needed for true_false)")),
    ("Option A (Khmer) ... Option F (Khmer)", _l("the same options in Khmer")),
    (CORRECT_HEADER, _l("the letter(s) of the correct option(s), e.g. B, or A, C for multiple; TRUE or FALSE for "
                        "true_false")),
    (EXPLANATION_EN, _l("shown to participants after the post-test")),
    (EXPLANATION_KM, _l("the same in Khmer")),
    ("", ""),
    (_l("Scoring"), _l("A multiple-choice question is right only when exactly the correct options are ticked.")),
    (_l("Example"), ""),
    (TYPE_HEADER, "single"),
    (QUESTION_EN, "Which number is the police hotline for child abuse?"),
    ("Option A (English) / B / C", "1288 / 117 / 119"),
    (CORRECT_HEADER, "A"),
]
INSTRUCTION_WIDTHS = (45, 90)
# Points per printed line: Khmer stacks vowels and subscript consonants above and below the line.
LINE_HEIGHTS = {"km": 24, "en": 15}


@dataclass(frozen=True)
class RowProblem:
    """A problem of the upload: its row number in the sheet (0 for the whole file) and a key."""

    row: int
    key: str
    value: str = ""


def question_template() -> bytes:
    """The empty question template with its instructions in the page's language."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = QUESTIONS_SHEET
    sheet.append(TEMPLATE_HEADERS)
    style_header_row(sheet)
    for column in range(1, len(TEMPLATE_HEADERS) + 1):
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = 28
    instructions = workbook.create_sheet(sheet_title(_("Instructions")))
    line_height = LINE_HEIGHTS.get(current_language(), LINE_HEIGHTS["en"])
    for number, texts in enumerate(INSTRUCTIONS, start=1):
        texts = [str(text) for text in texts]
        instructions.append(texts)
        # A wrapped cell's row does not grow by itself when printed: give it room for its longest text.
        lines = max(wrapped_lines(text, width) for text, width in zip(texts, INSTRUCTION_WIDTHS))
        instructions.row_dimensions[number].height = lines * line_height
    instructions["A1"].font = Font(bold=True, size=13)
    for letter, width in zip("AB", INSTRUCTION_WIDTHS):
        instructions.column_dimensions[letter].width = width
    for row in instructions.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def wrapped_lines(text: str, width: int) -> int:
    """How many lines a text takes in a wrapped cell ``width`` characters wide (at least one)."""
    return max(1, math.ceil(len(text) / (width - 4)))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _correct_letters(text: str) -> list[str]:
    return [c for c in text.upper() if c.isalpha()]


def parse_question_rows(headers: list[str], rows: list[tuple[int, dict]]) -> tuple[list[QuestionData], list[RowProblem]]:
    """Questions from rows already keyed by header; problems name the row number."""
    missing = [header for header in REQUIRED_HEADERS if header not in headers]
    if missing:
        return [], [RowProblem(0, "missing_header", header) for header in missing]
    questions, problems = [], []
    for number, values in rows:
        kind = TYPE_NAMES.get(values.get(TYPE_HEADER, "").lower())
        if kind is None:
            problems.append(RowProblem(number, "unknown_type", values.get(TYPE_HEADER, "")))
            continue
        correct = values.get(CORRECT_HEADER, "")
        if kind == QuestionKind.TRUE_FALSE:
            word = correct.lower()
            if word not in TRUE_WORDS | FALSE_WORDS:
                problems.append(RowProblem(number, "true_false_answer", correct))
                continue
            options = true_false_options(word in TRUE_WORDS)
        else:
            letters = _correct_letters(correct)
            options = []
            for index, (en_header, km_header) in enumerate(OPTION_HEADERS):
                text_en, text_km = values.get(en_header, ""), values.get(km_header, "")
                if text_en or text_km:
                    options.append(OptionData(text_en, text_km, OPTION_LETTERS[index] in letters))
            unknown = [letter for letter in letters
                       if letter not in OPTION_LETTERS[:MAX_OPTIONS]
                       or not values.get(OPTION_HEADERS[OPTION_LETTERS.index(letter)][0], "")]
            if unknown:
                problems.append(RowProblem(number, "correct_letter_without_option", ", ".join(unknown)))
                continue
        data = QuestionData(kind=kind.value, text_en=values.get(QUESTION_EN, ""), text_km=values.get(QUESTION_KM, ""),
                            explanation_en=values.get(EXPLANATION_EN, ""), explanation_km=values.get(EXPLANATION_KM, ""),
                            options=options)
        row_problems = question_problems(data)
        problems.extend(RowProblem(number, key) for key in row_problems)
        if not row_problems:
            questions.append(data)
    if not questions and not problems:
        problems.append(RowProblem(0, "no_questions"))
    return questions, problems


def read_question_template(stream) -> tuple[list[QuestionData], list[RowProblem]]:
    """Read an uploaded template: the questions, or the problems by row number (nothing is saved here)."""
    try:
        workbook = open_uploaded_workbook(stream.read())
    except TooManyRows:
        return [], [RowProblem(0, "too_many_rows", str(MAX_QUESTION_ROWS))]
    if workbook is None:
        return [], [RowProblem(0, "unreadable")]
    sheet = workbook[QUESTIONS_SHEET] if QUESTIONS_SHEET in workbook.sheetnames else workbook.worksheets[0]
    all_rows = sheet.iter_rows(values_only=True)
    header_row = next(all_rows, None) or ()
    headers = [_text(value) for value in header_row]
    rows = []
    for number, values in enumerate(all_rows, start=2):
        if not any(_text(value) for value in values):
            continue
        if len(rows) >= MAX_QUESTION_ROWS:
            workbook.close()
            return [], [RowProblem(number, "too_many_rows", str(MAX_QUESTION_ROWS))]
        rows.append((number, {header: _text(value) for header, value in zip(headers, values) if header}))
    workbook.close()
    return parse_question_rows(headers, rows)


def questions_to_payload(questions: list[QuestionData]) -> list[dict]:
    return [asdict(question) for question in questions]


def questions_from_payload(payload: list) -> list[QuestionData]:
    """Question data back from the confirmation form (validated again by the caller)."""
    questions = []
    for item in payload:
        options = [OptionData(str(o.get("text_en", "")), str(o.get("text_km", "")), bool(o.get("is_correct")))
                   for o in item.get("options", [])]
        questions.append(QuestionData(
            kind=str(item.get("kind", "")), text_en=str(item.get("text_en", "")), text_km=str(item.get("text_km", "")),
            explanation_en=str(item.get("explanation_en", "")), explanation_km=str(item.get("explanation_km", "")),
            options=options,
        ))
    return questions


def results_tables(results, labels: dict) -> list[Table]:
    """The event's results as three tables: summary, one row per participant, one per question.

    Values are stored exactly and shown by their column's number format (scores and shares in percent with
    one decimal, gains in points, ratios with two decimals). ``labels`` holds the translated sheet titles
    and headers chosen by the view.
    """
    summary = results.summary

    def share(value):
        return value * 100 if value is not None else None

    summary_rows = [
        [labels["event"], results.event.title],
        [labels["pre_quiz"], results.pre_quiz.title if results.pre_quiz else ""],
        [labels["post_quiz"], results.post_quiz.title if results.post_quiz else ""],
        [labels["pre_count"], summary.pre_count],
        [labels["pre_mean"], Value(summary.pre_mean, "percent")],
        [labels["post_count"], summary.post_count],
        [labels["post_mean"], Value(summary.post_mean, "percent")],
        [labels["paired_count"], summary.paired_count],
        [labels["paired_pre_mean"], Value(summary.paired_pre_mean, "percent")],
        [labels["paired_post_mean"], Value(summary.paired_post_mean, "percent")],
        [labels["mean_gain"], Value(summary.mean_gain, "points")],
        [labels["group_normalised_gain"], Value(summary.group_normalised_gain, "ratio")],
        [labels["mean_participant_normalised_gain"], Value(summary.mean_participant_normalised_gain, "ratio")],
        [labels["share_improved"], Value(share(summary.share_improved), "percent")],
        [labels["pre_only"], summary.pre_only_count],
        [labels["post_only"], summary.post_only_count],
    ]
    participant_rows = [
        [row.participant.name, labels["sex"].get(row.participant.sex, ""), row.participant.target_group.name,
         row.pre.score if row.pre else None, row.post.score if row.post else None, row.gain, row.normalised_gain,
         labels["yes"] if (row.pre and row.pre.on_paper) or (row.post and row.post.on_paper) else ""]
        for row in results.participants
    ]
    question_rows = [
        [q.number, q.question.text if q.question else "", share(q.pre_share), share(q.post_share), share(q.change),
         q.pre_share, q.pre_discrimination, q.post_share, q.post_discrimination]
        for q in results.questions
    ]
    return [
        Table(labels["summary_sheet"], fitted_columns([labels["figure"], labels["value"]], ["text", "int"],
                                                      summary_rows), summary_rows),
        Table(labels["participants_sheet"], fitted_columns(
            labels["participant_headers"], ["text", "text", "text", "percent", "percent", "points", "ratio", "text"],
            participant_rows), participant_rows),
        Table(labels["questions_sheet"], fitted_columns(
            labels["question_headers"], ["int", "text", "percent", "percent", "points", "ratio", "ratio", "ratio",
                                         "ratio"], question_rows), question_rows),
    ]


NUMBER_WIDTH = 8  # "-100.0" and its margin
MAX_COLUMN_WIDTH = 100  # a long question is cut off in the sheet rather than a column wider than a screen


def fitted_columns(headers: list[str], kinds: list[str], rows: list[list]) -> list[Column]:
    """Columns as wide as their header and their longest text, so that no label, title or question is cut."""
    columns = []
    for index, (header, kind) in enumerate(zip(headers, kinds)):
        longest = max([len(str(header)), NUMBER_WIDTH,
                       *(len(row[index]) for row in rows if isinstance(row[index], str))])
        columns.append(Column(header, kind, min(MAX_COLUMN_WIDTH, longest + 2)))
    return columns
