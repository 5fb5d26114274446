"""What the API reads: events and sessions by date, participants as the roster search finds them, and a
year's metrics from the report service that writes the workbook (no ``request`` here)."""

from datetime import date, time, timedelta

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..attendance import roster as roster_services
from ..attendance.models import Participant
from ..auth.models import User
from ..events.models import Event, Session
from ..extensions import db
from ..reports import counts
from ..reports.period import ReportFilters, make_period
from ..reports.tables import build_report
from ..timeutil import local_to_utc
from .schemas import SEX_LETTERS

MIDNIGHT = time(0, 0)


def session_dict(session: Session) -> dict:
    return {"id": session.id, "event_id": session.event_id, "starts_at": session.starts_at,
            "ends_at": session.ends_at, "checkin_open": session.checkin_open,
            "local_start": session.local_start, "local_end": session.local_end}


def event_dict(event: Event) -> dict:
    return {"id": event.id, "title": event.title, "status": event.status.value, "event_type_id": event.event_type_id,
            "province_id": event.province_id, "venue": event.venue, "language": event.language.value,
            "starts_on": event.starts_on, "target_group_ids": [group.id for group in event.target_groups],
            "trainer_ids": [trainer.id for trainer in event.trainers], "pre_quiz_id": event.pre_quiz_id,
            "post_quiz_id": event.post_quiz_id, "sessions": [session_dict(s) for s in event.sessions]}


def sessions_between(query, date_from: date | None, date_to: date | None):
    """Narrow a query joined to Session to sessions starting on these local dates (both included)."""
    if date_from:
        query = query.where(Session.starts_at >= local_to_utc(date_from, MIDNIGHT))
    if date_to:
        query = query.where(Session.starts_at < local_to_utc(date_to + timedelta(days=1), MIDNIGHT))
    return query


def events(date_from: date | None, date_to: date | None, limit: int, offset: int) -> list[Event]:
    """Events with a session on these dates, earliest first (every staff member sees the list, as on the web)."""
    ids = sessions_between(select(Session.event_id).distinct(), date_from, date_to)
    query = (select(Event).where(Event.id.in_(ids)).order_by(Event.starts_on, Event.id).limit(limit).offset(offset)
             .options(selectinload(Event.sessions), selectinload(Event.target_groups), selectinload(Event.trainers)))
    return list(db.session.scalars(query))


def sessions(date_from: date | None, date_to: date | None, limit: int, offset: int) -> list[Session]:
    query = sessions_between(select(Session), date_from, date_to).order_by(Session.starts_at, Session.id)
    return list(db.session.scalars(query.limit(limit).offset(offset)))


def participant_dict(participant: Participant, in_full: bool) -> dict:
    """Found by full phone or card only: just what confirms the person, as on the roster search."""
    shown = {"id": participant.id, "name": participant.name, "target_group_id": participant.target_group_id,
             "in_full": in_full}
    if in_full:
        shown.update(sex=SEX_LETTERS[participant.sex.value], age_band=participant.age_band.value,
                     phone=participant.phone, organisation=participant.organisation,
                     province_id=participant.province_id, card_code=participant.card_code)
    return shown


def find_participants(text: str, staff: User) -> list[dict]:
    return [participant_dict(found.participant, found.in_full)
            for found in roster_services.search_participants(text, staff)]


def participant_of(participant_id: int, staff: User) -> Participant | None:
    """A participant of the events ``staff`` may change, or None."""
    return db.session.scalar(select(Participant).where(
        Participant.id == participant_id, Participant.anonymised_at.is_(None),
        roster_services.of_events_changed_by(staff)))


def plain(value):
    return value.isoformat() if isinstance(value, date) else value


def table_dict(table) -> dict:
    keys = [column.key or f"column_{index}" for index, column in enumerate(table.columns)]
    return {"key": table.key, "title": table.title,
            "columns": [{"key": key, "header": column.header, "kind": column.kind}
                        for key, column in zip(keys, table.columns)],
            "rows": [dict(zip(keys, map(plain, row))) for row in table.rows],
            "total": dict(zip(keys, map(plain, table.total))) if table.total else None}


def year_metrics(year: int, fiscal: bool, language: str, user: User) -> dict:
    """The yearly workbook's report (totals, sentences, tables by event type, target group, province, month,
    age band and knowledge), narrowed to a trainer's own events as the workbook is."""
    filters = ReportFilters(period=make_period(year, fiscal)).for_user(user)
    with force_locale(language), counts.shared_counts(filters):
        report = build_report(filters)
        tables = [table_dict(table) for table in report.tables.values()]
        sentences = [str(sentence) for sentence in report.sentences]
    return {"year": year, "fiscal": fiscal, "period_start": filters.period.start, "period_end": filters.period.end,
            "totals": report.totals, "unique_individuals_by_sex": report.unique_by_sex, "sentences": sentences,
            "tables": tables}
