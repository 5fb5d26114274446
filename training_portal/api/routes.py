"""The API's views: load and check access, validate (the schemas), call a service, audit, commit."""

from flask import g
from flask.views import MethodView

from ..auth.services import log_action
from ..extensions import db, limiter
from . import access, bp, event_writes, services
from .schemas import (AttendanceInSchema, AttendanceSchema, HeadcountsSchema, PaperAnswersInSchema,
                      PaperAnswersSchema, RosterSchema)

limiter.limit(access.rate_limit, key_func=access.rate_limit_key)(bp)


@bp.before_request
def authenticate():
    access.authenticate()
    access.load_records()


def audit(action: str, obj, **details) -> None:
    log_action(access.api_user(), action, obj, via=access.via(), **details)


@bp.route("/sessions/<int:session_id>/attendances")
class Attendances(MethodView):
    @bp.arguments(AttendanceInSchema)
    @bp.response(201, AttendanceSchema)
    @bp.alt_response(200, schema=AttendanceSchema, description="the key was used before, or the participant "
                                                                 "is already checked in: nothing written")
    def post(self, data, session_id):
        """Check a participant in (card code, existing participant or walk-in), once per client key"""
        session = g.api_session
        answer = services.record_attendance(session, data, access.api_user())
        if answer.created:
            audit("api.attendance.create", answer.attendance, session_id=session.id, client_key=answer.client_key,
                  method=answer.attendance.method.value)
        db.session.commit()
        return answer.as_dict(), 201 if answer.created else 200


@bp.route("/sessions/<int:session_id>/roster")
class Roster(MethodView):
    @bp.response(200, RosterSchema)
    def get(self, session_id):
        """The event's registered and checked-in participants, marked checked in to this session or not"""
        return services.roster(g.api_session)


@bp.route("/events/<int:event_id>/headcounts")
class Headcounts(MethodView):
    @bp.arguments(HeadcountsSchema)
    @bp.response(200, HeadcountsSchema)
    def put(self, data, event_id):
        """Replace the given headcount cells (target group x sex); a zero removes a cell"""
        event = g.api_event
        changes = event_writes.set_headcounts(event, data["counts"], access.api_user())
        if changes:
            audit("api.headcount.update", event, changes=changes)
        db.session.commit()
        return {"counts": event_writes.headcount_cells(event)}

    @bp.response(200, HeadcountsSchema)
    def get(self, event_id):
        """The event's headcount cells"""
        return {"counts": event_writes.headcount_cells(g.api_event)}


@bp.route("/events/<int:event_id>/paper-answers")
class PaperAnswers(MethodView):
    @bp.arguments(PaperAnswersInSchema)
    @bp.response(200, PaperAnswersSchema)
    def post(self, data, event_id):
        """Paper quiz answer sheets; participants who already have an attempt in the phase keep it"""
        event = g.api_event
        result = event_writes.record_paper_answers(event, data["phase"], data["rows"], access.api_user())
        if result["created"]:
            audit("api.quiz.paper_entry", event, phase=data["phase"], attempts=result["created"])
        db.session.commit()
        return result
