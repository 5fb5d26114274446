"""What a trainer sees on the check-in pages: a new code asked for first, the scanner's warning on another
day, and the projector and poster in the event's language as well as the trainer's."""

from datetime import timedelta

from tests.attendance.helpers import attendance_count
from tests.factories import make_event, make_participant, open_event
from training_portal.extensions import db
from training_portal.timeutil import local_today

KEY = "k" * 22


def test_new_code_asks_first_and_says_the_printed_posters_stop_working(trainer_client, trainer):
    session = open_event(trainer, trainers=[trainer]).sessions[0]
    old = session.checkin_code
    trainer_client.set_cookie("lang", "en")
    projector = trainer_client.get(f"/sessions/{session.id}/projector").get_data(as_text=True)
    assert f'href="/sessions/{session.id}/checkin/rotate?next=' in projector

    page = trainer_client.get(f"/sessions/{session.id}/checkin/rotate?next=/sessions/{session.id}/projector")
    text = page.get_data(as_text=True)
    assert f"The code {old} will stop working at once" in text and "printed poster" in text
    assert 'name="csrf_token"' in text and "Yes, make a new code" in text
    db.session.refresh(session)
    assert session.checkin_code == old  # asking changes nothing

    refused = trainer_client.post(f"/sessions/{session.id}/checkin/rotate", data={})  # no CSRF token
    db.session.refresh(session)
    assert refused.status_code == 400 and session.checkin_code == old

    done = trainer_client.post_form(f"/sessions/{session.id}/checkin/rotate", {"next": f"/sessions/{session.id}/projector"})
    db.session.refresh(session)
    assert done.headers["Location"].endswith(f"/sessions/{session.id}/projector") and session.checkin_code != old


def scan(client, session, card, **extra):
    return client.post_form(f"/sessions/{session.id}/scan", {"card": card, "key": KEY, **extra},
                            headers={"Accept": "application/json"}).json


def test_the_scanner_refuses_tomorrows_session_until_the_trainer_records_anyway(trainer_client, trainer):
    tomorrow = make_event(trainer, trainers=[trainer], days=(local_today() + timedelta(days=1),)).sessions[0]
    participant = make_participant(name="Dara", sex="male")
    trainer_client.set_cookie("lang", "en")
    page = trainer_client.get(f"/sessions/{tomorrow.id}/scanner").get_data(as_text=True)
    assert "This session is not today" in page and "Record anyway" in page and "8:30\u202fAM" in page

    answer = scan(trainer_client, tomorrow, participant.card_code)
    assert answer["status"] == "not_today" and "Not recorded: this session is not today" in answer["message"]
    assert attendance_count() == 0

    assert scan(trainer_client, tomorrow, participant.card_code, anyway="y")["status"] == "checked_in"
    assert attendance_count() == 1


def test_the_scanner_of_todays_session_records_without_asking(trainer_client, trainer):
    today = make_event(trainer, trainers=[trainer], days=(local_today(),)).sessions[0]
    trainer_client.set_cookie("lang", "en")
    assert "This session is not today" not in trainer_client.get(f"/sessions/{today.id}/scanner").get_data(as_text=True)
    assert scan(trainer_client, today, make_participant(name="Dara", sex="male").card_code)["status"] == "checked_in"


def test_the_scanner_says_when_self_check_in_is_closed_and_still_records_scans(trainer_client, trainer):
    session = make_event(trainer, trainers=[trainer], days=(local_today(),)).sessions[0]
    trainer_client.set_cookie("lang", "en")
    closed = "Self check-in is closed for this session"
    assert closed in trainer_client.get(f"/sessions/{session.id}/scanner").get_data(as_text=True)
    assert scan(trainer_client, session, make_participant(name="Dara", sex="male").card_code)["status"] == "checked_in"
    assert attendance_count() == 1

    session.checkin_open = True
    db.session.commit()
    assert closed not in trainer_client.get(f"/sessions/{session.id}/scanner").get_data(as_text=True)


def test_the_projector_of_a_khmer_event_speaks_khmer_first_to_an_english_trainer(trainer_client, trainer):
    session = open_event(trainer, trainers=[trainer], language="km").sessions[0]
    trainer_client.set_cookie("lang", "en")
    page = trainer_client.get(f"/sessions/{session.id}/projector").get_data(as_text=True)
    khmer = page.index('<span lang="km">ស្កេនដោយកាមេរ៉ាទូរស័ព្ទរបស់អ្នក</span>')
    assert khmer < page.index('<span lang="en">Scan with your phone camera</span>')
    assert "Back to the event" in page  # the trainer's own tools stay in the trainer's language


def test_the_projector_of_an_english_event_speaks_english_first(trainer_client, trainer):
    session = open_event(trainer, trainers=[trainer], language="en").sessions[0]
    trainer_client.set_cookie("lang", "km")
    page = trainer_client.get(f"/sessions/{session.id}/projector").get_data(as_text=True)
    assert page.index('<span lang="en">Scan with your phone camera</span>') < page.index('<span lang="km">')


def test_the_posters_date_is_in_khmer_and_english(trainer_client, trainer):
    from datetime import date

    session = make_event(trainer, trainers=[trainer], days=(date(2026, 3, 10),)).sessions[0]
    trainer_client.set_cookie("lang", "en")
    page = trainer_client.get(f"/sessions/{session.id}/poster").get_data(as_text=True)
    assert '<span lang="en">Tuesday, March 10, 2026 · 8:30\u202fAM–4:30\u202fPM</span>' in page
    assert '<span lang="km">ថ្ងៃអង្គារ 10 មីនា 2026 · 08:30–16:30</span>' in page
