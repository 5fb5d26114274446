"""Hypothesis sends the participants' pages (check-in, card, quizzes, language switch) hostile paths,
cookies, headers and form fields, as a phone or a stranger would: never a 5xx, a GET never writes,
and a refused request (4xx) never writes a row."""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.conftest import client_for, snapshot
from training_portal.attendance.device import PARTICIPANT_COOKIE

nasty = st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "../../etc/passwd", "%00", "<script>",
                         "' OR 1=1 --", "=HYPERLINK(1)", "ពាក្យ ១២៣", "x" * 3000, "\t", "null", "[]", "{}"])
printable = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80)
# Any text a form or a path can carry (a browser sends a path percent-encoded).
text = st.one_of(nasty, st.text(max_size=60), printable)
# Cookies and headers travel as Latin-1 without line breaks.
header_text = st.one_of(nasty.filter(lambda value: value.isascii() and "\t" not in value), printable)

FORM_FIELDS = ["csrf_token", "key", "kind", "name", "sex", "age_band", "target_group_id", "province_id", "phone",
               "consent", "personal_code", "returning-phone", "returning-personal_code", "returning-key",
               "idempotency_key", "submit_incomplete", "code", "language", "next"]


def participant_paths(world) -> list[str]:
    code, card, event_id = world.session.checkin_code, world.participant.card_code, world.event.id
    return ["/c", f"/c/{code}", f"/c/{code}?new=1", f"/p/{card}", f"/p/{card}/qr.svg", f"/p/{card}/remember",
            f"/p/events/{event_id}", f"/p/events/{event_id}/pre", f"/p/events/{event_id}/post", "/language"]


@st.composite
def hostile_path(draw, paths):
    """One of the participants' paths, or one with a segment replaced by anything."""
    path = draw(st.sampled_from(paths))
    if draw(st.booleans()):
        segments = path.split("/")
        index = draw(st.integers(min_value=1, max_value=len(segments) - 1))
        segments[index] = quote(draw(text), safe="")
        path = "/".join(segments)
    return path


@pytest.mark.parametrize("role", ["anonymous", "device"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_hostile_requests_to_participant_pages_never_break_the_app_or_write_when_refused(app, world, role, data):
    client = client_for(app, world, role)
    path = data.draw(hostile_path(participant_paths(world)), label="path")
    method = data.draw(st.sampled_from(["GET", "POST"]), label="method")
    for name in data.draw(st.lists(st.sampled_from([PARTICIPANT_COOKIE, "session", "lang"]), unique=True),
                          label="cookies"):
        client.set_cookie(name, data.draw(header_text, label=name))
    headers = {name: data.draw(header_text, label=name) for name in data.draw(
        st.lists(st.sampled_from(["Accept-Language", "X-Forwarded-For", "User-Agent", "Referer", "Accept"]),
                 unique=True), label="headers")}
    form = {name: data.draw(text, label=name) for name in data.draw(
        st.lists(st.sampled_from(FORM_FIELDS), unique=True), label="fields")}
    before = snapshot()
    if method == "GET":
        response = client.get(path, headers=headers, buffered=True)
    else:
        response = client.post(path, data=form, headers=headers, buffered=True)
    assert response.status_code < 500, (method, path, headers, form)
    if method == "GET" or response.status_code >= 400:
        assert snapshot() == before, (method, path, response.status_code)
