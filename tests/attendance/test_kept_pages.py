"""The check-in page of a phone new to a code, and the confirmation of a participant new to the
program, are drawn once by each worker and kept (page_cache.py): every phone must still get the page
as it would be drawn for it, with its own tokens, name and card, and see a change at once."""

import re
from datetime import datetime

import pytest

from tests.attendance.helpers import CSRF_PATTERN, KEY_PATTERN, attendance_count, decoded_svg, participant_count, self_checkin
from tests.factories import make_quiz, open_event
from training_portal.attendance import routes
from training_portal.extensions import db
from training_portal.i18n import set_khmer_digits
from training_portal.quizzes import phases as quiz_phases
from training_portal.quizzes.models import Phase

TOKENS = re.compile(r'(name="(?:csrf_token|key)"[^>]*value=")[^"]+"')


def without_tokens(page: str) -> str:
    return TOKENS.sub(r'\1TOKEN"', page)


def drawn_anew(app, monkeypatch, url: str, **cookies) -> str:
    """The page as the view draws it for this one phone, without the kept pages."""
    with monkeypatch.context() as patch:
        patch.setattr(routes, "same_for_everyone", lambda: False)
        phone = app.test_client()
        for name, value in cookies.items():
            phone.set_cookie(name, value)
        return phone.get(url).get_data(as_text=True)


@pytest.mark.parametrize("language", ["km", "en"])
@pytest.mark.parametrize("groups", [("taxi_driver",), ("taxi_driver", "hotel_staff", "police")])
def test_a_kept_page_is_the_page_drawn_for_the_phone(app, client, trainer, monkeypatch, language, groups):
    session = open_event(trainer, groups=groups).sessions[0]
    if language == "km":
        set_khmer_digits(True)
        db.session.commit()
    url = f"/c/{session.checkin_code}"
    pages = []
    for _phone in range(3):  # the first draws the page, the others are given the kept one
        phone = app.test_client()
        phone.set_cookie("lang", language)
        pages.append(phone.get(url).get_data(as_text=True))
    anew = drawn_anew(app, monkeypatch, url, lang=language)
    assert {without_tokens(page) for page in pages} == {without_tokens(anew)}
    assert ("២០១៥" in anew) == (language == "km")  # the session's year, in Khmer digits when chosen


def test_each_phone_gets_its_own_tokens_and_checks_in_with_them(app, client, trainer):
    session = open_event(trainer, language="en").sessions[0]
    phones = [app.test_client() for _ in range(2)]
    pages = [phone.get(f"/c/{session.checkin_code}").get_data(as_text=True) for phone in phones]
    assert len({CSRF_PATTERN.search(page).group(1) for page in pages}) == 2
    keys = [KEY_PATTERN.findall(page) for page in pages]
    assert len(keys[0]) == 2 and not set(keys[0]) & set(keys[1])  # two forms, a key each, never shared
    assert "hole-" not in pages[0] + pages[1]
    for phone, page in zip(phones, pages):
        csrf, key = CSRF_PATTERN.search(page).group(1), KEY_PATTERN.search(page).group(1)
        answer = self_checkin(phone, session.checkin_code, csrf_token=csrf, key=key)
        assert answer.status_code == 200 and "You are checked in, Sokha" in answer.get_data(as_text=True)
    assert attendance_count(session) == 2


def test_a_new_title_time_or_closed_check_in_shows_at_once(app, client, trainer):
    event = open_event(trainer, title="Village awareness", language="en")
    session = event.sessions[0]
    url = f"/c/{session.checkin_code}"
    assert "Village awareness" in app.test_client().get(url).get_data(as_text=True)
    event.title = "Village awareness, second day"
    db.session.commit()
    assert "Village awareness, second day" in app.test_client().get(url).get_data(as_text=True)
    session.starts_at, session.ends_at = datetime(2015, 4, 2, 1, 30), datetime(2015, 4, 2, 9, 30)
    db.session.commit()
    assert "April 2, 2015" in app.test_client().get(url).get_data(as_text=True)
    session.checkin_open = False
    db.session.commit()
    assert app.test_client().get(url).status_code == 403


def test_a_staff_member_is_not_given_a_phone_page_nor_a_phone_theirs(app, client, trainer, trainer_client):
    session = open_event(trainer).sessions[0]
    url = f"/c/{session.checkin_code}"
    trainer_client.english().get("/")  # the welcome message is shown
    for who, sees_account in ((app.test_client().english(), False), (trainer_client, True),
                              (app.test_client().english(), False)):
        assert ('action="/logout"' in who.get(url).get_data(as_text=True)) == sees_account


def test_the_page_keeps_the_address_the_phone_opened(app, client, trainer):
    session = open_event(trainer).sessions[0]
    code = session.checkin_code
    assert f'value="/c/{code}?"' in app.test_client().get(f"/c/{code}").get_data(as_text=True)
    lower = app.test_client().get(f"/c/{code.lower()}").get_data(as_text=True)
    assert f'value="/c/{code.lower()}?"' in lower
    again = app.test_client().get(f"/c/{code}?new=1").get_data(as_text=True)  # "Not you?" from a shared phone
    assert f'action="/c/{code}?new=1"' in again and f'value="/c/{code}?new=1"' in again


def test_a_message_waiting_for_a_phone_is_shown_on_its_page(app, client, trainer):
    session = open_event(trainer, language="en").sessions[0]
    url = f"/c/{session.checkin_code}"
    app.test_client().get(url)  # drawn and kept
    phone = app.test_client()
    with phone.session_transaction() as cookie_session:  # left by the page the phone saw before
        cookie_session["_flashes"] = [("info", "This test is not open now.")]
    assert "This test is not open now." in phone.get(url).get_data(as_text=True)
    assert "This test is not open now." not in phone.get(url).get_data(as_text=True)  # shown once


CARD = re.compile(r"/p/[A-Za-z0-9_-]+")
QR_PATH = re.compile(r' d="[^"]*"')


def without_card(page: str) -> str:
    return without_tokens(QR_PATH.sub(' d="PATH"', CARD.sub("/p/CARD", page)))


def confirmation(phone, code: str, name: str) -> str:
    answer = self_checkin(phone, code, name=name)
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


@pytest.mark.parametrize("name", ["Sokha", ""])
@pytest.mark.parametrize("pre_test_open", [False, True])
def test_a_kept_confirmation_is_the_page_drawn_for_the_participant(app, client, trainer, monkeypatch, name,
                                                                     pre_test_open):
    event = open_event(trainer)
    if pre_test_open:
        event.pre_quiz_id = make_quiz(trainer).id
        assert quiz_phases.open_phase(event, Phase.PRE) is None
        db.session.commit()
    code = event.sessions[0].checkin_code
    kept = [confirmation(app.test_client(), code, name) for _ in range(3)]  # the first draws, the others are given it
    with monkeypatch.context() as patch:
        patch.setattr(routes, "same_for_everyone", lambda: False)
        anew = confirmation(app.test_client(), code, name)
    assert {without_card(page) for page in kept} == {without_card(anew)}
    assert ('class="button primary quiz-start"' in anew) == pre_test_open
    assert participant_count() == 4


def test_each_participant_sees_their_own_name_and_card(app, client, trainer):
    code = open_event(trainer, language="en").sessions[0].checkin_code
    pages = {name: confirmation(app.test_client(), code, name) for name in ("Sokha", "Dara <Ly> & Co")}
    assert "Dara <Ly> & Co" not in pages["Dara <Ly> & Co"]
    assert "You are checked in, Sokha." in pages["Sokha"]
    assert "You are checked in, Dara &lt;Ly&gt; &amp; Co." in pages["Dara <Ly> & Co"]  # escaped, as drawn anew
    cards = {name: CARD.findall(page)[-1] for name, page in pages.items()}
    assert cards["Sokha"] != cards["Dara <Ly> & Co"]
    for name, page in pages.items():
        assert decoded_svg(page) == [f"http://localhost{cards[name]}"]


def test_each_phone_can_switch_language_from_its_confirmation(app, client, trainer):
    code = open_event(trainer, language="en").sessions[0].checkin_code
    for name in ("Sokha", "Dara"):
        phone = app.test_client()
        page = confirmation(phone, code, name)
        switched = phone.post("/language", data={"csrf_token": CSRF_PATTERN.search(page).group(1), "language": "km",
                                                 "next": f"/c/{code}"})
        assert switched.status_code == 302 and "lang=km" in switched.headers["Set-Cookie"]


def test_a_test_opened_after_the_first_check_in_is_offered_at_once(app, client, trainer):
    event = open_event(trainer, language="en")
    code = event.sessions[0].checkin_code
    assert "Start the pre-test" not in confirmation(app.test_client(), code, "Sokha")
    event.pre_quiz_id = make_quiz(trainer).id
    assert quiz_phases.open_phase(event, Phase.PRE) is None
    db.session.commit()
    assert "Start the pre-test" in confirmation(app.test_client(), code, "Dara")
