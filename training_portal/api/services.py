"""What the API's writes do, on top of the web pages' services (no ``request`` here).

An attendance sent through the API keeps its client key in ``Attendance.idempotency_key`` as the web
check-in does (scoped to the session and hashed), under an ``api:`` namespace, so that a key of the
offline app never meets a key of a web form.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..attendance import roster as roster_services
from ..attendance import services as checkin
from ..attendance.models import Attendance, CheckInMethod, Participant
from ..auth.models import User
from ..events.models import Event, Province, Session
from ..extensions import db
from .problems import ApiProblem
from .schemas import SEX_CODES, SEX_LETTERS


def stored_key(session: Session, client_key: str) -> str:
    return checkin.attendance_key(session, "api:" + client_key)


@dataclass
class AttendanceAnswer:
    attendance: Attendance
    client_key: str
    already_checked_in: bool
    created: bool

    def as_dict(self) -> dict:
        a = self.attendance
        return {"id": a.id, "client_key": self.client_key, "session_id": a.session_id,
                "participant_id": a.participant_id, "participant_name": a.participant.name,
                "method": a.method.value, "checked_in_at": a.checked_in_at,
                "already_checked_in": self.already_checked_in}


def walk_in_participant(event: Event, fields: dict) -> Participant:
    """A new participant from the walk-in fields, checked as the web walk-in form checks them."""
    errors = {}
    groups = {group.id for group in checkin.target_group_choices(event)}
    if fields["target_group_id"] not in groups:
        errors["walk_in.target_group_id"] = [str(_l("Not one of this event's target groups."))]
    province_id = fields.get("province_id") or event.province_id
    if fields.get("province_id") and not db.session.scalar(
            select(Province.id).where(Province.id == province_id, Province.active.is_(True))):
        errors["walk_in.province_id"] = [str(_l("No such province."))]
    try:
        phone = checkin.normalise_phone(fields.get("phone"))
    except checkin.PhoneError:
        errors["walk_in.phone"] = [str(_l("This is not a phone number."))]
        phone = None
    if errors:
        raise ApiProblem(422, _l("Correct the marked fields."), errors)
    return checkin.ParticipantFields(
        name=fields["name"], sex=SEX_CODES[fields["sex"]], age_band=fields["age_band"],
        target_group_id=fields["target_group_id"], phone=phone, organisation=fields.get("organisation") or "",
        province_id=province_id).new_participant()


def participant_for_check_in(session: Session, data: dict, staff: User) -> tuple[Participant, CheckInMethod]:
    """Who the request names: a card, a participant this staff member may see, or a new walk-in."""
    if "card_code" in data:
        participant = checkin.participant_by_card(checkin.card_code_from_scan(data["card_code"]))
        if participant is None:
            raise ApiProblem(422, _l("Unknown card"), {"card_code": [str(_l("Unknown card"))]})
        return participant, CheckInMethod.SCAN
    if "participant_id" in data:
        participant = db.session.scalar(
            select(Participant).where(Participant.id == data["participant_id"], Participant.anonymised_at.is_(None),
                                      roster_services.of_events_changed_by(staff)))
        if participant is None:
            raise ApiProblem(422, _l("This participant is not at your events."),
                             {"participant_id": [str(_l("This participant is not at your events."))]})
        return participant, CheckInMethod.WALK_IN
    return walk_in_participant(session.event, data["walk_in"]), CheckInMethod.WALK_IN


def record_attendance(session: Session, data: dict, staff: User) -> AttendanceAnswer:
    """Record one attendance sent by a client, exactly once per client key; the caller commits.

    A repeat of the key answers as the first time and writes nothing, even when the first was a walk-in.
    """
    client_key = data["client_key"]
    key = stored_key(session, client_key)
    earlier = checkin.attendance_by_key(key)
    if earlier is not None:
        return AttendanceAnswer(earlier, client_key, False, False)
    if session.event.is_cancelled:
        raise ApiProblem(409, _l("The event is cancelled: nobody can be checked in."))
    participant, method = participant_for_check_in(session, data, staff)
    result = checkin.check_in(session, participant, method, client_key, recorded_by=staff, stored_key=key)
    if result.status == checkin.NOT_VALID:
        raise ApiProblem(409, _l("This client key was already used for another participant."),
                         {"client_key": [str(_l("Already used for another participant."))]})
    already = result.status == checkin.ALREADY_CHECKED_IN
    created = not already and result.attendance.idempotency_key == key
    return AttendanceAnswer(result.attendance, client_key, already, created)


def attendance_by_client_key(event: Event, client_key: str) -> Attendance | None:
    """The attendance at one of the event's sessions recorded through the API under this client key."""
    keys = [stored_key(session, client_key) for session in event.sessions]
    if not keys:
        return None
    return db.session.scalar(select(Attendance).where(Attendance.idempotency_key.in_(keys)))


def roster(session: Session) -> dict:
    """The event's registered and checked-in participants, each marked checked in to this session or not."""
    event = session.event
    people = {p.id: p for p in roster_services.registered_participants(event) + roster_services.event_attendees(event)}
    here = {a.participant_id: a for a in db.session.scalars(select(Attendance).where(Attendance.session_id == session.id))}
    participants = []
    for p in sorted(people.values(), key=lambda p: (p.name.casefold(), p.id)):
        attendance = here.get(p.id)
        participants.append({
            "id": p.id, "name": p.name, "card_code": p.card_code, "phone": p.phone,
            "sex": SEX_LETTERS[p.sex.value], "age_band": p.age_band.value, "target_group_id": p.target_group_id,
            "checked_in": attendance is not None, "checked_in_at": attendance.checked_in_at if attendance else None})
    return {"session": session, "participants": participants}

