"""The new-event form asks for the event type, copies a session to the next day, and warns about an event
entered twice."""

from datetime import date, time

from sqlalchemy import func, select

from tests.events.test_events import event_form
from tests.factories import make_event
from training_portal.events.models import Event
from training_portal.extensions import db


def event_count():
    return db.session.scalar(select(func.count()).select_from(Event))


def test_a_new_event_has_no_type_until_the_trainer_chooses_one(app, trainer_client):
    page = trainer_client.english().get("/events/new").get_data(as_text=True)
    assert 'name="event_type_id" required><option value="">Choose the event type</option>' in page  # first, so shown

    response = trainer_client.english().post_form("/events/new", event_form(event_type_id=""))
    assert response.status_code == 200 and "Choose the event type." in response.get_data(as_text=True)
    assert event_count() == 0


def test_same_times_next_day_fills_the_next_row(app, trainer_client):
    form = event_form(next_day="1", **{"sessions-1-day": "", "sessions-1-start": "", "sessions-1-end": ""})
    page = trainer_client.english().post_form("/events/new", form).get_data(as_text=True)
    assert 'name="sessions-1-day" type="date" value="2026-12-02"' in page
    assert 'name="sessions-1-start" type="time" value="08:00"' in page
    assert 'name="sessions-1-end" type="time" value="11:30"' in page
    assert event_count() == 0


def test_same_times_next_day_adds_a_row_when_all_are_filled(app, trainer_client):
    form = event_form(next_day="1", **{"sessions-2-day": "2026-12-03", "sessions-2-start": "08:00",
                                       "sessions-2-end": "11:30"})
    page = trainer_client.english().post_form("/events/new", form).get_data(as_text=True)
    assert 'name="sessions-3-day" type="date" value="2026-12-04"' in page


def test_the_event_page_offers_the_day_after_the_last_session_at_its_hours(app, trainer, trainer_client):
    event = make_event(trainer, trainers=[trainer], days=[date(2026, 12, 10)], start=time(13, 0), end=time(16, 30))
    page = trainer_client.get(f"/events/{event.id}").get_data(as_text=True)
    assert 'name="day" required type="date" value="2026-12-11"' in page
    assert 'name="start" required type="time" value="13:00"' in page and 'name="end" required type="time" value="16:30"' in page


def test_the_same_title_on_the_same_day_is_created_only_once_confirmed(app, trainer, trainer_client):
    first = make_event(trainer, title="Recognising and reporting abuse: training for taxi drivers",
                       days=[date(2026, 12, 2)])
    response = trainer_client.english().post_form("/events/new", event_form(title=" recognising and REPORTING abuse: "
                                                                                  "training for taxi drivers "))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "An event with this title already has a session on the same day" in page
    assert f'href="/events/{first.id}"' in page and 'name="create_anyway"' in page
    assert event_count() == 1

    response = trainer_client.post_form("/events/new", event_form(create_anyway="y"))
    assert response.status_code == 302 and event_count() == 2


def test_the_same_title_on_other_days_is_no_duplicate(app, trainer, trainer_client):
    make_event(trainer, title="Recognising and reporting abuse: training for taxi drivers", days=[date(2026, 11, 2)])
    assert trainer_client.post_form("/events/new", event_form()).status_code == 302
    assert event_count() == 2
