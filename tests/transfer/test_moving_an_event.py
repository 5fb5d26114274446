"""Moving an event from the field laptop to the central server with its package."""

import gzip
import json

import pytest
import sqlalchemy as sa

from tests.factories import attend, make_event, make_participant, make_staff
from training_portal.attendance.models import Participant, Registration
from training_portal.auth.models import Role, User
from training_portal.events.models import Event
from training_portal.extensions import db
from training_portal.transfer.importing import NEW, import_package
from training_portal.transfer.package import MAX_UNPACKED_BYTES, PackageError, export_event, package_bytes, read_package

from .conftest import table_counts, year_workbook


def import_into(central, data, resolve=None):
    with central.app_context():
        manager = db.session.scalar(sa.select(User).where(User.email == "manager@example.org"))
        result = import_package(data, manager, resolve=resolve)
        db.session.commit()
        return result.applied, dict(result.created), dict(result.existing), len(result.conflicts)


def central_state(central):
    with central.app_context():
        return table_counts(), year_workbook()


def test_an_event_imported_twice_has_the_same_counts_and_workbook_and_nothing_twice(app, central, field_event):
    package = read_package(package_bytes(field_event))
    laptop_counts, laptop_workbook = table_counts(), year_workbook()
    with central.app_context():
        make_staff("dara@example.org", Role.TRAINER, "Dara Trainer")

    applied, created, existing, conflicts = import_into(central, package)
    assert (applied, conflicts, existing) == (True, 0, {})
    assert created == {"quizzes": 1, "sessions": 2, "participants": 3, "registrations": 1, "attendance": 3,
                       "headcounts": 2, "quiz_attempts": 3}
    first_counts, first_workbook = central_state(central)
    assert first_counts == laptop_counts
    assert first_workbook == laptop_workbook

    applied, created, existing, conflicts = import_into(central, package)
    assert (applied, created) == (True, {})
    assert existing["attendance"] == 3 and existing["participants"] == 3
    assert central_state(central) == (first_counts, first_workbook)


def test_the_imported_event_keeps_its_answers_trainer_and_identifiers(app, central, field_event):
    package = export_event(field_event)
    with central.app_context():
        result = import_package(package, None)
        db.session.commit()
        assert result.unknown_trainers == ["dara@example.org"]  # no account on the central server: left out
        event = db.session.scalar(sa.select(Event).where(Event.uid == package["event"]["uid"]))
        assert [trainer.email for trainer in event.trainers] == ["sokha@example.org"]
        assert event.starts_on.isoformat() == "2015-03-10"
        assert event.sessions[0].checkin_open is False
        assert export_event(event)["quiz_attempts"] == package["quiz_attempts"]
        assert export_event(event)["participants"] == package["participants"]


def test_a_returning_participant_is_matched_by_card_code_or_phone_never_duplicated(app, central, field_event):
    package = export_event(field_event)
    mom, dara = package["participants"][0], package["participants"][1]
    with central.app_context():
        by_card = make_participant(None, "Srey Mom")
        by_card.card_code = mom["card_code"]
        make_participant(None, "DARA  chan", sex="male", phone="097111222")
        db.session.commit()
    applied, created, existing, _ = import_into(central, package)
    assert applied and created["participants"] == 1 and existing["participants"] == 2
    with central.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == 3
        assert db.session.scalar(sa.select(Participant.name).where(Participant.phone == dara["phone"])) == "DARA  chan"


def test_the_same_card_with_another_person_is_a_conflict_and_nothing_is_written(app, central, field_event):
    package = export_event(field_event)
    with central.app_context():
        other = make_participant(None, "Sophea Lim", phone="011999888")
        other.card_code = package["participants"][0]["card_code"]
        db.session.commit()
        before = table_counts()
        other_id = other.id
    applied, created, _, conflicts = import_into(central, package)
    assert (applied, conflicts) == (False, 1)
    with central.app_context():
        assert table_counts() == before

    applied, created, _, conflicts = import_into(central, package, resolve={package["participants"][0]["uid"]: NEW})
    assert applied and created["participants"] == 3
    with central.app_context():
        mom = db.session.scalar(sa.select(Participant).where(Participant.name == "Srey Mom"))
        assert mom.card_code != package["participants"][0]["card_code"]
        assert db.session.get(Participant, other_id).card_code == package["participants"][0]["card_code"]


def test_the_same_phone_with_another_name_is_a_conflict_resolved_as_the_same_person(app, central, field_event):
    package = export_event(field_event)
    with central.app_context():
        known = make_participant(None, "Mom Srey", phone="012345678")
        known_id = known.id
    assert import_into(central, package)[3] == 1
    applied, created, existing, _ = import_into(central, package,
                                                resolve={package["participants"][0]["uid"]: known_id})
    assert applied and existing["participants"] == 1 and created["participants"] == 2
    with central.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == 3
        assert table_counts()["attendances"] == 3


@pytest.mark.parametrize("change, reason", [
    (lambda data: data.update(version=99), "unknown_version"),
    (lambda data: data.update(format="something-else"), "not_a_package"),
    (lambda data: data["participants"][0].update(sex="unknown"), "invalid"),
    (lambda data: data["attendance"][0].update(session="no-such-session"), "unknown_code"),
    (lambda data: data["event"].update(province="atlantis"), "unknown_code"),
    (lambda data: data["participants"].append(dict(data["participants"][0])), "duplicate"),
    (lambda data: data["sessions"][0].update(ends_at="2015-03-10T00:00:00+00:00"), "invalid"),
    (lambda data: data.pop("attendance"), "invalid"),
    (lambda data: data["sessions"][1].update(checkin_code=data["sessions"][0]["checkin_code"]), "duplicate"),
])
def test_a_bad_package_is_refused_and_writes_nothing(app, central, field_event, change, reason):
    data = json.loads(json.dumps(export_event(field_event)))
    change(data)
    with central.app_context():
        before = table_counts()
        with pytest.raises(PackageError) as refused:
            import_package(read_package(json.dumps(data).encode()), None)
        db.session.commit()
        assert refused.value.reason == reason
        assert table_counts() == before


@pytest.mark.parametrize("content, reason", [
    (b"not json at all", "not_json"), (b"\x1f\x8b\x08\x00broken", "damaged"), (b"[1, 2]", "not_a_package"),
])
def test_a_file_that_is_no_package_is_refused(content, reason):
    with pytest.raises(PackageError) as refused:
        read_package(content)
    assert refused.value.reason == reason


def central_command(central, *args):
    """A flask command run on the central server (a command runs in the app context it finds)."""
    with central.app_context():
        return central.test_cli_runner().invoke(args=[str(arg) for arg in args])


def test_the_shell_commands_export_and_import_and_refuse_on_conflicts(app, central, field_event, tmp_path):
    path = tmp_path / "event.json.gz"
    result = app.test_cli_runner().invoke(args=["export-event", str(field_event.id), str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(gzip.decompress(path.read_bytes()))["event"]["uid"] == field_event.uid
    dara_card = export_event(field_event)["participants"][1]["card_code"]
    with central.app_context():
        other = make_participant(None, "Sophea Lim")
        other.card_code = dara_card
        db.session.commit()
    refused = central_command(central, "import-event", path)
    assert refused.exit_code == 1 and "Dara Chan" in refused.output and "Sophea Lim" in refused.output
    with central.app_context():
        db.session.delete(db.session.scalar(sa.select(Participant).where(Participant.name == "Sophea Lim")))
        db.session.commit()
    imported = central_command(central, "import-event", path)
    assert imported.exit_code == 0, imported.output
    assert "3 attendance" in imported.output
    again = central_command(central, "import-event", path)
    assert again.exit_code == 0 and "nothing new" in again.output


def test_an_event_prepared_centrally_goes_to_the_laptop_and_comes_back_without_duplicates(app, central, manager):
    with central.app_context():
        central_manager = db.session.scalar(sa.select(User).where(User.email == "manager@example.org"))
        event = make_event(central_manager, title="Hotel staff training")
        registered = make_participant(None, "Srey Mom", phone="012345678")
        db.session.add(Registration(event_id=event.id, participant_id=registered.id))
        db.session.commit()
        before_the_day = export_event(event)

    assert import_package(before_the_day, manager).applied  # on the laptop, before the day
    db.session.commit()
    on_the_laptop = db.session.scalar(sa.select(Event).where(Event.uid == before_the_day["event"]["uid"]))
    mom = db.session.scalar(sa.select(Participant).where(Participant.uid == before_the_day["participants"][0]["uid"]))
    attend(mom, on_the_laptop.sessions[0])
    attend(make_participant(None, "Dara Chan", sex="male"), on_the_laptop.sessions[0])
    db.session.commit()

    applied, created, existing, _ = import_into(central, export_event(on_the_laptop))
    assert applied and created == {"participants": 1, "attendance": 2}
    assert existing == {"sessions": 1, "participants": 1, "registrations": 1}
    with central.app_context():
        counts = table_counts()
    assert (counts["events"], counts["participants"], counts["attendances"], counts["event_participants"]) == (1, 2, 2, 2)


def test_a_compressed_file_that_unpacks_to_too_much_is_refused():
    bomb = gzip.compress(b" " * (MAX_UNPACKED_BYTES + 1024))
    with pytest.raises(PackageError) as refused:
        read_package(bomb)
    assert refused.value.reason == "too_large"


def test_a_package_naming_a_session_of_another_event_is_refused(app, central, field_event, manager):
    package = export_event(field_event)
    with central.app_context():
        central_manager = db.session.scalar(sa.select(User).where(User.email == "manager@example.org"))
        other = make_event(central_manager, title="Another event")
        other.sessions[0].uid = package["sessions"][0]["uid"]
        db.session.commit()
        before = table_counts()
        with pytest.raises(PackageError) as refused:
            import_package(package, central_manager)
        db.session.commit()
        assert (refused.value.reason, refused.value.place) == ("invalid", "sessions[0].uid")
        assert table_counts() == before
