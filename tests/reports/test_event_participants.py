"""The event participants summary the reports count: whatever way a participant is checked in or
removed, it holds exactly the (event, participant) pairs the attendance implies."""

import secrets
from collections import defaultdict
from datetime import date, datetime, time

from flask_migrate import upgrade
import sqlalchemy as sa
from sqlalchemy import select

from tests.attendance.helpers import self_checkin
from tests.attendance.test_sheets import confirm, template, upload
from tests.conftest import new_database, settings_for
from tests.english_pages import client, trainer_client  # noqa: F401
from tests.factories import filled_sheet, group_id, make_event, make_participant, reference
from training_portal import create_app
from training_portal.attendance.models import (AgeBand, Attendance, CheckInMethod, EventParticipant, Participant,
                                               Sex)
from training_portal.auth.models import Role
from training_portal.auth.services import create_user
from training_portal.events import services as event_services
from training_portal.events.models import Event, EventType, Province, Session, TargetGroup
from training_portal.events.services import SessionTimes
from training_portal.extensions import db
from training_portal.quizzes import paper as quiz_paper
from training_portal.reports import counts as report_counts
from training_portal.reports.period import Period, ReportFilters

KEY = "k" * 24
TWO_DAYS = (date(2015, 3, 10), date(2015, 3, 11))
YEAR_2015 = ReportFilters(Period(2015))


def summary_pairs() -> set[tuple]:
    ep = EventParticipant
    return {tuple(row) for row in db.session.execute(
        select(ep.event_id, ep.participant_id, ep.sex, ep.age_band, ep.target_group_id))}


def pairs_the_attendance_implies() -> set[tuple]:
    return {tuple(row) for row in db.session.execute(
        select(Session.event_id, Attendance.participant_id, Participant.sex, Participant.age_band,
               Participant.target_group_id)
        .join(Session, Attendance.session_id == Session.id)
        .join(Participant, Attendance.participant_id == Participant.id)
        .distinct())}


def scan(client, session, participant, key):
    """A card scanned for a 2015 session, recorded after the day with "Record anyway"."""
    return client.post_form(f"/sessions/{session.id}/scan", {"card": participant.card_code, "key": key, "anyway": "y"},
                            headers={"Accept": "application/json"}).get_json()


def attendance_of(participant, session) -> Attendance:
    return db.session.scalar(select(Attendance).where(Attendance.participant_id == participant.id,
                                                      Attendance.session_id == session.id))


def test_every_way_of_checking_in_counts_each_participant_once_per_event(client, trainer_client, trainer):
    event = make_event(trainer, trainers=[trainer], days=TWO_DAYS)
    first, second = event.sessions
    first.checkin_open = second.checkin_open = True
    db.session.commit()
    dara = make_participant(name="Dara", sex="male")

    self_checkin(client, first.checkin_code, name="Sokha", sex="female", age_band="18_24")
    assert scan(trainer_client, first, dara, "a" * 24)["status"] == "checked_in"
    assert scan(trainer_client, second, dara, "b" * 24)["status"] == "checked_in"  # the same pair
    trainer_client.post_form(f"/sessions/{second.id}/walk-in", {
        "key": KEY, "name": "Srey Mom", "sex": "female", "age_band": "50_plus",
        "target_group_id": group_id("hotel_staff"), "phone": ""})
    sheet = filled_sheet(template(trainer_client, first), [
        ["Kosal Kim", "male", "18-24", "taxi_driver", "", "", ""],
        ["", "other", 41, "Hotel staff", "", "", ""],
    ])
    confirm(trainer_client, first, upload(trainer_client, first, sheet).get_data(as_text=True))
    villager = reference(TargetGroup, "villager")
    vanny = quiz_paper.add_walk_in(event, second, "Vanny", Sex.FEMALE, AgeBand.AGE_15_17, villager, trainer)
    db.session.commit()

    methods = set(db.session.scalars(select(Attendance.method)))
    assert methods == {CheckInMethod.SELF, CheckInMethod.SCAN, CheckInMethod.WALK_IN, CheckInMethod.IMPORT}
    assert db.session.scalar(select(db.func.count()).select_from(Attendance)) == 7
    assert summary_pairs() == pairs_the_attendance_implies()
    assert len(summary_pairs()) == 6
    assert (event.id, dara.id, Sex.MALE, AgeBand.AGE_25_34, group_id("taxi_driver")) in summary_pairs()
    assert (event.id, vanny.id, Sex.FEMALE, AgeBand.AGE_15_17, villager.id) in summary_pairs()
    total = report_counts.totals(YEAR_2015)
    assert (total.participants, total.female, total.male, total.other, total.unique_individuals) == (6, 3, 2, 1, 6)


def test_removing_one_of_two_sessions_keeps_the_participant_counted_until_the_last_is_removed(
        trainer_client, trainer):
    event = make_event(trainer, trainers=[trainer], days=TWO_DAYS)
    first, second = event.sessions
    dara, sokha = make_participant(name="Dara", sex="male"), make_participant(name="Sokha", sex="female")
    for session, participant, key in ((first, dara, "a"), (second, dara, "b"), (first, sokha, "c")):
        assert scan(trainer_client, session, participant, key * 24)["status"] == "checked_in"
    assert len(summary_pairs()) == 2

    trainer_client.post_form(f"/attendance/{attendance_of(dara, first).id}/remove")
    assert summary_pairs() == pairs_the_attendance_implies()
    assert {pair[1] for pair in summary_pairs()} == {dara.id, sokha.id}  # Dara still came to the second day
    assert report_counts.totals(YEAR_2015).participants == 2

    trainer_client.post_form(f"/attendance/{attendance_of(dara, second).id}/remove")
    assert summary_pairs() == pairs_the_attendance_implies()
    assert {pair[1] for pair in summary_pairs()} == {sokha.id}
    total = report_counts.totals(YEAR_2015)
    assert (total.participants, total.male, total.female, total.unique_individuals) == (1, 0, 1, 1)


def test_an_event_moved_to_another_type_province_and_month_takes_its_participants_along(trainer_client, trainer):
    event = make_event(trainer, trainers=[trainer], type_code="training", province_code="phnom_penh", days=TWO_DAYS)
    dara = make_participant(name="Dara", sex="male")
    scan(trainer_client, event.sessions[1], dara, KEY)
    fields = {"title": event.title, "description": "", "event_type_id": reference(EventType, "workshop").id,
              "province_id": reference(Province, "kampot").id, "venue": "", "language": "km",
              "target_group_ids": [group_id("taxi_driver")], "trainer_ids": [trainer.id],
              "expected_participants": None}
    event_services.apply_event_fields(event, fields)
    event_services.add_session(event, SessionTimes(date(2015, 2, 20), time(8), time(12)))  # now starts in February
    db.session.commit()

    assert summary_pairs() == pairs_the_attendance_implies()
    pair = db.session.execute(select(EventParticipant.event_type_id, EventParticipant.province_id,
                                     EventParticipant.month_key)).one()
    assert tuple(pair) == (reference(EventType, "workshop").id, reference(Province, "kampot").id, 201502)
    assert [(row.key, row.unique_individuals) for row in report_counts.counts(YEAR_2015, "event_type")] == [
        ((reference(EventType, "workshop").id,), 1)]
    assert [(row.key, row.unique_individuals) for row in report_counts.counts(YEAR_2015, "province")] == [
        ((reference(Province, "kampot").id,), 1)]
    assert [(row.key, row.unique_individuals) for row in report_counts.counts(YEAR_2015, "month")] == [((2015, 2), 1)]


def test_the_dashboard_counts_what_the_attendance_says(trainer_client, trainer):
    """Every figure by event type, target group and age band against a count made here from the attendance."""
    events = [
        make_event(trainer, trainers=[trainer], type_code="training", days=TWO_DAYS),
        make_event(trainer, trainers=[trainer], type_code="workshop", days=(date(2015, 5, 2), date(2015, 5, 3))),
        make_event(trainer, trainers=[trainer], type_code="training", days=(date(2015, 8, 20),)),
    ]
    people = [make_participant(name=f"P{n}", sex=(Sex.FEMALE, Sex.MALE, Sex.OTHER)[n % 3],
                                group=("taxi_driver", "hotel_staff")[n % 2]) for n in range(7)]
    number = 0
    for index, event in enumerate(events):
        for n, participant in enumerate(people):
            for session in event.sessions:
                if (n + index) % 3 != 0 or session is event.sessions[0]:
                    number += 1
                    scan(trainer_client, session, participant, f"{number:024d}")

    attended = defaultdict(set)  # event type id -> {(event id, participant)}
    for session, participant in db.session.execute(
            select(Session, Participant).join(Attendance, Attendance.session_id == Session.id)
            .join(Participant, Attendance.participant_id == Participant.id)):
        attended[session.event.event_type_id].add((session.event_id, participant))
    by_type = {row.key[0]: row for row in report_counts.counts(YEAR_2015, "event_type")}
    assert set(by_type) == set(attended)
    for type_id, pairs in attended.items():
        row = by_type[type_id]
        assert row.participants == row.individual == len(pairs)
        assert row.female == sum(1 for _e, p in pairs if p.sex == Sex.FEMALE)
        assert row.male == sum(1 for _e, p in pairs if p.sex == Sex.MALE)
        assert row.unique_individuals == len({p.id for _e, p in pairs})
        assert row.events == len({event_id for event_id, _p in pairs})
    everyone = {pair for pairs in attended.values() for pair in pairs}
    by_group = {row.key[0]: row for row in report_counts.counts(YEAR_2015, "target_group")}
    for group in ("taxi_driver", "hotel_staff"):
        pairs = {(e, p) for e, p in everyone if p.target_group_id == group_id(group)}
        row = by_group[group_id(group)]
        assert (row.participants, row.unique_individuals, row.events) == (
            len(pairs), len({p.id for _e, p in pairs}), len({e for e, _p in pairs}))
    total = report_counts.totals(YEAR_2015)
    assert (total.events, total.participants, total.unique_individuals) == (3, len(everyone), 7)


def old_row(table_name: str, **values) -> int:
    """A row written with the columns of the schema the database has now (the models may have more); its id."""
    table = sa.Table(table_name, sa.MetaData(), autoload_with=db.session.connection())
    return db.session.execute(sa.insert(table).values(**values).returning(table.c.id)).scalar_one()


def event_before_uids(creator, days) -> tuple[int, list[int]]:
    """A training in Phnom Penh with a session on each day, as the schema before identifiers holds it."""
    now = datetime(2015, 3, 1)
    event_id = old_row("events", title="Child protection training", description="", venue="", language="km",
                       event_type_id=reference(EventType, "training").id, status="planned", cancel_reason="",
                       province_id=reference(Province, "phnom_penh").id, starts_on=days[0], pre_test_open=False,
                       post_test_open=False, created_by_id=creator.id, created_at=now, updated_at=now)
    session_ids = [old_row("event_sessions", event_id=event_id, starts_at=datetime.combine(day, time(1, 30)),
                           ends_at=datetime.combine(day, time(9, 30)), checkin_code=f"OLD{number}",
                           checkin_open=False) for number, day in enumerate(days)]
    return event_id, session_ids


def participant_before_personal_codes(name, sex, age_band, group) -> int:
    """A participant's row as the schema before the summary holds it (no personal code yet); its id."""
    table = sa.table("participants", *(sa.column(column) for column in (
        "id", "name", "sex", "age_band", "target_group_id", "organisation", "card_code", "created_at")))
    return db.session.execute(sa.insert(table).values(
        name=name, sex=sex.value, age_band=age_band.value, target_group_id=group_id(group), organisation="",
        card_code=secrets.token_urlsafe(16), created_at=datetime(2015, 3, 1)).returning(table.c.id)).scalar_one()


def test_the_migration_fills_the_summary_from_the_attendance_already_recorded(tmp_path):
    with new_database(tmp_path) as url:
        app = create_app(settings_for(url))
        app.instance_path = str(tmp_path)
        with app.app_context():
            upgrade(revision="9021b5085256")  # the schema before the summary
            event_services.load_reference_data()
            trainer = create_user("trainer@example.org", "Sokha Trainer", Role.TRAINER, "a long enough password 1")
            db.session.flush()
            event_id, session_ids = event_before_uids(trainer, TWO_DAYS)
            dara = participant_before_personal_codes("Dara", Sex.MALE, AgeBand.AGE_35_49, "hotel_staff")
            sokha = participant_before_personal_codes("Sokha", Sex.FEMALE, AgeBand.UNDER_15, "taxi_driver")
            for number, (participant_id, session_id) in enumerate(
                    ((dara, session_ids[0]), (dara, session_ids[1]), (sokha, session_ids[1]))):
                db.session.add(Attendance(participant_id=participant_id, session_id=session_id,
                                          method=CheckInMethod.SELF, idempotency_key=f"before-{number}"))
            db.session.commit()
            upgrade()
            event = db.session.get(Event, event_id)
            assert summary_pairs() == {
                (event.id, dara, Sex.MALE, AgeBand.AGE_35_49, group_id("hotel_staff")),
                (event.id, sokha, Sex.FEMALE, AgeBand.UNDER_15, group_id("taxi_driver")),
            }
            assert set(db.session.execute(select(EventParticipant.event_type_id, EventParticipant.province_id,
                                                 EventParticipant.month_key))) == {
                (event.event_type_id, event.province_id, 201503)}
            db.session.remove()
            db.engine.dispose()
