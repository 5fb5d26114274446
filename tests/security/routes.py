"""How to build a URL for every endpoint of the app from the records of the test world.

Kept apart from the expectations so that both the access-control walk and the
CSRF and "GET never writes" crawls use the same URLs.
"""

from tests.security.conftest import World

NO_ARGS = lambda w: {}  # noqa: E731


def _event(w: World):
    return {"event_id": w.event.id}


def _session(w: World):
    return {"session_id": w.session.id}


# endpoint -> URL arguments (from the world's records)
URL_ARGS = {
    "static": lambda w: {"filename": "css/app.css"},
    "healthz": NO_ARGS,
    # JSON API
    "api-docs.openapi_json": NO_ARGS,
    "api.Attendances": _session,
    "api.Roster": _session,
    "api.Headcounts": _event,
    "api.PaperAnswers": _event,
    "api.EventPackages": NO_ARGS,
    "api.Events": NO_ARGS,
    "api.EventItem": _event,
    "api.Sessions": NO_ARGS,
    "api.SessionItem": _session,
    "api.Participants": NO_ARGS,
    "api.ParticipantItem": lambda w: {"participant_id": w.participant.id},
    "api.YearReport": lambda w: {"year": 2015},
    "api_docs.docs": NO_ARGS,
    "tokens.token_list": NO_ARGS,
    "tokens.token_new": NO_ARGS,
    "tokens.token_revoke": lambda w: {"token_id": 999999},  # the walk's world has no token: nobody's to revoke
    # auth
    "auth.login": NO_ARGS,
    "auth.logout": NO_ARGS,
    "auth.set_language": NO_ARGS,
    "auth.change_password": NO_ARGS,
    "auth.staff_list": NO_ARGS,
    "auth.staff_new": NO_ARGS,
    "auth.staff_edit": lambda w: {"user_id": w.victim.id},
    "auth.staff_password": lambda w: {"user_id": w.victim.id},
    "auth.staff_toggle_active": lambda w: {"user_id": w.victim.id},
    "auth.audit_log": NO_ARGS,
    "auth.settings": NO_ARGS,
    # events
    "events.home": NO_ARGS,
    "events.event_list": NO_ARGS,
    "events.event_new": NO_ARGS,
    "events.event_detail": _event,
    "events.event_edit": _event,
    "events.session_add": _event,
    "events.session_edit": _session,
    "events.session_remove": lambda w: {"session_id": w.spare_session.id},
    "events.event_complete": _event,
    "events.event_cancel": _event,
    "events.event_reopen": _event,
    "events.reference_list": lambda w: {"kind": "target-groups"},
    "events.reference_edit": lambda w: {"kind": "target-groups", "entry_id": w.spare_group.id},
    "events.reference_delete": lambda w: {"kind": "target-groups", "entry_id": w.spare_group.id},
    # attendance
    "attendance.checkin_code": NO_ARGS,
    "attendance.self_checkin": lambda w: {"code": w.session.checkin_code},
    "attendance.participant_card": lambda w: {"card_code": w.participant.card_code},
    "attendance.participant_card_qr": lambda w: {"card_code": w.participant.card_code},
    "attendance.remember_card": lambda w: {"card_code": w.participant.card_code},
    "attendance.checkin_open": _session,
    "attendance.checkin_close": _session,
    "attendance.checkin_rotate": _session,
    "attendance.projector": _session,
    "attendance.poster": _session,
    "attendance.checkin_count": _session,
    "attendance.session_qr": lambda w: {"session_id": w.session.id, "fmt": "png"},
    "attendance.scanner": _session,
    "attendance.scan": _session,
    "attendance.roster": _session,
    "attendance.walk_in": _session,
    "attendance.walk_in_returning": _session,
    "attendance.attendance_remove": lambda w: {"attendance_id": w.attendance.id},
    "attendance.sheet_template": _session,
    "attendance.sheet_upload": _session,
    "attendance.sheet_confirm": _session,
    "attendance.participants": _event,
    "attendance.registration_template": _event,
    "attendance.registration_upload": _event,
    "attendance.registration_confirm": _event,
    "attendance.cards": _event,
    "attendance.headcounts": _event,
    "attendance.attendance_download": lambda w: {"event_id": w.event.id, "fmt": "csv"},
    # quizzes
    "quizzes.quiz_list": NO_ARGS,
    "quizzes.quiz_new": NO_ARGS,
    "quizzes.quiz_detail": lambda w: {"quiz_id": w.quiz.id},
    "quizzes.quiz_edit": lambda w: {"quiz_id": w.quiz.id},
    "quizzes.question_new": lambda w: {"quiz_id": w.quiz.id},
    "quizzes.question_edit": lambda w: {"question_id": w.question.id},
    "quizzes.question_remove": lambda w: {"question_id": w.question.id},
    "quizzes.question_move": lambda w: {"question_id": w.question.id, "direction": "up"},
    "quizzes.quiz_duplicate": lambda w: {"quiz_id": w.quiz.id},
    "quizzes.quiz_archive": lambda w: {"quiz_id": w.quiz.id},
    "quizzes.quiz_template": NO_ARGS,
    "quizzes.quiz_upload": NO_ARGS,
    "quizzes.quiz_upload_confirm": NO_ARGS,
    "quizzes.event_quizzes": _event,
    "quizzes.phase_switch": lambda w: {"event_id": w.event.id, "phase": "pre", "action": "open"},
    "quizzes.phase_counts": _event,
    "quizzes.paper_entry": lambda w: {"event_id": w.event.id, "phase": "pre"},
    "quizzes.results": _event,
    "quizzes.results_xlsx": _event,
    "quizzes.participant_page": _event,
    "quizzes.take_quiz": lambda w: {"event_id": w.event.id, "phase": "pre"},
    "quizzes.participant_state": _event,
    # reports
    "reports.dashboard": NO_ARGS,
    "reports.workbook": NO_ARGS,
    "reports.table_csv": lambda w: {"key": "summary"},
    "reports.attendance_download": lambda w: {"file_format": "csv"},
    # transfer
    "transfer.event_package": _event,
    "transfer.package_upload": NO_ARGS,
    "transfer.package_confirm": NO_ARGS,
    # offline trainer mode
    "offline.app_page": _event,
    "offline.data": _event,
    "offline.service_worker": _event,
}


def rules_by_method(app, method: str):
    """(endpoint, rule) for every rule of the app that answers ``method`` (HEAD/OPTIONS aside)."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint):
        if method in rule.methods:
            yield rule.endpoint, rule


def url_for_rule(app, world: World, endpoint: str) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **URL_ARGS[endpoint](world))
