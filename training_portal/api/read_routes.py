"""The API's read views: events, sessions, participants and a year's metrics."""

from flask.views import MethodView
from flask_babel import lazy_gettext as _l

from . import access, bp, reads
from .problems import ApiProblem
from .schemas import (DateRangeQuerySchema, EventListSchema, EventSchema, ParticipantListSchema,
                      ParticipantQuerySchema, ParticipantSchema, ReportQuerySchema, ReportSchema,
                      SessionListSchema, SessionSummarySchema)
from ..events.models import Event, Session
from ..extensions import db


@bp.route("/events")
class Events(MethodView):
    @bp.arguments(DateRangeQuerySchema, location="query", as_kwargs=True)
    @bp.response(200, EventListSchema)
    def get(self, limit, offset, date_from=None, date_to=None):
        """Events with a session between two local dates (both optional), earliest first"""
        return {"events": [reads.event_dict(e) for e in reads.events(date_from, date_to, limit, offset)]}


@bp.route("/events/<int:event_id>")
class EventItem(MethodView):
    @bp.response(200, EventSchema)
    def get(self, event_id):
        """One event with its sessions"""
        event = db.session.get(Event, event_id)
        if event is None:
            raise ApiProblem(404, _l("No such event."))
        return reads.event_dict(event)


@bp.route("/sessions")
class Sessions(MethodView):
    @bp.arguments(DateRangeQuerySchema, location="query", as_kwargs=True)
    @bp.response(200, SessionListSchema)
    def get(self, limit, offset, date_from=None, date_to=None):
        """Sessions starting between two local dates (both optional), earliest first"""
        return {"sessions": [reads.session_dict(s) for s in reads.sessions(date_from, date_to, limit, offset)]}


@bp.route("/sessions/<int:session_id>")
class SessionItem(MethodView):
    @bp.response(200, SessionSummarySchema)
    def get(self, session_id):
        """One session"""
        session = db.session.get(Session, session_id)
        if session is None:
            raise ApiProblem(404, _l("No such session."))
        return reads.session_dict(session)


@bp.route("/participants")
class Participants(MethodView):
    @bp.arguments(ParticipantQuerySchema, location="query")
    @bp.response(200, ParticipantListSchema)
    def get(self, query):
        """Participants found as the roster search finds them"""
        return {"participants": reads.find_participants(query["q"], access.api_user())}


@bp.route("/participants/<int:participant_id>")
class ParticipantItem(MethodView):
    @bp.response(200, ParticipantSchema)
    def get(self, participant_id):
        """A participant of your events"""
        participant = reads.participant_of(participant_id, access.api_user())
        if participant is None:
            raise ApiProblem(404, _l("No such participant at your events."))
        return reads.participant_dict(participant, True)


@bp.route("/reports/<int(min=2000, max=2100):year>")
class YearReport(MethodView):
    @bp.arguments(ReportQuerySchema, location="query")
    @bp.response(200, ReportSchema)
    def get(self, query, year):
        """A year's metrics: the same numbers as the yearly workbook (a trainer: their own events)"""
        return reads.year_metrics(year, query["fiscal"], query["lang"], access.api_user())
