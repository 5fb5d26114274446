"""The event package through the JSON API (POST /api/v1/event-packages): the import page's rules."""

import json

import sqlalchemy as sa

from tests.api.conftest import TokenClient
from tests.factories import make_participant
from training_portal.api.tokens import create_token
from training_portal.auth.models import AuditLog, User
from training_portal.extensions import db
from training_portal.transfer.package import package_bytes, read_package

from .conftest import table_counts


def central_api(central, email="manager@example.org") -> TokenClient:
    with central.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        _token, secret = create_token(user, "laptop sync", "write")
        db.session.commit()
    return TokenClient(central.test_client(), secret)


def central_counts(central) -> dict[str, int]:
    with central.app_context():
        return table_counts()


def test_a_manager_imports_the_package_once_and_a_second_time_changes_nothing(app, central, field_event):
    package = read_package(package_bytes(field_event))
    laptop = table_counts()
    api = central_api(central)

    first = api.post("/api/v1/event-packages", json=package)
    assert first.status_code == 201 and first.json["event_is_new"] is True
    assert first.json["created"]["participants"] == 3 and first.json["unknown_trainers"] == ["dara@example.org"]
    after_first = central_counts(central)
    assert after_first["attendances"] == laptop["attendances"] and after_first["quiz_attempts"] == laptop["quiz_attempts"]

    with central.app_context():
        [entry] = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "event.import")).all()
        assert json.loads(entry.details)["via"].startswith("token:") and entry.object_id == first.json["event_id"]

    again = api.post("/api/v1/event-packages", json=package)
    assert again.status_code == 200 and again.json["event_id"] == first.json["event_id"]
    assert sum(again.json["created"].values()) == 0 and central_counts(central) == after_first


def test_a_trainer_may_not_import_and_nothing_is_written(app, central, field_event):
    package = read_package(package_bytes(field_event))
    before = central_counts(central)
    answer = central_api(central, "sokha@example.org").post("/api/v1/event-packages", json=package)
    assert answer.status_code == 403 and answer.json["detail"] == "Only program managers and admins import events."
    assert central_counts(central) == before


def test_a_bad_package_is_refused_in_the_users_language_and_writes_nothing(app, central, field_event):
    package = read_package(package_bytes(field_event))
    api, before = central_api(central), central_counts(central)
    answer = api.post("/api/v1/event-packages", json={**package, "version": 2})
    assert answer.status_code == 422 and answer.headers["Content-Type"].startswith("application/problem+json")
    assert "another version of the portal" in answer.json["detail"]
    package["sessions"][0]["ends_at"] = package["sessions"][0]["starts_at"]
    answer = api.post("/api/v1/event-packages", json=package, language="km")
    assert answer.status_code == 422 and "sessions[0].ends_at" in answer.json["detail"]
    assert answer.json["detail"] != "The event package is not valid: a wrong or missing value at sessions[0].ends_at."
    assert central_counts(central) == before


def test_a_conflict_is_refused_for_review_and_writes_nothing(app, central, field_event):
    package = read_package(package_bytes(field_event))
    with central.app_context():
        other = make_participant(None, "Sophea Lim", phone="011999888")
        other.card_code = package["participants"][0]["card_code"]
        db.session.commit()
        other_id = other.id
    api, before = central_api(central), central_counts(central)
    answer = api.post("/api/v1/event-packages", json=package)
    assert answer.status_code == 409
    assert answer.json["errors"] == {f"participants.{package['participants'][0]['uid']}": [
        f"The same card code or phone number as participant {other_id}."]}
    assert central_counts(central) == before
