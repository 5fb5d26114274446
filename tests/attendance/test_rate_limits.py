"""A phone that asks too often is slowed down; the other phones in the room, on the same Wi-Fi address,
are not."""

from tests.factories import open_event


def test_a_device_past_its_limit_waits_and_the_next_phone_on_the_same_wifi_does_not(app, client, trainer, monkeypatch):
    monkeypatch.setitem(app.config, "CHECKIN_DEVICE_RATE_LIMIT", "5 per minute")
    code = open_event(trainer).sessions[0].checkin_code
    client.set_cookie("lang", "en")
    answers = [client.get(f"/c/{code}") for _ in range(7)]
    # The first view gives the phone its device id, so the limit counts from the second.
    assert [answer.status_code for answer in answers] == [200] * 6 + [429]
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60  # the minute's window: when to try again
    assert "Too many attempts" in answers[-1].get_data(as_text=True)
    neighbour = app.test_client()  # the same address (127.0.0.1), another phone
    assert neighbour.get(f"/c/{code}").status_code == 200
    assert neighbour.get(f"/c/{code}").status_code == 200


def test_the_limit_is_per_code(app, client, trainer, monkeypatch):
    monkeypatch.setitem(app.config, "CHECKIN_DEVICE_RATE_LIMIT", "3 per minute")
    first = open_event(trainer).sessions[0].checkin_code
    second = open_event(trainer, title="Another event").sessions[0].checkin_code
    assert [client.get(f"/c/{first}").status_code for _ in range(5)][-1] == 429
    assert client.get(f"/c/{second}").status_code == 200
