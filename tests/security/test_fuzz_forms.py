"""Hypothesis sends every form (and upload) arbitrary values: never a 5xx, and a refused
form (4xx) never writes a row (ASVS V2.2)."""

import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.conftest import client_for, snapshot
from tests.security.routes import url_for_rule
from tests.security.test_access_control import ordered_endpoints

FIELD = re.compile(r'<(?:input|select|textarea)[^>]*name="([^"]+)"')
# Logging out ends the walk's session; it has no fields to fuzz.
NOT_FUZZED = {"auth.logout"}
FILE_FIELDS = {"sheet", "file"}

text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "1e309", "NaN", "2015-02-30", "25:61",
                     "<script>alert(1)</script>", "' OR 1=1 --", "=HYPERLINK(1)", "\x00", "ពាក្យ ១២៣",
                     "true", "on", "y", "pre", "post", "x" * 5000]),
)
# (endpoint, field) -> a narrower strategy, for a gap this test found and that is not fixed yet.
# Empty: the self check-in "kind" and the reference lists' empty "sort_order" (both 500s) are fixed.
KNOWN_GAPS: dict = {}
upload = st.binary(max_size=3000).map(lambda data: (io.BytesIO(data), "fuzz.xlsx"))


def field_names(app, world) -> dict[str, list[str]]:
    """The form fields each POST route's page shows (all fields seen anywhere, for POST-only routes)."""
    client = client_for(app, world, "admin")
    names, everywhere = {}, set()
    for endpoint in ordered_endpoints(app, "GET"):
        url = url_for_rule(app, world, endpoint)
        response = client.get(url, buffered=True)
        page = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        found = sorted(set(FIELD.findall(page)) - {"csrf_token"})
        names[endpoint] = found
        everywhere.update(found)
    return {endpoint: names.get(endpoint) or sorted(everywhere) for endpoint in ordered_endpoints(app, "POST")}


@pytest.fixture
def fuzz_targets(app, world):
    fields = field_names(app, world)
    return {endpoint: (url_for_rule(app, world, endpoint), fields[endpoint])
            for endpoint in ordered_endpoints(app, "POST") if endpoint not in NOT_FUZZED}


@pytest.mark.parametrize("role", ["admin", "device"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_arbitrary_form_input_never_breaks_the_app_or_writes_when_refused(app, world, fuzz_targets, role, data):
    client = client_for(app, world, role)
    endpoint = data.draw(st.sampled_from(sorted(fuzz_targets)), label="route")
    url, names = fuzz_targets[endpoint]
    chosen = data.draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)), label="fields")
    form = {name: data.draw(KNOWN_GAPS.get((endpoint, name), upload if name in FILE_FIELDS else text), label=name)
            for name in chosen}
    before = snapshot()
    response = client.post_form(url, form, content_type="multipart/form-data", buffered=True)
    assert response.status_code < 500, (endpoint, form)
    if 400 <= response.status_code < 500:
        assert snapshot() == before, (endpoint, response.status_code)


@pytest.mark.parametrize("value", ["Da\x00ra", "1" * 30])
def test_a_value_the_database_cannot_hold_is_refused_and_writes_nothing(app, world, value):
    """A NUL character (PostgreSQL refuses it in text) or a huge number gets a 400 page, not a 500."""
    from tests.factories import reference
    from training_portal.events.models import Province, TargetGroup

    phone = client_for(app, world, "anonymous")
    phone.set_cookie("lang", "en")
    url = f"/c/{world.session.checkin_code}"
    key = re.search(r'name="key"[^>]*value="([^"]+)"', phone.get(url).get_data(as_text=True)).group(1)
    before = snapshot()
    response = phone.post_form(url, {
        "kind": "new", "key": key, "name": value, "sex": "female", "age_band": "25_34", "consent": "y",
        "target_group_id": str(reference(TargetGroup, "hotel_staff").id),
        "province_id": value if value.isdigit() else str(reference(Province, "phnom_penh").id)})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert snapshot() == before
