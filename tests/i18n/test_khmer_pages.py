"""Khmer first: pages in Khmer, the Khmer font only where needed, Khmer dates and
digits, and a language switch that sticks."""

import re
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import render_template_string

from training_portal.events.models import EventType
from training_portal.extensions import db
from training_portal.i18n import current_language, set_khmer_digits, use_page_language
from training_portal.templating import date_text, local_date, local_datetime, local_time, number

from tests.factories import make_event, reference
from tests.i18n.khmer import english_interface_messages, english_left_on, visible_texts

STATIC = Path(__file__).resolve().parents[2] / "training_portal" / "static"
ENGLISH = {"Accept-Language": "en"}
KHMER = {"Accept-Language": "km"}


@contextmanager
def page_context(app, headers):
    """A request of its own (with its own ``g``), as in production."""
    with app.app_context(), app.test_request_context(headers=headers):
        yield


@pytest.fixture(scope="module")
def english_messages() -> set[str]:
    return english_interface_messages()


def assert_all_khmer(page: str, english_messages: set[str]) -> None:
    left_in_english = english_left_on(page, english_messages)
    assert not left_in_english, f"English interface text on a Khmer page: {left_in_english}"
    assert '<html lang="km">' in page


def test_login_page_is_in_khmer_by_default(client, english_messages):
    page = client.get("/login").get_data(as_text=True)
    assert "បុគ្គលិកចូលប្រព័ន្ធ" in page
    assert "ពាក្យសម្ងាត់" in page
    assert_all_khmer(page, english_messages)


def test_login_page_follows_an_english_browser(client):
    page = client.get("/login", headers=ENGLISH).get_data(as_text=True)
    assert "Staff log in" in page and '<html lang="en">' in page
    assert "បុគ្គលិកចូលប្រព័ន្ធ" not in page


def test_event_list_in_khmer_shows_khmer_names_and_no_english_interface_text(
    app, trainer, trainer_client, english_messages
):
    make_event(trainer, trainers=[trainer], type_code="workshop", province_code="preah_sihanouk")
    page = trainer_client.get("/events", headers=KHMER).get_data(as_text=True)
    assert "សិក្ខាសាលា" in page and "ព្រះសីហនុ" in page
    assert "ព្រឹត្តិការណ៍" in page
    assert "Workshop" not in visible_texts(page) and "Preah Sihanouk" not in visible_texts(page)
    assert_all_khmer(page, english_messages)


def test_event_page_in_khmer_names_the_month_in_khmer(app, trainer, trainer_client, english_messages):
    event = make_event(trainer, trainers=[trainer], days=(date(2015, 3, 10),))
    page = trainer_client.get(f"/events/{event.id}", headers=KHMER).get_data(as_text=True)
    assert "មីនា" in page and "March" not in page
    assert_all_khmer(page, english_messages)


def test_a_reference_entry_without_khmer_falls_back_to_english(app, trainer, trainer_client):
    workshop = reference(EventType, "workshop")
    workshop.name_km = ""
    db.session.commit()
    make_event(trainer, trainers=[trainer], type_code="workshop")
    page = trainer_client.get("/events", headers=KHMER).get_data(as_text=True)
    assert "Workshop" in visible_texts(page)


# --- the Khmer font ------------------------------------------------------------

def test_khmer_pages_link_the_khmer_font_and_english_pages_do_not(client):
    khmer = client.get("/login", headers=KHMER).get_data(as_text=True)
    english = client.get("/login", headers=ENGLISH).get_data(as_text=True)
    assert "css/khmer.css" in khmer
    assert "css/khmer.css" not in english and "woff2" not in english


def test_the_khmer_font_is_self_hosted_for_khmer_script_only(client):
    css = client.get("/static/css/khmer.css").get_data(as_text=True)
    fonts = re.findall(r'url\("\.\./fonts/([^"?]+\.woff2)(?:\?v=[0-9a-f]+)?"\)', css)
    assert fonts == ["noto-sans-khmer-khmer-400-normal.woff2", "noto-sans-khmer-khmer-700-normal.woff2"]
    assert css.count("unicode-range: U+1780-17FF, U+19E0-19FF, U+200C-200D, U+25CC;") == 2
    assert css.count("font-display: swap;") == 2
    for font in fonts:
        response = client.get(f"/static/fonts/{font}")
        assert response.status_code == 200
        assert response.data[:4] == b"wOF2"
    assert (STATIC / "fonts" / "OFL.txt").read_text().count("SIL OPEN FONT LICENSE Version 1.1") == 1
    app_css = (STATIC / "css" / "app.css").read_text()
    assert "@font-face" not in app_css and "woff" not in app_css, "English pages must not load the Khmer font"


# --- dates, times and numbers -------------------------------------------------

MOMENT = datetime(2015, 3, 7, 7, 5)  # UTC: 14:05 on Saturday 7 March 2015 in Phnom Penh


def test_dates_and_times_in_khmer_use_khmer_month_and_day_names_and_the_24_hour_clock(app):
    with page_context(app, KHMER):
        assert local_date(MOMENT) == "7 មីនា 2015"
        assert local_date(MOMENT, "full") == "ថ្ងៃសៅរ៍ 7 មីនា 2015"
        assert local_time(MOMENT) == "14:05"
        assert local_datetime(MOMENT) == "7 មីនា 2015 ម៉ោង 14:05"
        assert date_text(date(2015, 12, 1)) == "1 ធ្នូ 2015"
    with page_context(app, ENGLISH):
        assert local_date(MOMENT, "full") == "Saturday, March 7, 2015"
        assert local_time(MOMENT) == "2:05\u202fPM"


def test_khmer_digits_are_used_on_khmer_pages_when_the_program_chooses_them(app):
    with page_context(app, KHMER):
        assert number(1066) == "1,066"
        set_khmer_digits(True)
        db.session.commit()
        assert number(1066) == "១,០៦៦"
        assert local_datetime(MOMENT) == "៧ មីនា ២០១៥ ម៉ោង ១៤:០៥"
    with page_context(app, ENGLISH):
        assert number(1066) == "1,066"
        assert local_date(MOMENT) == "Mar 7, 2015"


def test_the_configuration_gives_the_default_until_a_setting_is_stored(app):
    app.config["KHMER_DIGITS"] = True
    try:
        with page_context(app, KHMER):
            assert number(80) == "៨០"
        set_khmer_digits(False)
        db.session.commit()
        with page_context(app, KHMER):
            assert number(80) == "80"
    finally:
        app.config["KHMER_DIGITS"] = False


def test_event_page_writes_numbers_in_khmer_digits_when_chosen(app, trainer, trainer_client):
    event = make_event(trainer, trainers=[trainer], days=(date(2015, 3, 10),))
    event.expected_participants = 1066
    db.session.commit()
    assert "1,066" in trainer_client.get(f"/events/{event.id}", headers=KHMER).get_data(as_text=True)
    set_khmer_digits(True)
    db.session.commit()
    khmer = trainer_client.get(f"/events/{event.id}", headers=KHMER).get_data(as_text=True)
    assert "១,០៦៦" in khmer and "១០ មីនា ២០១៥" in khmer
    english = trainer_client.get(f"/events/{event.id}", headers=ENGLISH).get_data(as_text=True)
    assert "1,066" in english and "១" not in english


def test_the_khmer_digits_setting_stored_by_another_server_shows_on_the_next_page(app, trainer, trainer_client):
    event = make_event(trainer, trainers=[trainer], days=(date(2015, 3, 10),))
    set_khmer_digits(True)
    db.session.commit()
    assert "២០១៥" in trainer_client.get(f"/events/{event.id}", headers=KHMER).get_data(as_text=True)
    db.session.execute(sa.text("UPDATE settings SET value = '0' WHERE key = 'khmer_digits'"))  # not through the ORM
    db.session.commit()
    assert "២០១៥" not in trainer_client.get(f"/events/{event.id}", headers=KHMER).get_data(as_text=True)


# --- choosing the language ------------------------------------------------------

def test_the_language_switch_sets_a_cookie_and_the_next_page_is_in_that_language(client):
    response = client.post_form("/language", {"language": "en", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert "lang=en" in response.headers["Set-Cookie"]
    page = client.get("/login", headers=KHMER).get_data(as_text=True)
    assert "Staff log in" in page and '<html lang="en">' in page, "the choice beats the browser's language"

    client.post_form("/language", {"language": "km", "next": "/login"})
    page = client.get("/login", headers=ENGLISH).get_data(as_text=True)
    assert "បុគ្គលិកចូលប្រព័ន្ធ" in page and "css/khmer.css" in page


def test_the_language_switch_needs_the_form_token(client):
    response = client.post("/language", data={"language": "en", "next": "/login"})
    assert response.status_code == 400
    assert "lang=" not in response.headers.get("Set-Cookie", "")


def test_the_language_switch_shows_both_languages_in_their_own_script(client):
    page = client.get("/login", headers=ENGLISH).get_data(as_text=True)
    assert re.search(r'<button type="submit" name="language" value="km" lang="km"\s*>ខ្មែរ</button>', page)
    assert 'value="en" lang="en"' in page and 'aria-current="true" class="current">English' in page


def test_an_events_language_is_the_default_of_its_participant_pages(app):
    with page_context(app, ENGLISH):
        assert current_language() == "en"
        use_page_language("km")
        assert current_language() == "km", "a view's choice applies even after a text was translated"
    with page_context(app, {**ENGLISH, "Cookie": "lang=en"}):
        use_page_language("km")
        assert current_language() == "en", "the person's own choice wins"


# --- texts that still lack Khmer ------------------------------------------------

def test_staff_see_which_reference_names_lack_khmer(app):
    workshop = reference(EventType, "workshop")
    template = '{% from "_khmer.html" import khmer_missing, khmer_text %}[{{ khmer_missing(e) }}][{{ khmer_text(e) }}]'
    with page_context(app, ENGLISH):
        assert "Khmer missing" not in render_template_string(template, e=workshop)
        assert '<span lang="km">សិក្ខាសាលា</span>' in render_template_string(template, e=workshop)
        workshop.name_km = " "
        assert render_template_string(template, e=workshop).count('class="badge badge-missing-km">Khmer missing') == 2
    with page_context(app, KHMER):
        assert "ខ្វះភាសាខ្មែរ" in render_template_string(template, e=workshop)
