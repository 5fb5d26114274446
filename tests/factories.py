"""Builders of test data: staff, events, participants, attendance, headcounts, sheets, quizzes and attempts.

Records that the app builds through a service are built through the same service here; the rest are
plain rows, written as the app's write paths write them.
"""

import io
import secrets
from datetime import date, time

from openpyxl import load_workbook
from sqlalchemy import select

from training_portal.attendance import summary
from training_portal.attendance.models import AgeBand, Attendance, CheckInMethod, Headcount, Participant, Sex
from training_portal.auth.models import Role
from training_portal.auth.services import create_user
from training_portal.events import services as event_services
from training_portal.events.models import Event, EventType, Province, TargetGroup
from training_portal.extensions import db
from training_portal.quizzes import bank as quiz_bank, phases as quiz_phases
from training_portal.quizzes.models import Phase, Quiz, QuizAttempt
from training_portal.quizzes.bank import OptionData, QuestionData

TEST_PASSWORD = "correct horse battery staple"


# Reference lists


def reference(model, code: str):
    """The entry of a reference list (event type, province, target group) with this code."""
    return db.session.scalar(select(model).where(model.code == code))


def group_id(code: str) -> int:
    """The id of the target group with this code."""
    return reference(TargetGroup, code).id


# Staff


def make_staff(email: str, role: Role, name: str | None = None):
    """A staff account with the test password, committed."""
    user = create_user(email, name or email.split("@")[0].title(), role, TEST_PASSWORD)
    db.session.commit()
    return user


# Events


def make_event(
    creator,
    title: str = "Child protection training",
    type_code: str = "training",
    province_code: str = "phnom_penh",
    groups=("taxi_driver", "hotel_staff"),
    trainers=(),
    days=(date(2015, 3, 10),),
    start: time = time(8, 30),
    end: time = time(16, 30),
    language: str = "km",
) -> Event:
    """An event with one session per day, committed."""
    fields = {
        "title": title,
        "description": "",
        "event_type_id": reference(EventType, type_code).id,
        "province_id": reference(Province, province_code).id,
        "venue": "Community hall",
        "language": language,
        "target_group_ids": [group_id(code) for code in groups],
        "trainer_ids": [trainer.id for trainer in trainers],
        "expected_participants": None,
    }
    sessions = [event_services.SessionTimes(day, start, end) for day in days]
    event = event_services.create_event(fields, sessions, creator)
    db.session.commit()
    return event


def open_event(creator, trainers=(), **kwargs) -> Event:
    """An event (see ``make_event``) with check-in open on its first session, committed."""
    event = make_event(creator, trainers=trainers, **kwargs)
    event.sessions[0].checkin_open = True
    db.session.commit()
    return event


# Participants and attendance


def new_participant(name: str = "Srey Mom", sex="female", age_band="25_34", group: str = "taxi_driver",
                    phone: str | None = None, organisation: str | None = None) -> Participant:
    """A participant not yet saved, as a check-in service receives it."""
    return Participant(name=name, sex=Sex(sex), age_band=AgeBand(age_band), target_group_id=group_id(group),
                       phone=phone, organisation=organisation)


def make_participant(event: Event | None = None, name: str = "Srey Mom", sex="female", checked_in: bool = True,
                     **fields) -> Participant:
    """A participant, committed; with an event, checked in by themselves at its first session (unless
    ``checked_in`` is false). ``fields`` are those of ``new_participant``."""
    participant = new_participant(name, sex, **fields)
    db.session.add(participant)
    db.session.flush()
    if event is not None and checked_in:
        attend(participant, event.sessions[0], method="self")
    db.session.commit()
    return participant


def attend(participant: Participant, session, recorded_by=None, method: str = "scan") -> Attendance:
    """An attendance of ``participant`` at ``session``, flushed, counted at the event as every write path does."""
    attendance = Attendance(participant_id=participant.id, session_id=session.id, method=CheckInMethod(method),
                            recorded_by_id=recorded_by.id if recorded_by else None,
                            idempotency_key=secrets.token_hex(16))
    db.session.add(attendance)
    db.session.flush()
    summary.add(session.event, participant)
    return attendance


# Headcounts


def make_headcount(event: Event, count: int, sex: str = "female", group: str = "villager") -> Headcount:
    """A headcount of one sex and target group at an event, flushed."""
    headcount = Headcount(event_id=event.id, target_group_id=group_id(group), sex=Sex(sex), count=count)
    db.session.add(headcount)
    db.session.flush()
    return headcount


# Paper sign-in sheets


def filled_sheet(template: bytes, rows: list[list]) -> bytes:
    """The downloaded sign-in sheet with ``rows`` typed under its header row (found by its 'Sex' header)."""
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    header_row = next(row[0].row for row in sheet.iter_rows() if any(str(c.value or "").startswith("Sex /") for c in row))
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=header_row + offset, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Quizzes and attempts


def make_quiz(creator=None, title: str = "Child protection basics") -> Quiz:
    """A bilingual quiz of three questions (single choice, multiple choice, true/false), committed.

    Right answers, by letter: "A", "AB", "B".
    """
    quiz = quiz_bank.create_quiz(title, "មូលដ្ឋានការពារកុមារ", creator)
    quiz_bank.add_question(quiz, QuestionData(
        kind="single", text_en="Which number is the police hotline for child abuse?",
        text_km="តើលេខទូរស័ព្ទបន្ទាន់របស់នគរបាលសម្រាប់ការរំលោភបំពានលើកុមារគឺលេខអ្វី?",
        explanation_en="Call 1288, day or night.", explanation_km="ហៅលេខ ១២៨៨ ទាំងថ្ងៃទាំងយប់។",
        options=[OptionData("1288", "១២៨៨", True), OptionData("117", "១១៧"), OptionData("119", "១១៩")]))
    quiz_bank.add_question(quiz, QuestionData(
        kind="multiple", text_en="Which are grooming signs?", text_km="តើមួយណាជាសញ្ញានៃការល្បួង?",
        explanation_en="Gifts and secrecy are classic signs.",
        options=[OptionData("Gifts", "អំណោយ", True), OptionData("Asking for secrecy", "សុំឱ្យលាក់", True),
                 OptionData("Helping with homework in class", "ជួយធ្វើលំហាត់ក្នុងថ្នាក់")]))
    quiz_bank.add_question(quiz, QuestionData(
        kind="true_false", text_en="Only strangers abuse children.", text_km="មានតែមនុស្សចម្លែកទេដែលរំលោភកុមារ។",
        explanation_en="Most abusers are known to the child.", options=quiz_bank.true_false_options(False)))
    db.session.commit()
    return quiz


def open_phase(event: Event, phase: Phase) -> None:
    """The pre-test or post-test of the event opened, committed."""
    assert quiz_phases.open_phase(event, phase) is None
    db.session.commit()


def choose(quiz: Quiz, *letters_per_question) -> dict:
    """Selections {question id: option ids} from letters, e.g. choose(quiz, "A", "AB", "B")."""
    selections = {}
    for question, letters in zip(quiz.questions, letters_per_question):
        selections[question.id] = [question.options["ABCDEF".index(letter)].id for letter in letters]
    return selections


def form_answers(quiz: Quiz, *letters_per_question) -> dict:
    """The same as posted by the quiz form: field q<id> with option ids (a list for checkboxes)."""
    return {f"q{qid}": [str(v) for v in ids] for qid, ids in choose(quiz, *letters_per_question).items()}


def make_attempt(participant: Participant, event: Event, phase: str, score: float, quiz: Quiz | None = None
                 ) -> QuizAttempt:
    """A scored attempt of ten questions, flushed; of ``quiz``, else of the first quiz stored (made if none)."""
    quiz = quiz or db.session.scalar(select(Quiz).order_by(Quiz.id)) or make_quiz()
    attempt = QuizAttempt(participant_id=participant.id, event_id=event.id, quiz_id=quiz.id, phase=Phase(phase),
                          score=score, correct_count=round(score / 10), question_count=10)
    db.session.add(attempt)
    db.session.flush()
    return attempt
