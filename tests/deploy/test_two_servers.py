"""Two app servers behind one nginx, on one PostgreSQL and one Redis: what happens on one is true on
the other at once. ``stack.one`` and ``stack.two`` are the same nginx site, each in front of one server."""

import re
import uuid

import pytest

from bench.load import hidden_value
from tests.factories import TEST_PASSWORD, make_staff, open_event, reference
from training_portal.auth.models import Role
from training_portal.events.models import Province, TargetGroup

from .conftest import csrf_token, log_in, post_form, web_client

pytestmark = pytest.mark.stack


def test_a_check_in_through_one_server_is_on_the_other_servers_roster_at_once(stack, portal, stack_trainer):
    session = open_event(stack_trainer, trainers=[stack_trainer]).sessions[0]
    trainer = web_client()
    assert log_in(trainer, stack.two, stack_trainer.email, TEST_PASSWORD).status_code == 302
    roster_url = f"{stack.two}/sessions/{session.id}/roster"
    assert "Dara Sok" not in trainer.get(roster_url).text

    phone = web_client()
    page = phone.get(f"{stack.one}/c/{session.checkin_code}").text
    done = post_form(phone, f"{stack.one}/c/{session.checkin_code}", csrf_token(page), {
        "key": hidden_value(page, "key"), "kind": "new", "name": "Dara Sok", "sex": "male", "age_band": "18_24",
        "target_group_id": reference(TargetGroup, "taxi_driver").id, "province_id": reference(Province, "kampot").id,
        "consent": "y"})
    assert "You are checked in, Dara Sok." in done.text

    assert "Dara Sok" in trainer.get(roster_url).text


def test_a_reference_list_entry_edited_on_one_server_shows_on_the_other(stack, portal):
    admin = make_staff(f"admin-{uuid.uuid4().hex[:8]}@portal.example.org", Role.ADMIN)
    one, two = web_client(), web_client()
    for client, base in ((one, stack.one), (two, stack.two)):
        assert log_in(client, base, admin.email, TEST_PASSWORD).status_code == 302
    name = f"Boat drivers {uuid.uuid4().hex[:6]}"
    lists = f"{stack.one}/admin/lists/target-groups"
    assert post_form(one, lists, csrf_token(one.get(lists).text), {"name_en": name, "sort_order": "0",
                                                                    "active": "y"}).status_code == 302
    assert name in two.get(f"{stack.two}/admin/lists/target-groups").text

    entry_id = re.search(rf'href="/admin/lists/target-groups/(\d+)"[^>]*>\s*{name}', one.get(lists).text).group(1)
    edit = f"{stack.one}/admin/lists/target-groups/{entry_id}"
    assert post_form(one, edit, csrf_token(one.get(edit).text), {
        "name_en": name + " and tuk-tuk drivers", "name_km": "អ្នកបើកទូក", "sort_order": "0", "active": "y",
    }).status_code == 302

    shown = two.get(f"{stack.two}/admin/lists/target-groups").text
    assert name + " and tuk-tuk drivers" in shown and "អ្នកបើកទូក" in shown
    assert name + " and tuk-tuk drivers" in two.get(f"{stack.two}/events/new").text


# Last in the run: it uses up the login limit of 127.0.0.1 for a minute.
def test_the_login_limit_counts_attempts_on_both_servers_together(stack, portal):
    """10 attempts per minute per account and address: 12 wrong passwords, alternating between the
    servers. Each server sees 6, below the limit, so both refuse only because they count together."""
    account = make_staff(f"limited-{uuid.uuid4().hex[:8]}@portal.example.org", Role.TRAINER)
    statuses = {stack.one: [], stack.two: []}
    client = web_client()
    for attempt in range(12):
        base = (stack.one, stack.two)[attempt % 2]
        statuses[base].append(log_in(client, base, account.email, "not the password").status_code)
    assert 429 in statuses[stack.one] and 429 in statuses[stack.two], statuses
    refused = log_in(web_client(), stack.one, account.email, TEST_PASSWORD)
    assert refused.status_code == 429  # the right password too, until the minute is over
