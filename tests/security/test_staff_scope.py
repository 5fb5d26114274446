"""A staff account of another event sees neither its participants nor its check-in codes and live counts.

The world (conftest.py): the trainer's event, with Dara Sok (phone 012345678) checked in; another
trainer with an event of their own, who has never met her.
"""

import re

import pytest
from sqlalchemy import select

from tests.factories import make_event
from tests.security.conftest import PHONE, client_for, snapshot
from training_portal.attendance.models import Attendance, CheckInMethod
from training_portal.extensions import db

KEY = "k" * 24


@pytest.fixture
def own_session(world):
    """A session of the other trainer's own event."""
    event = make_event(world.other_trainer, title="Tuk-tuk drivers' training", trainers=[world.other_trainer])
    return event.sessions[0]


def search(client, session, text: str) -> str:
    return client.get(f"/sessions/{session.id}/roster", query_string={"q": text}).get_data(as_text=True)


@pytest.mark.parametrize("text", ["0123", "345 678", "Dara", "sok"])
def test_a_partial_name_or_phone_finds_nobody_of_another_trainers_event(app, world, own_session, text):
    page = search(client_for(app, world, "other_trainer").english(), own_session, text)
    assert "Dara Sok" not in page and PHONE not in page
    assert "Nobody found" in page


@pytest.mark.parametrize("role", ["trainer", "manager", "admin"])
def test_staff_who_may_change_her_event_find_her_by_part_of_her_name_or_phone(app, world, role):
    client = client_for(app, world, role)
    for text in ("0123", "Dara"):
        page = search(client, world.spare_session, text)
        assert "Dara Sok" in page and PHONE in page, (role, text)


@pytest.mark.parametrize("text", ["012 345 678", "+855 12 345 678", "card"])
def test_her_full_phone_number_or_card_finds_her_with_only_her_name_and_group(app, world, own_session, text):
    if text == "card":
        text = f"https://portal.example/p/{world.participant.card_code}"
    page = search(client_for(app, world, "other_trainer").english(), own_session, text)
    found = page.split('class="found-list"')[1].split("</ul>")[0]
    assert "Dara Sok" in found and "Hotel staff" in found
    assert "Female" not in found and "25–34" not in found and "Riverside Hotel" not in page and PHONE not in page


def test_a_returning_participant_found_by_full_phone_is_checked_in_once(app, world, own_session):
    client = client_for(app, world, "other_trainer").english()
    found = search(client, own_session, "012 345 678").split('class="found-list"')[1].split("</form>")[0]
    sent = dict(re.findall(r'name="(\w+)" type="hidden" value="([^"]*)"', found))
    assert sent["participant_id"] == str(world.participant.id) and sent["q"] == "012 345 678"
    response = client.post(f"/sessions/{own_session.id}/walk-in/returning", data=sent, follow_redirects=True)
    assert "Dara Sok is checked in." in response.get_data(as_text=True)
    attendance = db.session.scalar(select(Attendance).where(Attendance.session_id == own_session.id))
    assert attendance.participant_id == world.participant.id and attendance.method == CheckInMethod.WALK_IN


@pytest.mark.parametrize("text", [None, "0123", "Dara Sok", "099 999 999"])
def test_a_forged_participant_of_another_trainers_event_is_refused_and_nothing_written(app, world, own_session, text):
    client = client_for(app, world, "other_trainer").english()
    before = snapshot()
    data = {"participant_id": world.participant.id, "key": KEY}
    if text is not None:
        data["q"] = text
    response = client.post_form(f"/sessions/{own_session.id}/walk-in/returning", data, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Search for them by their full phone number or card" in page
    assert "Dara Sok" not in page
    assert snapshot() == before


def test_the_event_page_shows_codes_and_live_counts_only_to_staff_who_may_change_it(app, world):
    for role in ("trainer", "manager", "admin", "other_trainer"):
        page = client_for(app, world, role).get(f"/events/{world.event.id}").get_data(as_text=True)
        shown = world.session.checkin_code in page and world.spare_session.checkin_code in page
        counts = "data-counts-url" in page and "data-count=" in page
        assert shown == counts == (role != "other_trainer"), role


def test_live_counts_and_codes_as_json_only_for_staff_who_may_change_the_event(app, world):
    urls = (f"/events/{world.event.id}/quiz/counts", f"/sessions/{world.session.id}/count.json")
    for url in urls:
        assert client_for(app, world, "other_trainer").get(url).status_code == 403, url
        for role in ("trainer", "manager", "admin"):
            assert client_for(app, world, role).get(url).status_code == 200, (url, role)

