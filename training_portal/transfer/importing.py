"""Importing an event package: the event and what was recorded about it are added to this server,
matching what is already here, so that importing the same package again changes nothing.

Participants are matched by their uid, then by card code, then by phone number. A match whose name
or sex disagrees is a conflict: it is shown for review and the import waits for a decision
(``resolve``), never guesses. ``import_package`` takes a plain dict and a user, not a request, so
that the web page, the shell command and the JSON API share it.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..attendance import summary
from ..attendance.models import (AgeBand, Attendance, CheckInMethod, Headcount, Participant, Registration, Sex,
                                 new_card_code)
from ..auth.models import User
from ..auth.services import log_action
from ..events.models import Event, EventStatus, EventType, Language, Province, Session, TargetGroup
from ..events.services import new_checkin_code, refresh_starts_on
from ..extensions import db
from ..quizzes.models import Answer, Option, Phase, Question, QuestionKind, Quiz, QuizAttempt
from .checks import check_package, parse_time
from .package import PackageError

NEW = "new"  # a decision of ``resolve``: the person in the package is not the one found here


@dataclass
class Conflict:
    """A participant of the package who looks like someone here with another name or sex."""

    uid: str
    reason: str  # "card": the same card code; "phone": the same phone number
    incoming: dict
    candidates: list[Participant]


@dataclass
class ImportResult:
    event: Event | None = None
    event_is_new: bool = False
    created: Counter = field(default_factory=Counter)  # per kind of record: added by the import
    existing: Counter = field(default_factory=Counter)  # per kind of record: already here
    conflicts: list[Conflict] = field(default_factory=list)
    unknown_trainers: list[str] = field(default_factory=list)
    applied: bool = False


def same_person(person: Participant, entry: dict) -> bool:
    """Names compared without case or spacing; an anonymous record agrees with any name."""
    def folded(name: str) -> str:
        return " ".join(name.casefold().split())

    names_agree = not person.name or not entry["name"] or folded(person.name) == folded(entry["name"])
    return names_agree and person.sex.value == entry["sex"]


def find_participant(entry: dict) -> tuple[Participant | None, Conflict | None]:
    """The participant here that the package's entry is, or a conflict to review."""
    person = db.session.scalar(sa.select(Participant).where(Participant.uid == entry["uid"]))
    if person is not None:
        return person, None
    person = db.session.scalar(sa.select(Participant).where(Participant.card_code == entry["card_code"]))
    if person is not None:
        return (person, None) if same_person(person, entry) else (None, Conflict(entry["uid"], "card", entry,
                                                                                 [person]))
    if entry["phone"]:
        found = list(db.session.scalars(
            sa.select(Participant).where(Participant.phone == entry["phone"], Participant.anonymised_at.is_(None))
            .order_by(Participant.id)))
        agreeing = [person for person in found if same_person(person, entry)]
        if agreeing:
            return agreeing[0], None
        if found:
            return None, Conflict(entry["uid"], "phone", entry, found)
    return None, None


class Importer:
    """One import, written into the current transaction."""

    def __init__(self, data: dict, user: User | None, resolve: Mapping[str, str | int]):
        self.data, self.user, self.resolve = data, user, resolve
        self.result = ImportResult()
        self.codes = {model: dict(db.session.execute(sa.select(model.code, model.id)).all())
                      for model in (EventType, Province, TargetGroup)}
        self.users = {}
        self.people: dict[str, Participant] = {}
        self.sessions: dict[str, Session] = {}
        self.quizzes: dict[str, Quiz] = {}

    def user_by_email(self, email: str | None) -> User | None:
        if email and email not in self.users:
            self.users[email] = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.lower()))
        return self.users.get(email) if email else None

    def count(self, kind: str, created: bool) -> None:
        (self.result.created if created else self.result.existing)[kind] += 1

    def run(self) -> ImportResult:
        for entry in self.data["quizzes"]:
            self.add_quiz(entry)
        event = self.add_event(self.data["event"])
        for entry in self.data["sessions"]:
            self.add_session(event, entry)
        refresh_starts_on(event)
        for entry in self.data["participants"]:
            self.add_participant(entry)
        db.session.flush()
        self.load_recorded(event)
        for entry in self.data["registrations"]:
            self.add_registration(event, entry)
        for entry in self.data["attendance"]:
            self.add_attendance(entry)
        for entry in self.data["headcounts"]:
            self.add_headcount(event, entry)
        for entry in self.data["quiz_attempts"]:
            self.add_attempt(event, entry)
        db.session.flush()
        summary.add_events([event.id])
        return self.result

    def load_recorded(self, event: Event) -> None:
        """What the server already holds of the event, read once rather than row by row."""
        self.registered = set(db.session.scalars(
            sa.select(Registration.participant_id).where(Registration.event_id == event.id)))
        self.attended = set(db.session.execute(
            sa.select(Attendance.participant_id, Attendance.session_id).join(Session)
            .where(Session.event_id == event.id)).tuples())
        self.tested = set(db.session.execute(
            sa.select(QuizAttempt.participant_id, QuizAttempt.phase).where(QuizAttempt.event_id == event.id))
            .tuples())
        self.taken_keys = set()
        for model, section in ((Attendance, "attendance"), (QuizAttempt, "quiz_attempts")):
            keys = [entry["idempotency_key"] for entry in self.data[section] if entry["idempotency_key"]]
            for start in range(0, len(keys), 500):
                self.taken_keys.update(db.session.scalars(
                    sa.select(model.idempotency_key).where(model.idempotency_key.in_(keys[start:start + 500]))))

    def add_quiz(self, entry: dict) -> None:
        quiz = db.session.scalar(sa.select(Quiz).where(Quiz.uid == entry["uid"]))
        self.count("quizzes", quiz is None)
        if quiz is None:
            quiz = Quiz(uid=entry["uid"], title_en=entry["title_en"], title_km=entry["title_km"],
                        archived=entry["archived"], created_by_id=self.user.id if self.user else None)
            for question in entry["questions"]:
                quiz.questions.append(Question(
                    position=question["position"], kind=QuestionKind(question["kind"]), text_en=question["text_en"],
                    text_km=question["text_km"], explanation_en=question["explanation_en"],
                    explanation_km=question["explanation_km"],
                    options=[Option(position=option["position"], text_en=option["text_en"],
                                    text_km=option["text_km"], is_correct=option["is_correct"])
                             for option in question["options"]]))
            db.session.add(quiz)
        self.quizzes[entry["uid"]] = quiz

    def add_event(self, entry: dict) -> Event:
        """The event with this uid; a new one when there is none. An event already here keeps its details."""
        event = db.session.scalar(sa.select(Event).where(Event.uid == entry["uid"]))
        self.result.event, self.result.event_is_new = event, event is None
        if event is None:
            db.session.flush()  # the new quizzes' ids
            quiz_ids = [self.quizzes[uid].id if uid in self.quizzes else None
                        for uid in (entry["pre_quiz"], entry["post_quiz"])]
            event = Event(
                uid=entry["uid"], title=entry["title"], description=entry["description"],
                event_type_id=self.codes[EventType][entry["event_type"]],
                province_id=self.codes[Province][entry["province"]], venue=entry["venue"],
                language=Language(entry["language"]), status=EventStatus(entry["status"]),
                cancel_reason=entry.get("cancel_reason") or "", expected_participants=entry["expected_participants"],
                pre_quiz_id=quiz_ids[0], post_quiz_id=quiz_ids[1], pre_test_open=bool(entry.get("pre_test_open")),
                post_test_open=bool(entry.get("post_test_open")), created_by_id=self.user.id if self.user else None,
                target_groups=[db.session.get(TargetGroup, self.codes[TargetGroup][code])
                               for code in entry["target_groups"]])
            db.session.add(event)
            self.result.event = event
        for email in entry["trainers"]:
            trainer = self.user_by_email(email)
            if trainer is None:
                self.result.unknown_trainers.append(email)
            elif not event.is_trainer(trainer):
                event.trainers.append(trainer)
        return event

    def add_session(self, event: Event, entry: dict) -> None:
        session = db.session.scalar(sa.select(Session).where(Session.uid == entry["uid"]))
        if session is not None and session.event_id != event.id:
            raise PackageError("invalid", f"sessions[{self.data['sessions'].index(entry)}].uid")
        self.count("sessions", session is None)
        if session is None:
            taken = db.session.scalar(sa.select(Session.id).where(Session.checkin_code == entry["checkin_code"]))
            session = Session(uid=entry["uid"], starts_at=parse_time(entry["starts_at"]),
                              ends_at=parse_time(entry["ends_at"]),
                              checkin_code=new_checkin_code() if taken else entry["checkin_code"],
                              checkin_open=False)  # check-in opens here only when someone opens it here
            event.sessions.append(session)
        self.sessions[entry["uid"]] = session

    def add_participant(self, entry: dict) -> None:
        person, conflict = find_participant(entry)
        if conflict is not None:
            decision = self.resolve.get(entry["uid"])
            chosen = [candidate for candidate in conflict.candidates if str(candidate.id) == str(decision)]
            if chosen:
                person = chosen[0]
            elif decision != NEW:
                self.result.conflicts.append(conflict)
                return
        self.count("participants", person is None)
        if person is None:
            card_taken = conflict is not None and conflict.reason == "card"
            person = Participant(
                uid=entry["uid"], name=entry["name"], sex=Sex(entry["sex"]), age_band=AgeBand(entry["age_band"]),
                target_group_id=self.codes[TargetGroup][entry["target_group"]], phone=entry["phone"],
                organisation=entry["organisation"],
                province_id=self.codes[Province][entry["province"]] if entry["province"] else None,
                card_code=new_card_code() if card_taken else entry["card_code"],
                personal_code=entry["personal_code"], created_at=parse_time(entry["created_at"]),
                anonymised_at=parse_time(entry["anonymised_at"]) if entry["anonymised_at"] else None)
            db.session.add(person)
        self.people[entry["uid"]] = person

    def add_registration(self, event: Event, entry: dict) -> None:
        person = self.people.get(entry["participant"])
        if person is None:
            return  # a participant in conflict: nothing of theirs is written
        new = person.id not in self.registered
        self.count("registrations", new)
        if new:
            self.registered.add(person.id)
            db.session.add(Registration(event=event, participant=person,
                                        registered_at=parse_time(entry["registered_at"]),
                                        registered_by_id=self.user.id if self.user else None))

    def add_attendance(self, entry: dict) -> None:
        person, session = self.people.get(entry["participant"]), self.sessions[entry["session"]]
        if person is None:
            return
        new = (person.id, session.id) not in self.attended
        self.count("attendance", new)
        if new:
            self.attended.add((person.id, session.id))
            key = entry["idempotency_key"]
            if key in self.taken_keys:  # another attendance here has it (a participant decided to be new)
                key = f"import-{person.uid}-{session.uid}"[:64]
            self.taken_keys.add(key)
            db.session.add(Attendance(participant=person, session=session,
                                      checked_in_at=parse_time(entry["checked_in_at"]),
                                      method=CheckInMethod(entry["method"]),
                                      recorded_by=self.user_by_email(entry["recorded_by"]), idempotency_key=key))

    def add_headcount(self, event: Event, entry: dict) -> None:
        group_id, sex = self.codes[TargetGroup][entry["target_group"]], Sex(entry["sex"])
        headcount = db.session.scalar(sa.select(Headcount).where(
            Headcount.event_id == event.id, Headcount.target_group_id == group_id, Headcount.sex == sex))
        self.count("headcounts", headcount is None or headcount.count != entry["count"])
        if headcount is None:
            db.session.add(Headcount(event=event, target_group_id=group_id, sex=sex, count=entry["count"],
                                     recorded_by_id=self.user.id if self.user else None))
        else:
            headcount.count = entry["count"]  # the tally taken at the event is the one that counts

    def add_attempt(self, event: Event, entry: dict) -> None:
        person, quiz, phase = self.people.get(entry["participant"]), self.quizzes[entry["quiz"]], Phase(entry["phase"])
        if person is None:
            return
        new = (person.id, phase) not in self.tested
        self.count("quiz_attempts", new)
        if not new:
            return
        self.tested.add((person.id, phase))
        key = entry["idempotency_key"]
        if key in self.taken_keys:
            key = None
        self.taken_keys.add(key)
        attempt = QuizAttempt(participant=person, event=event, quiz=quiz, phase=phase, score=entry["score"],
                              correct_count=entry["correct_count"], question_count=entry["question_count"],
                              submitted_at=parse_time(entry["submitted_at"]), on_paper=entry["on_paper"],
                              recorded_by=self.user_by_email(entry["recorded_by"]), idempotency_key=key)
        questions = {question.position: question for question in quiz.questions}
        for answer in entry["answers"]:
            question = questions.get(answer["question"])
            if question is None:
                continue  # the quiz here was changed since: the score stands, the answer has no question
            options = {option.position: option for option in question.options}
            attempt.answers.append(Answer(question=question, is_correct=answer["is_correct"],
                                          selected=[options[position] for position in answer["selected"]
                                                    if position in options]))
        db.session.add(attempt)


def import_package(data: dict, user: User | None, resolve: Mapping[str, str | int] | None = None,
                   apply: bool = True, **audit_details) -> ImportResult:
    """Import the event package ``data`` (see docs/event-package.md) into the current transaction.

    ``resolve`` decides the conflicts: for a participant's uid in the package, the id of the
    participant here who is the same person, or ``"new"``. While a conflict is undecided, or when
    ``apply`` is False (a preview), nothing is written and the result says what would be. Raises
    PackageError, writing nothing, when ``data`` is not a valid package. The caller commits.
    ``audit_details`` go into the audit entry of an applied import (the API names its credential).
    """
    check_package(data)
    for key in ("pre_quiz", "post_quiz"):
        uid = data["event"][key]
        if uid is not None and uid not in {quiz["uid"] for quiz in data["quizzes"]}:
            raise PackageError("invalid", f"event.{key}")
    savepoint = db.session.begin_nested()
    try:
        result = Importer(data, user, resolve or {}).run()
    except Exception:
        savepoint.rollback()
        raise
    if result.conflicts or not apply:
        savepoint.rollback()
        result.event = None if result.event_is_new else result.event
        return result
    savepoint.commit()
    log_action(user, "event.import", result.event, created=dict(result.created), existing=dict(result.existing),
               **audit_details)
    result.applied = True
    return result
