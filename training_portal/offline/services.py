"""What the trainer's phone stores to run an event's check-in without a connection."""

import sqlalchemy as sa
from sqlalchemy import select

from ..attendance.models import Attendance, Headcount, Participant, Registration
from ..auth.models import User
from ..events.models import Event, Session
from ..extensions import db
from ..quizzes.bank import option_letter
from ..quizzes.models import Phase, Quiz
from ..quizzes.phases import phase_quiz
from ..templating import local_datetime, local_time
from ..timeutil import to_local, utcnow

PAST_PARTICIPANTS = 300  # the trainer's most recent past participants who might come back
API_SEX = {"female": "f", "male": "m", "other": "o"}  # the JSON API's short values


def preparation_data(event: Event, staff: User) -> dict:
    """The event, its sessions, target groups, quizzes and headcounts, who is registered or checked in,
    and ``staff``'s own past participants: everything the offline app needs, as plain JSON values."""
    checked_in = db.session.execute(
        select(Attendance.session_id, Attendance.participant_id)
        .join(Session, Attendance.session_id == Session.id).where(Session.event_id == event.id)).all()
    today = to_local(utcnow()).date()
    people = {p.id: person(p, registered=True) for p in event_people(event)}
    for participant in past_participants(staff, exclude=people.keys()):
        people[participant.id] = person(participant, registered=False)
    return {
        "event": {"id": event.id, "title": event.title, "cancelled": event.is_cancelled},
        "sessions": [{"id": s.id, "label": f"{local_datetime(s.starts_at, 'short')}–{local_time(s.ends_at)}",
                      "today": s.local_start.date() == today} for s in event.sessions],
        "target_groups": [{"id": g.id, "name": g.name} for g in event.target_groups],
        "people": list(people.values()),
        "checked_in": [[session_id, participant_id] for session_id, participant_id in checked_in],
        "headcounts": [{"target_group_id": h.target_group_id, "sex": API_SEX[h.sex.value], "count": h.count}
                       for h in db.session.scalars(select(Headcount).where(Headcount.event_id == event.id))],
        "quizzes": {phase.value: quiz_data(quiz) for phase in Phase if (quiz := phase_quiz(event, phase))},
    }


def person(participant: Participant, registered: bool) -> dict:
    return {"id": participant.id, "name": participant.name, "card_code": participant.card_code,
            "phone": participant.phone, "sex": API_SEX[participant.sex.value],
            "age_band": participant.age_band.value, "target_group_id": participant.target_group_id,
            "registered": registered}


def event_people(event: Event) -> list[Participant]:
    """Participants registered for the event or checked in to one of its sessions."""
    attended = select(Attendance.participant_id).join(Session, Attendance.session_id == Session.id).where(
        Session.event_id == event.id)
    registered = select(Registration.participant_id).where(Registration.event_id == event.id)
    return list(db.session.scalars(
        select(Participant)
        .where(Participant.anonymised_at.is_(None), sa.or_(Participant.id.in_(attended), Participant.id.in_(registered)))
        .order_by(Participant.name, Participant.id)))


def past_participants(staff: User, exclude) -> list[Participant]:
    """The most recent participants of the events ``staff`` is a trainer of."""
    own_events = select(Event.id).where(Event.trainers.any(User.id == staff.id))
    attended = (select(Attendance.participant_id).join(Session, Attendance.session_id == Session.id)
                .where(Session.event_id.in_(own_events)))
    query = (select(Participant)
             .where(Participant.anonymised_at.is_(None), Participant.id.in_(attended))
             .order_by(Participant.id.desc()).limit(PAST_PARTICIPANTS + len(exclude)))
    return [p for p in db.session.scalars(query) if p.id not in exclude][:PAST_PARTICIPANTS]


def quiz_data(quiz: Quiz) -> dict:
    """A quiz's questions and lettered options, in the page's language, for typing paper answers."""
    return {"id": quiz.id, "title": quiz.title, "questions": [
        {"id": q.id, "text": q.text, "options": [
            {"letter": option_letter(index), "text": option.text} for index, option in enumerate(q.options)]}
        for q in quiz.questions]}

