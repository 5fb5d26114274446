"""Participant endpoints are rate-limited per check-in code and device, not per IP address."""

from tests.attendance.helpers import form_values
from tests.factories import open_event


def test_one_device_is_slowed_down_but_the_next_phone_on_the_same_wifi_is_not(app, client, trainer, monkeypatch):
    monkeypatch.setitem(app.config, "CHECKIN_DEVICE_RATE_LIMIT", "5 per minute")
    code = open_event(trainer).sessions[0].checkin_code
    client.set_cookie("lang", "en")
    answers = [client.get(f"/c/{code}") for _ in range(7)]
    assert [answer.status_code for answer in answers[:5]] == [200] * 5 and answers[-1].status_code == 429
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60  # the minute's window: when to try again
    assert "Too many attempts" in answers[-1].get_data(as_text=True)
    neighbour = app.test_client()  # the same IP address (127.0.0.1), another phone
    assert neighbour.get(f"/c/{code}").status_code == 200


def test_the_limit_is_per_code(app, client, trainer, monkeypatch):
    monkeypatch.setitem(app.config, "CHECKIN_DEVICE_RATE_LIMIT", "3 per minute")
    first = open_event(trainer).sessions[0].checkin_code
    second = open_event(trainer, title="Another event").sessions[0].checkin_code
    # The very first page view has no device yet, so it is not counted.
    assert [client.get(f"/c/{first}").status_code for _ in range(5)][-1] == 429
    assert client.get(f"/c/{second}").status_code == 200


def test_a_busy_room_shares_one_limit_per_code_for_check_ins(app, trainer, monkeypatch):
    monkeypatch.setitem(app.config, "CHECKIN_CODE_RATE_LIMIT", "2 per minute")
    code = open_event(trainer).sessions[0].checkin_code
    statuses = []
    for _ in range(3):
        phone = app.test_client()
        csrf, key = form_values(phone.get(f"/c/{code}").get_data(as_text=True))
        statuses.append(phone.post(f"/c/{code}", data={"csrf_token": csrf, "key": key, "kind": "phone",
                                                       "phone": "012999888"}).status_code)
    assert statuses == [400, 400, 429]
