"""The staff pages: a trainer downloads the event package on the laptop; a manager imports it on the
central server, reviews it and confirms."""

import io
import os
import re
import time

import sqlalchemy as sa

from tests.conftest import PortalClient
from tests.factories import make_participant
from training_portal.attendance.models import Participant
from training_portal.events.models import Event
from training_portal.extensions import db
from training_portal.transfer import uploads
from training_portal.transfer.package import read_package

from .conftest import table_counts


def central_client(central, email="manager@example.org") -> PortalClient:
    central.test_client_class = PortalClient
    client = central.test_client()
    assert client.login(email).status_code == 302
    return client.english()


def upload(client, content: bytes, name="event.json.gz"):
    return client.post_form("/events/import", {"package": (io.BytesIO(content), name)},
                            content_type="multipart/form-data")


def token_of(page: str) -> str:
    match = re.search(r'<input[^>]*name="token"[^>]*>', page)
    assert match, "no review form on the page"
    return re.search(r'value="([^"]+)"', match.group(0)).group(1)


def download(trainer_client, event) -> bytes:
    response = trainer_client.post_form(f"/events/{event.id}/package")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=event-")
    return response.get_data()


def test_a_trainer_downloads_the_package_from_the_event_page(trainer_client, field_event):
    page = trainer_client.english().get(f"/events/{field_event.id}").get_data(as_text=True)
    assert "Download event package" in page
    package = read_package(download(trainer_client, field_event))
    assert package["event"]["title"] == "Child protection training" and len(package["attendance"]) == 3


def test_the_download_is_a_post_with_csrf(trainer_client, field_event):
    assert trainer_client.get(f"/events/{field_event.id}/package").status_code == 405
    refused = trainer_client.post(f"/events/{field_event.id}/package")
    assert refused.status_code == 400 and "Content-Disposition" not in refused.headers


def test_a_manager_imports_the_package_after_a_preview(trainer_client, central, field_event):
    content = download(trainer_client, field_event)
    uid = read_package(content)["event"]["uid"]
    client = central_client(central)
    with central.app_context():
        before = table_counts()
    preview = upload(client, content)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "This event is new on this server." in page
    assert re.search(r"Attendance</td>\s*<td[^>]*>3</td>", page)
    with central.app_context():
        assert table_counts() == before  # the preview writes nothing

    done = client.post_form("/events/import/confirm", {"token": token_of(page)})
    assert done.status_code == 302, done.get_data(as_text=True)[-3000:]
    with central.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.uid == uid))
        assert done.headers["Location"].endswith(f"/events/{event.id}")
        assert table_counts()["attendances"] == 3

    again = upload(client, content).get_data(as_text=True)
    assert "This event is already on this server" in again
    assert re.search(r"Attendance</td>\s*<td[^>]*>0</td>\s*<td[^>]*>3</td>", again)


def test_a_conflict_is_shown_and_the_manager_decides(trainer_client, central, field_event):
    content = download(trainer_client, field_event)
    card_code = read_package(content)["participants"][0]["card_code"]
    with central.app_context():
        sophea = make_participant(None, "Sophea Lim", phone="011999888")
        sophea.card_code = card_code
        db.session.commit()
        sophea_id = sophea.id
    client = central_client(central)
    page = upload(client, content).get_data(as_text=True)
    assert "The same card code as someone here." in page and "Sophea Lim" in page and "Who is Srey Mom?" in page

    undecided = client.post_form("/events/import/confirm", {"token": token_of(page)})
    assert undecided.status_code == 400 and "Choose who this is." in undecided.get_data(as_text=True)
    with central.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0

    decided = client.post_form("/events/import/confirm", {"token": token_of(page), "conflict_0": "new"})
    assert decided.status_code == 302
    with central.app_context():
        assert db.session.get(Participant, sophea_id).name == "Sophea Lim"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == 4


def test_a_bad_file_gets_a_clear_message_in_khmer_too(central):
    client = central_client(central)
    refused = upload(client, b"this is a photo, not a package", "photo.jpg")
    assert refused.status_code == 400
    assert "The file is not an event package: it is not JSON." in refused.get_data(as_text=True)
    client.set_cookie("lang", "km")
    khmer = upload(client, b"this is a photo, not a package", "photo.jpg").get_data(as_text=True)
    assert "The file is not an event package" not in khmer and 'class="error"' in khmer


def test_only_managers_and_admins_import_and_the_upload_needs_csrf(trainer_client, central):
    assert central_client(central, "sokha@example.org").get("/events/import").status_code == 403
    client = central_client(central)
    assert client.get("/events/import").status_code == 200
    assert client.post("/events/import", data={"package": (io.BytesIO(b"{}"), "x.json")}).status_code == 400
    stale = client.post_form("/events/import/confirm", {"token": "A" * 32})
    assert stale.status_code == 302 and stale.headers["Location"].endswith("/events/import")


def test_an_upload_left_without_confirmation_is_removed_the_next_day(central):
    client = central_client(central)
    with central.app_context():
        old = uploads.keep(b"{}")
        day_ago = time.time() - uploads.KEPT_SECONDS - 60
        os.utime(uploads.folder() / old, (day_ago, day_ago))
    stale = client.post_form("/events/import/confirm", {"token": old})
    assert stale.headers["Location"].endswith("/events/import")
    with central.app_context():
        assert not (uploads.folder() / old).exists()


def test_a_conflict_that_appears_after_the_preview_is_shown_before_anything_is_written(trainer_client, central,
                                                                                       field_event):
    content = download(trainer_client, field_event)
    client = central_client(central)
    page = upload(client, content).get_data(as_text=True)
    assert "To review" not in page
    with central.app_context():
        make_participant(None, "Dara Sok", sex="male", phone="097111222")  # recorded meanwhile, another name
    again = client.post_form("/events/import/confirm", {"token": token_of(page)})
    text = again.get_data(as_text=True)
    assert again.status_code == 400 and "Who is Dara Chan?" in text and "Dara Sok" in text
    with central.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0
    done = client.post_form("/events/import/confirm", {"token": token_of(text), "conflict_0": "new"})
    assert done.status_code == 302
