"""Every route, for every kind of visitor, answers as the table below says (ASVS V8).

Roles, in the order of each tuple: nobody (anonymous), a participant's phone
(device cookie, no account), the trainer assigned to the event, another
trainer (the records belong to someone else), a program manager, an admin.
Codes: a status number; "login" = redirect to the login page; "redirect" =
any other redirect (the action was allowed). The POST walk sends a valid CSRF
token and an empty form, so an allowed role gets a form error (400), the
form again (200) or a redirect after a confirm-only action.

A route that is not in the table fails the test: add it with its expectations.
"""

import pytest

from tests.security.conftest import ROLES, client_for
from tests.security.routes import URL_ARGS, url_for_rule

L = "login"
R = "redirect"
STAFF_ONLY = (L, L, 200, 200, 200, 200)
ADMIN_ONLY = (L, L, 403, 403, 403, 200)
ASSIGNED_ONLY = (L, L, 200, 403, 200, 200)
PUBLIC = (200,) * 6
# The JSON API answers problems instead of redirecting: 401 without a staff session (or token).
API_ASSIGNED_ONLY = (401, 401, 200, 403, 200, 200)
API_STAFF_ONLY = (401, 401, 200, 200, 200, 200)
# The walk posts an empty form (with the CSRF token): an allowed role is told the JSON body is missing.
API_POST = (401, 401, 422, 403, 422, 422)

EXPECTED_GET = {
    "static": PUBLIC,
    "healthz": PUBLIC,
    "api-docs.openapi_json": PUBLIC,
    "api.Roster": API_ASSIGNED_ONLY,
    "api.Headcounts": API_ASSIGNED_ONLY,
    "api.Events": API_STAFF_ONLY,
    "api.EventItem": API_STAFF_ONLY,
    "api.Sessions": API_STAFF_ONLY,
    "api.SessionItem": API_STAFF_ONLY,
    "api.Participants": (401, 401, 422, 422, 422, 422),  # the search text is required
    "api.ParticipantItem": (401, 401, 200, 404, 200, 200),  # of the events one may change, as the roster search
    "api.YearReport": API_STAFF_ONLY,  # a trainer's figures are narrowed to their own events
    "api_docs.docs": PUBLIC,
    "tokens.token_list": STAFF_ONLY,
    "auth.login": (200, 200, R, R, R, R),
    "auth.change_password": STAFF_ONLY,
    "auth.staff_list": ADMIN_ONLY,
    "auth.staff_new": ADMIN_ONLY,
    "auth.staff_edit": ADMIN_ONLY,
    "auth.audit_log": ADMIN_ONLY,
    "auth.settings": ADMIN_ONLY,
    "events.home": STAFF_ONLY,
    "events.event_list": STAFF_ONLY,
    "events.event_new": STAFF_ONLY,
    "events.event_detail": STAFF_ONLY,
    "events.event_edit": ASSIGNED_ONLY,
    "events.session_edit": ASSIGNED_ONLY,
    "events.reference_list": ADMIN_ONLY,
    "events.reference_edit": ADMIN_ONLY,
    "attendance.checkin_code": PUBLIC,
    "attendance.self_checkin": PUBLIC,
    # The card code is the 128-bit secret printed on the person's own card.
    "attendance.participant_card": PUBLIC,
    "attendance.participant_card_qr": PUBLIC,
    "attendance.checkin_count": ASSIGNED_ONLY,
    "attendance.projector": ASSIGNED_ONLY,
    "attendance.poster": ASSIGNED_ONLY,
    "attendance.checkin_rotate": ASSIGNED_ONLY,  # the page that asks before a new code
    "attendance.session_qr": ASSIGNED_ONLY,
    "attendance.scanner": ASSIGNED_ONLY,
    "attendance.roster": ASSIGNED_ONLY,
    "attendance.sheet_template": ASSIGNED_ONLY,
    "attendance.sheet_upload": ASSIGNED_ONLY,
    "attendance.participants": ASSIGNED_ONLY,
    "attendance.registration_template": ASSIGNED_ONLY,
    "attendance.registration_upload": ASSIGNED_ONLY,
    "attendance.cards": ASSIGNED_ONLY,
    "attendance.headcounts": ASSIGNED_ONLY,
    "quizzes.quiz_list": STAFF_ONLY,
    "quizzes.quiz_new": STAFF_ONLY,
    "quizzes.quiz_detail": STAFF_ONLY,
    "quizzes.quiz_edit": ASSIGNED_ONLY,  # the quiz's author (the trainer), managers, admins
    "quizzes.question_new": ASSIGNED_ONLY,
    "quizzes.question_edit": ASSIGNED_ONLY,
    "quizzes.quiz_template": STAFF_ONLY,
    "quizzes.quiz_upload": STAFF_ONLY,
    "quizzes.phase_counts": ASSIGNED_ONLY,
    "quizzes.paper_entry": ASSIGNED_ONLY,
    "quizzes.results": ASSIGNED_ONLY,
    "quizzes.participant_page": PUBLIC,
    "quizzes.participant_state": PUBLIC,
    # The pre-test is not open: a phone that checked in is sent to the event page, others refused.
    "quizzes.take_quiz": (403, R, 403, 403, 403, 403),
    "reports.dashboard": STAFF_ONLY,
    "transfer.package_upload": (L, L, 403, 403, 200, 200),
    "offline.app_page": ASSIGNED_ONLY,
    "offline.data": ASSIGNED_ONLY,
    "offline.service_worker": PUBLIC,  # the same file for every event, no data in it
}

EXPECTED_POST = {
    "api.Attendances": API_POST,
    "api.PaperAnswers": API_POST,
    "api.EventPackages": (401, 401, 403, 403, 422, 422),  # managers and admins, as the import page
    "tokens.token_new": (L, L, 400, 400, 400, 400),
    "tokens.token_revoke": (L, L, 404, 404, 404, 404),
    "auth.login": (200, 200, R, R, R, R),
    "auth.logout": (L, L, L, L, L, L),  # staff: logged out and sent to the login page
    "auth.set_language": (R,) * 6,
    "auth.change_password": (L, L, 200, 200, 200, 200),
    "auth.staff_new": (L, L, 403, 403, 403, 200),
    "auth.staff_edit": (L, L, 403, 403, 403, R),
    "auth.staff_password": (L, L, 403, 403, 403, 400),
    "auth.staff_toggle_active": (L, L, 403, 403, 403, R),
    "auth.settings": (L, L, 403, 403, 403, R),
    "events.event_new": (L, L, 200, 200, 200, 200),
    "events.event_edit": (L, L, 200, 403, 200, 200),
    "events.session_add": (L, L, 400, 403, 400, 400),
    "events.session_edit": (L, L, 200, 403, 200, 200),
    "events.session_remove": (L, L, R, 403, R, R),
    "events.event_complete": (L, L, R, 403, R, R),
    "events.event_cancel": (L, L, 400, 403, 400, 400),
    "events.event_reopen": (L, L, R, 403, R, R),
    "events.reference_list": (L, L, 403, 403, 403, 200),
    "events.reference_edit": (L, L, 403, 403, 403, R),
    "events.reference_delete": (L, L, 403, 403, 403, R),
    "attendance.self_checkin": (400,) * 6,  # open to everyone with the code; the empty form is refused
    "attendance.remember_card": (200,) * 6,  # open to whoever holds the card's secret URL
    "attendance.checkin_open": (L, L, R, 403, R, R),
    "attendance.checkin_close": (L, L, R, 403, R, R),
    "attendance.checkin_rotate": (L, L, R, 403, R, R),
    "attendance.scan": (L, L, 400, 403, 400, 400),
    "attendance.walk_in": (L, L, 400, 403, 400, 400),
    "attendance.walk_in_returning": (L, L, R, 403, R, R),
    "attendance.attendance_remove": (L, L, R, 403, R, R),
    "attendance.sheet_upload": (L, L, 400, 403, 400, 400),
    "attendance.sheet_confirm": (L, L, R, 403, R, R),
    "attendance.participants": (L, L, 400, 403, 400, 400),
    "attendance.registration_upload": (L, L, 400, 403, 400, 400),
    "attendance.registration_confirm": (L, L, R, 403, R, R),
    "attendance.headcounts": (L, L, 400, 403, 400, 400),
    "quizzes.quiz_new": (L, L, 200, 200, 200, 200),
    "quizzes.quiz_edit": (L, L, R, 403, R, R),
    "quizzes.question_new": (L, L, 200, 403, 200, 200),
    "quizzes.question_edit": (L, L, 200, 403, 200, 200),
    "quizzes.question_remove": (L, L, R, 403, R, R),
    "quizzes.question_move": (L, L, R, 403, R, R),
    "quizzes.quiz_duplicate": (L, L, R, R, R, R),  # any trainer may copy a quiz to adapt it
    "quizzes.quiz_archive": (L, L, R, 403, R, R),
    "quizzes.quiz_upload": (L, L, 200, 200, 200, 200),
    "quizzes.quiz_upload_confirm": (L, L, R, R, R, R),
    "quizzes.event_quizzes": (L, L, R, 403, R, R),
    "quizzes.phase_switch": (L, L, R, 403, R, R),
    "quizzes.paper_entry": (L, L, R, 403, R, R),
    "quizzes.results_xlsx": (L, L, 200, 403, 200, 200),
    "attendance.attendance_download": (L, L, 200, 403, 200, 200),
    # Only a phone that checked in may answer; the empty answer sheet is refused.
    "quizzes.take_quiz": (403, 400, 403, 403, 403, 403),
    # A trainer's reports are narrowed to their own events by the reports themselves.
    "reports.workbook": (L, L, 200, 200, 200, 200),
    "reports.table_csv": (L, L, 200, 200, 200, 200),
    "reports.attendance_download": (L, L, 200, 200, 200, 200),
    "transfer.event_package": (L, L, 200, 403, 200, 200),
    "transfer.package_upload": (L, L, 403, 403, 400, 400),
    "transfer.package_confirm": (L, L, 403, 403, R, R),  # no upload kept under that token: upload again
}

# Actions that change what later requests of the same walk would see run last, in this order.
RUN_LAST = (
    "attendance.self_checkin", "quizzes.take_quiz", "attendance.remember_card", "attendance.attendance_remove",
    "attendance.checkin_rotate", "attendance.checkin_close", "events.session_remove", "quizzes.question_remove", "quizzes.quiz_archive",
    "events.event_complete", "events.event_cancel", "events.event_reopen", "events.reference_delete",
    "auth.staff_toggle_active", "auth.logout",
)


def ordered_endpoints(app, method: str) -> list[str]:
    endpoints = sorted({rule.endpoint for rule in app.url_map.iter_rules() if method in rule.methods})
    late = [endpoint for endpoint in RUN_LAST if endpoint in endpoints]
    return [endpoint for endpoint in endpoints if endpoint not in late] + late


def observed(response) -> object:
    if response.status_code in (301, 302, 303, 307, 308):
        return L if "/login" in response.headers["Location"] else R
    return response.status_code


def walk(app, world, role: str, method: str, expected: dict) -> list[str]:
    endpoints = ordered_endpoints(app, method)
    unknown = [endpoint for endpoint in endpoints if endpoint not in URL_ARGS]
    assert not unknown, f"new routes: add them to tests/security/routes.py URL_ARGS and the tables: {unknown}"
    urls = {endpoint: url_for_rule(app, world, endpoint) for endpoint in endpoints}
    client = client_for(app, world, role)
    column = ROLES.index(role)
    problems = []
    for endpoint in endpoints:
        # buffered: a streamed body is produced inside the request's context, to its end, as a browser reads it
        if method == "GET":
            response = client.get(urls[endpoint], buffered=True)
        else:
            response = client.post_form(urls[endpoint], {}, buffered=True)
        got = observed(response)
        if endpoint not in expected:
            problems.append(f"{endpoint} ({urls[endpoint]}) is not in the table; {role} got {got}")
        elif expected[endpoint][column] != got:
            problems.append(f"{endpoint} ({urls[endpoint]}): {role} expected {expected[endpoint][column]}, got {got}")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_get_route_answers_each_role_as_the_table_says(app, world, role):
    assert walk(app, world, role, "GET", EXPECTED_GET) == []


@pytest.mark.parametrize("role", ROLES)
def test_every_post_route_answers_each_role_as_the_table_says(app, world, role):
    assert walk(app, world, role, "POST", EXPECTED_POST) == []


def test_the_tables_name_only_routes_that_exist(app):
    for method, table in (("GET", EXPECTED_GET), ("POST", EXPECTED_POST)):
        endpoints = set(ordered_endpoints(app, method))
        assert set(table) <= endpoints, f"{method} table lists routes that are gone: {set(table) - endpoints}"


def test_records_that_do_not_exist_answer_404_on_every_route(app, world):
    """Any id or code in a URL that names nothing is a 404 for an admin, never a 500."""
    client = client_for(app, world, "admin")
    missing = {"event_id": 999999, "session_id": 999999, "user_id": 999999, "entry_id": 999999,
               "attendance_id": 999999, "quiz_id": 999999, "question_id": 999999,
               "code": "NOPE99", "card_code": "x" * 22}
    checked = 0
    for rule in app.url_map.iter_rules():
        ids = [name for name in rule.arguments if name in missing]
        if not ids:
            continue
        args = dict(URL_ARGS[rule.endpoint](world), **{name: missing[name] for name in ids})
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **args)
        for method in sorted({"GET", "POST"} & rule.methods):
            response = client.get(url) if method == "GET" else client.post_form(url, {})
            assert response.status_code == 404, f"{method} {url}: {response.status_code}"
            checked += 1
    assert checked > 40
