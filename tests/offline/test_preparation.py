"""Preparing an event for offline use: what the trainer's phone receives, who may receive it, and how much."""

import gzip
import html
import json

from tests.conftest import logged_in_client
from tests.factories import make_event, make_participant, make_quiz
from training_portal.attendance import roster
from training_portal.extensions import db


def test_event_page_offers_prepare_for_offline_to_its_trainer(trainer_client, trainer):
    event = make_event(trainer, trainers=[trainer])
    page = trainer_client.english().get(f"/events/{event.id}").get_data(as_text=True)
    assert f'href="/events/{event.id}/offline/"' in page and "Prepare for offline" in page


def test_phone_receives_the_event_its_people_and_the_trainers_past_participants(trainer_client, trainer):
    past_event = make_event(trainer, title="Last year's training", trainers=[trainer])
    returning = make_participant(past_event, name="Dara Chan", phone="012345678")
    event = make_event(trainer, trainers=[trainer])
    event.pre_quiz_id = make_quiz(trainer).id
    checked_in = make_participant(event, name="Srey Mom")
    registered = make_participant(name="Vibol Sok")
    roster.register(event, registered, trainer)
    db.session.commit()

    data = trainer_client.english().get(f"/events/{event.id}/offline/data.json").get_json()

    people = {person["name"]: person for person in data["people"]}
    assert set(people) == {"Dara Chan", "Srey Mom", "Vibol Sok"}
    assert (people["Srey Mom"]["registered"], people["Dara Chan"]["registered"]) == (True, False)
    assert people["Dara Chan"]["card_code"] == returning.card_code and people["Dara Chan"]["sex"] == "f"
    assert data["checked_in"] == [[event.sessions[0].id, checked_in.id]]
    assert [s["id"] for s in data["sessions"]] == [event.sessions[0].id]
    assert [q["options"][0]["letter"] for q in data["quizzes"]["pre"]["questions"]] == ["A", "A", "A"]
    assert data["csrf_token"]


def test_another_trainers_event_is_not_prepared(client, trainer, other_trainer):
    event = make_event(trainer, trainers=[trainer])
    other = logged_in_client(client.application, other_trainer)
    assert other.get(f"/events/{event.id}/offline/data.json").status_code == 403
    assert other.get(f"/events/{event.id}/offline/").status_code == 403
    assert client.get(f"/events/{event.id}/offline/data.json").status_code == 302  # to the login page


def test_first_download_of_the_offline_app_is_small(trainer_client, trainer):
    """All precached files and the data, gzip-compressed, apart from the Khmer font: at most 150 KB.
    An event with 60 people registered and 300 past participants of the trainer."""
    past_event = make_event(trainer, title="Last year's training", trainers=[trainer])
    for number in range(300):
        make_participant(past_event, name=f"Past participant {number}", phone=f"0121{number:05d}")
    event = make_event(trainer, trainers=[trainer])
    event.pre_quiz_id = event.post_quiz_id = make_quiz(trainer).id
    for number in range(60):
        make_participant(event, name=f"Participant {number}")
    db.session.commit()

    total = 0
    for language in ("en", "km"):
        trainer_client.set_cookie("lang", language)
        page = trainer_client.get(f"/events/{event.id}/offline/").get_data(as_text=True)
        urls = json.loads(html.unescape(page.split('data-precache="', 1)[1].split('"', 1)[0]))
        urls += [f"/events/{event.id}/offline/data.json", f"/events/{event.id}/offline/sw.js"]
        sizes = {}
        for url in urls:
            if "/fonts/" in url:
                continue
            response = trainer_client.get(url)
            assert response.status_code == 200, url
            sizes[url] = len(gzip.compress(response.get_data(), 9))
            response.close()
        total = sum(sizes.values())
        print(f"offline app first download ({language}): {total / 1024:.1f} KB gzip", sizes)
        assert total <= 150 * 1024


def test_offline_page_and_its_script_texts_are_in_the_trainers_language(trainer_client, trainer):
    event = make_event(trainer, trainers=[trainer])
    trainer_client.set_cookie("lang", "km")
    page = trainer_client.get(f"/events/{event.id}/offline/").get_data(as_text=True)
    texts = json.loads(page.split("<script type=\"application/json\" data-texts>", 1)[1].split("</script>", 1)[0])
    assert "រៀបចំសម្រាប់ប្រើដោយគ្មានអ៊ីនធឺណិត" in page  # "Prepare for offline"
    assert texts["status"] == "រង់ចាំ {waiting} បរាជ័យ {failed}"
    assert texts["waiting"] == "កំពុងរង់ចាំផ្ញើ"
    assert "/static/fonts/noto-sans-khmer-khmer-400-normal.woff2" in html.unescape(page)
