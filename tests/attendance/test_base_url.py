"""With BASE_URL set (a field laptop's hotspot address), the QR codes, the poster and the projector
send phones there, whatever address the trainer's own browser used."""

import pytest

from tests.attendance.helpers import decoded_png, decoded_svg
from tests.factories import make_event, make_participant, open_event

BASE = "http://10.42.0.1:5000"


@pytest.fixture
def base_url(app):
    app.config["BASE_URL"] = BASE + "/"
    yield BASE
    app.config["BASE_URL"] = ""


def test_session_qr_poster_and_projector_point_at_base_url(base_url, trainer_client, trainer):
    session = make_event(trainer, trainers=[trainer]).sessions[0]
    checkin = f"{BASE}/c/{session.checkin_code}"

    assert decoded_png(trainer_client.get(f"/sessions/{session.id}/qr.png").data) == [checkin]
    assert decoded_svg(trainer_client.get(f"/sessions/{session.id}/qr.svg").data) == [checkin]
    poster = trainer_client.get(f"/sessions/{session.id}/poster").get_data(as_text=True)
    assert f"{BASE}/c" in poster and "http://localhost" not in poster
    projector = trainer_client.get(f"/sessions/{session.id}/projector").get_data(as_text=True)
    assert f"{BASE}/c" in projector and "http://localhost" not in projector


def test_personal_card_points_at_base_url(base_url, client, trainer):
    session = open_event(trainer).sessions[0]
    participant = make_participant(session.event, name="Sokha Chan")
    page = client.get(f"/p/{participant.card_code}").get_data(as_text=True)
    assert decoded_svg(page[page.index("<svg"):]) == [f"{BASE}/p/{participant.card_code}"]


def test_without_base_url_the_qr_points_at_the_address_the_browser_used(trainer_client, trainer):
    session = make_event(trainer, trainers=[trainer]).sessions[0]
    reply = trainer_client.get(f"/sessions/{session.id}/qr.png")  # the test client's address: localhost
    assert decoded_png(reply.data) == [f"http://localhost/c/{session.checkin_code}"]
