"""Quiz fixtures: a small bilingual quiz, an event using it, and checked-in participants."""

import secrets
from html.parser import HTMLParser

import pytest

from tests.english_pages import manager_client, other_trainer_client, trainer_client  # noqa: F401
from tests.factories import make_event, reference
from training_portal.attendance.models import AgeBand, Attendance, CheckInMethod, Participant, Sex
from training_portal.events.models import TargetGroup
from training_portal.extensions import db
from training_portal.quizzes import bank
from training_portal.quizzes.bank import OptionData, QuestionData


def make_quiz(creator=None, title="Child protection basics"):
    quiz = bank.create_quiz(title, "មូលដ្ឋានការពារកុមារ", creator)
    bank.add_question(quiz, QuestionData(
        kind="single", text_en="Which number is the police hotline for child abuse?",
        text_km="តើលេខទូរស័ព្ទបន្ទាន់របស់នគរបាលសម្រាប់ការរំលោភបំពានលើកុមារគឺលេខអ្វី?",
        explanation_en="Call 1288, day or night.", explanation_km="ហៅលេខ ១២៨៨ ទាំងថ្ងៃទាំងយប់។",
        options=[OptionData("1288", "១២៨៨", True), OptionData("117", "១១៧"), OptionData("119", "១១៩")]))
    bank.add_question(quiz, QuestionData(
        kind="multiple", text_en="Which are grooming signs?", text_km="តើមួយណាជាសញ្ញានៃការល្បួង?",
        explanation_en="Gifts and secrecy are classic signs.",
        options=[OptionData("Gifts", "អំណោយ", True), OptionData("Asking for secrecy", "សុំឱ្យលាក់", True),
                 OptionData("Helping with homework in class", "ជួយធ្វើលំហាត់ក្នុងថ្នាក់")]))
    bank.add_question(quiz, QuestionData(
        kind="true_false", text_en="Only strangers abuse children.", text_km="មានតែមនុស្សចម្លែកទេដែលរំលោភកុមារ។",
        explanation_en="Most abusers are known to the child.", options=bank.true_false_options(False)))
    db.session.commit()
    return quiz


def make_participant(event, name="Srey Mom", sex=Sex.FEMALE, checked_in=True):
    participant = Participant(name=name, sex=sex, age_band=AgeBand.AGE_25_34,
                              target_group_id=reference(TargetGroup, "taxi_driver").id)
    db.session.add(participant)
    db.session.flush()
    if checked_in:
        db.session.add(Attendance(participant_id=participant.id, session_id=event.sessions[0].id,
                                  method=CheckInMethod.SELF, idempotency_key=secrets.token_hex(16)))
    db.session.commit()
    return participant


def choose(quiz, *letters_per_question):
    """Selections {question id: option ids} from letters, e.g. choose(quiz, "A", "AB", "B")."""
    selections = {}
    for question, letters in zip(quiz.questions, letters_per_question):
        selections[question.id] = [question.options["ABCDEF".index(letter)].id for letter in letters]
    return selections


def form_answers(quiz, *letters_per_question) -> dict:
    """The same as posted by the quiz form: field q<id> with option ids (a list for checkboxes)."""
    return {f"q{qid}": [str(v) for v in ids] for qid, ids in choose(quiz, *letters_per_question).items()}


class PageElements(HTMLParser):
    """A page's element ids, its inputs and its labels, as a browser reads them."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.ids, self.inputs, self.labels, self.open_labels = [], [], [], []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "label":
            label = {"for": attrs.get("for"), "inputs": []}
            self.labels.append(label)
            self.open_labels.append(label)
        elif tag in ("input", "select", "textarea"):
            self.inputs.append(attrs)
            for label in self.open_labels:
                label["inputs"].append(attrs)

    def handle_endtag(self, tag):
        if tag == "label" and self.open_labels:
            self.open_labels.pop()


def ticked(page: str) -> dict[str, list[str]]:
    """{field name: the values shown ticked} on a quiz page."""
    chosen = {}
    for field in PageElements(page).inputs:
        if field.get("type") in ("radio", "checkbox") and "checked" in field:
            chosen.setdefault(field["name"], []).append(field["value"])
    return chosen


def hidden_value(page: str, name: str) -> str:
    return next(field["value"] for field in PageElements(page).inputs if field.get("name") == name)


@pytest.fixture
def quiz(app, trainer):
    return make_quiz(trainer)


@pytest.fixture
def event(app, trainer, quiz):
    event = make_event(trainer, trainers=(trainer,))
    event.pre_quiz_id = quiz.id
    event.post_quiz_id = quiz.id
    db.session.commit()
    return event


@pytest.fixture
def participant(event):
    return make_participant(event)


@pytest.fixture
def participant_client(client, participant):
    client.set_cookie("participant", participant.card_code)
    client.set_cookie("lang", "en")
    return client

