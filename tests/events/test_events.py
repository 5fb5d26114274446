from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import make_event, reference
from training_portal.auth.models import AuditLog
from training_portal.events.models import Event, EventStatus, EventType, Province, Session, TargetGroup
from training_portal.extensions import db
from training_portal.timeutil import local_today


def event_form(**overrides):
    form = {
        "title": "Recognising and reporting abuse: training for taxi drivers",
        "event_type_id": reference(EventType, "training").id,
        "description": "Two mornings with the drivers' association.",
        "province_id": reference(Province, "preah_sihanouk").id,
        "venue": "Provincial hall",
        "language": "km",
        "target_group_ids": [reference(TargetGroup, "taxi_driver").id, reference(TargetGroup, "villager").id],
        "expected_participants": "40",
        "sessions-0-day": "2026-12-01", "sessions-0-start": "08:00", "sessions-0-end": "11:30",
        "sessions-1-day": "2026-12-02", "sessions-1-start": "08:00", "sessions-1-end": "11:30",
    }
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}


def event_count():
    return db.session.scalar(select(func.count()).select_from(Event))


def test_trainer_creates_an_event_with_two_sessions_and_is_its_trainer(app, trainer, trainer_client):
    response = trainer_client.post_form("/events/new", event_form())
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert event.title == "Recognising and reporting abuse: training for taxi drivers"
    assert event.status == EventStatus.PLANNED
    assert event.trainers == [trainer]
    assert {group.code for group in event.target_groups} == {"taxi_driver", "villager"}
    assert event.expected_participants == 40
    # 08:00 in Phnom Penh is 01:00 UTC; the period date is the first session's local date.
    assert [session.starts_at for session in event.sessions] == [datetime(2026, 12, 1, 1, 0), datetime(2026, 12, 2, 1, 0)]
    assert event.starts_on == date(2026, 12, 1)
    codes = [session.checkin_code for session in event.sessions]
    assert len(set(codes)) == 2 and all(len(code) <= 10 for code in codes)
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.object_id == event.id)) == "event.create"


@pytest.mark.parametrize("overrides, message", [
    ({"title": ""}, "This field is required."),
    ({"sessions-0-end": "07:00"}, "The end time must be after the start time."),
    ({"sessions-0-day": "1990-05-01"}, "Choose a date between 2000 and three years from now."),
    ({"sessions-0-day": f"{date.today().year + 10}-01-01"}, "Choose a date between 2000 and three years from now."),
    ({"province_id": "99999"}, "Not a valid choice."),
    ({"event_type_id": "not-a-number"}, "Not a valid choice."),
    ({"target_group_ids": ["99999"]}, "is not a valid choice for this field."),
    ({"target_group_ids": None}, "Choose at least one target group."),
    ({"sessions-0-day": "", "sessions-0-start": "", "sessions-0-end": "",
      "sessions-1-day": "", "sessions-1-start": "", "sessions-1-end": ""}, "Add at least one session."),
    ({"sessions-1-start": ""}, "This field is required."),
])
def test_bad_input_gets_a_message_next_to_the_field_and_writes_nothing(app, trainer_client, overrides, message):
    response = trainer_client.english().post_form("/events/new", event_form(**overrides))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert 'class="error"' in page
    assert event_count() == 0


def test_more_session_rows_can_be_added_without_javascript(app, trainer_client):
    response = trainer_client.post_form("/events/new", event_form(add_row="1"))
    page = response.get_data(as_text=True)
    assert 'name="sessions-3-day"' in page
    assert event_count() == 0


def test_unknown_event_is_404_and_another_trainers_event_is_403(app, trainer, other_trainer, trainer_client):
    theirs = make_event(other_trainer, trainers=[other_trainer])
    assert trainer_client.get("/events/424242").status_code == 404
    assert trainer_client.get("/events/424242/edit").status_code == 404
    assert trainer_client.get(f"/events/{theirs.id}").status_code == 200  # every staff member may look
    assert trainer_client.get(f"/events/{theirs.id}/edit").status_code == 403
    response = trainer_client.post_form(f"/events/{theirs.id}/edit", event_form(title="Taken over"))
    assert response.status_code == 403
    assert trainer_client.post_form(f"/events/{theirs.id}/cancel", {"reason": "no"}).status_code == 403
    assert trainer_client.post_form(f"/sessions/{theirs.sessions[0].id}/remove").status_code == 403
    assert trainer_client.post_form(f"/events/424242/sessions", {
        "day": "2026-12-01", "start": "08:00", "end": "09:00"}).status_code == 404
    db.session.refresh(theirs)
    assert theirs.title == "Child protection training" and theirs.status == EventStatus.PLANNED
    assert len(theirs.sessions) == 1


def test_managers_and_admins_change_any_event(app, other_trainer, manager_client, admin_client):
    event = make_event(other_trainer, trainers=[other_trainer])
    assert manager_client.post_form(f"/events/{event.id}/edit", event_form(title="Renamed by manager")).status_code == 302
    assert admin_client.post_form(f"/events/{event.id}/complete").status_code == 302
    db.session.refresh(event)
    assert event.title == "Renamed by manager" and event.status == EventStatus.COMPLETED


def test_trainer_edits_adds_and_removes_sessions(app, trainer, trainer_client):
    event = make_event(trainer, trainers=[trainer], days=[date(2026, 12, 10)])
    response = trainer_client.post_form(f"/events/{event.id}/sessions", {"day": "2026-12-09", "start": "13:00", "end": "17:00"})
    assert response.status_code == 302
    db.session.refresh(event)
    assert len(event.sessions) == 2 and event.starts_on == date(2026, 12, 9)

    first = event.sessions[0]
    response = trainer_client.post_form(f"/sessions/{first.id}/edit", {"day": "2026-12-11", "start": "09:00", "end": "10:00"})
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.starts_on == date(2026, 12, 10)

    assert trainer_client.post_form(f"/sessions/{event.sessions[0].id}/remove").status_code == 302
    db.session.refresh(event)
    assert len(event.sessions) == 1 and event.starts_on == date(2026, 12, 11)


def test_adding_a_session_that_ends_before_it_starts_is_refused(app, trainer, trainer_client):
    event = make_event(trainer, trainers=[trainer])
    response = trainer_client.english().post_form(f"/events/{event.id}/sessions", {"day": "2026-12-09", "start": "13:00", "end": "12:00"})
    assert response.status_code == 400
    assert "The end time must be after the start time." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Session)) == 1


def test_cancelling_needs_a_reason_and_closes_check_in(app, trainer, trainer_client):
    event = make_event(trainer, trainers=[trainer])
    event.sessions[0].checkin_open = True
    db.session.commit()
    response = trainer_client.english().post_form(f"/events/{event.id}/cancel", {"reason": ""})
    assert response.status_code == 400 and "This field is required." in response.get_data(as_text=True)
    db.session.refresh(event)
    assert event.status == EventStatus.PLANNED

    trainer_client.post_form(f"/events/{event.id}/cancel", {"reason": "Flooding in the province"})
    db.session.refresh(event)
    assert event.status == EventStatus.CANCELLED and event.cancel_reason == "Flooding in the province"
    assert not event.sessions[0].is_open
    page = trainer_client.english().get(f"/events/{event.id}").get_data(as_text=True)
    assert "Cancelled: Flooding in the province" in page


def test_a_get_never_changes_an_event(app, trainer, trainer_client):
    event = make_event(trainer, trainers=[trainer])
    for url in (f"/events/{event.id}/complete", f"/events/{event.id}/cancel", f"/sessions/{event.sessions[0].id}/remove"):
        assert trainer_client.get(url).status_code == 405
    db.session.refresh(event)
    assert event.status == EventStatus.PLANNED and len(event.sessions) == 1


def test_upcoming_sessions_show_the_trainers_own_next_fourteen_days(app, trainer, other_trainer, manager, trainer_client, manager_client):
    today = local_today()
    mine_soon = make_event(trainer, title="Mine soon", trainers=[trainer], days=[today + timedelta(days=3)])
    make_event(trainer, title="Mine later", trainers=[trainer], days=[today + timedelta(days=20)])
    make_event(trainer, title="Mine past", trainers=[trainer], days=[today - timedelta(days=3)])
    make_event(other_trainer, title="Theirs soon", trainers=[other_trainer], days=[today + timedelta(days=2)])
    cancelled = make_event(trainer, title="Mine cancelled", trainers=[trainer], days=[today + timedelta(days=1)])
    cancelled.status = EventStatus.CANCELLED
    db.session.commit()

    page = trainer_client.get("/").get_data(as_text=True)
    assert "Mine soon" in page
    assert "Mine later" not in page and "Mine past" not in page and "Theirs soon" not in page
    assert "Mine cancelled" not in page
    manager_page = manager_client.get("/").get_data(as_text=True)
    assert "Mine soon" in manager_page and "Theirs soon" in manager_page
    assert mine_soon.sessions[0].checkin_code not in page  # codes are shown on the event page only


def test_event_list_filters_and_text_search(app, trainer, other_trainer, manager_client):
    make_event(trainer, title="Hotel staff training", trainers=[trainer], province_code="siem_reap",
               groups=["hotel_staff"], days=[date(2015, 5, 1)])
    make_event(other_trainer, title="Police workshop", type_code="workshop", trainers=[other_trainer],
               groups=["police"], days=[date(2016, 2, 1)])
    cancelled = make_event(trainer, title="Village awareness day", type_code="awareness", trainers=[trainer],
                           groups=["villager"], days=[date(2015, 9, 1)])
    cancelled.status = EventStatus.CANCELLED
    db.session.commit()

    def titles(**params):
        page = manager_client.get("/events", query_string=params).get_data(as_text=True)
        return {title for title in ("Hotel staff training", "Police workshop", "Village awareness day") if title in page}

    assert titles() == {"Hotel staff training", "Police workshop", "Village awareness day"}
    assert titles(year=2015) == {"Hotel staff training", "Village awareness day"}
    assert titles(province=reference(Province, "siem_reap").id) == {"Hotel staff training"}
    assert titles(event_type=reference(EventType, "workshop").id) == {"Police workshop"}
    assert titles(target_group=reference(TargetGroup, "villager").id) == {"Village awareness day"}
    assert titles(trainer=other_trainer.id) == {"Police workshop"}
    assert titles(status="cancelled") == {"Village awareness day"}
    assert titles(q="hotel") == {"Hotel staff training"}
    assert titles(q="100%_") == set()
    assert titles(province="not-a-number") == {"Hotel staff training", "Police workshop", "Village awareness day"}


def test_anonymous_visitors_are_sent_to_login(client):
    for url in ("/", "/events", "/events/new"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_event_count_follows_the_khmer_digits_setting(app, trainer, trainer_client):
    from training_portal.i18n import set_khmer_digits

    for title in ("First", "Second"):
        make_event(trainer, title=title)
    set_khmer_digits(True)
    db.session.commit()
    trainer_client.set_cookie("lang", "km")
    assert "ព្រឹត្តិការណ៍ចំនួន ២" in trainer_client.get("/events").get_data(as_text=True)
    assert "2 events" in trainer_client.english().get("/events").get_data(as_text=True)
