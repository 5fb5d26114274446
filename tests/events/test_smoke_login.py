from training_portal.events.models import Event

from tests.factories import make_event


def test_trainer_logs_in_and_sees_their_upcoming_sessions_first(app, trainer, trainer_client):
    response = trainer_client.get("/")
    assert response.status_code == 200
    assert "Upcoming sessions" in response.get_data(as_text=True) or "វគ្គ" in response.get_data(as_text=True)


def test_event_page_shows_sessions_and_target_groups(app, trainer, trainer_client):
    event = make_event(trainer, trainers=[trainer])
    page = trainer_client.get(f"/events/{event.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Child protection training" in page
    assert "Taxi and tuk-tuk drivers" in page
    assert Event.query.count() == 1
