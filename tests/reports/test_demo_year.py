"""The demo year 2015 reproduces the annual report's numbers, read back from the workbook by header name."""

import sqlalchemy as sa
from sqlalchemy import select

from training_portal.attendance.models import Attendance, Headcount, Participant
from training_portal.demo import seed_demo
from training_portal.events.models import Event, EventStatus, EventType, Session
from training_portal.extensions import db
from tests.factories import reference

from .helpers import open_workbook, row_named, sheet_rows

EXPECTED_EVENTS = {
    "Awareness raising event": 7,
    "Training": 4,
    "Workshop": 2,
    "Informant discussion": 7,
    "Online safety session": 4,
    "Guest speaking at a government-led event": 10,
}


def participants_by_sex_in_sql(guest_speaking: bool) -> dict[str, int]:
    """Distinct (event, participant) pairs plus headcount tallies, counted directly in SQL."""
    guest_type = reference(EventType, "guest_speaker").id
    chosen = (Event.event_type_id == guest_type) if guest_speaking else (Event.event_type_id != guest_type)
    in_2015 = [chosen, Event.status != EventStatus.CANCELLED, sa.extract("year", Event.starts_on) == 2015]
    pairs = (
        select(Session.event_id, Attendance.participant_id, Participant.sex)
        .join(Session, Attendance.session_id == Session.id)
        .join(Event, Session.event_id == Event.id)
        .join(Participant, Attendance.participant_id == Participant.id)
        .where(*in_2015)
        .distinct()
        .subquery()
    )
    result = {"female": 0, "male": 0, "other": 0}
    for sex, number in db.session.execute(select(pairs.c.sex, sa.func.count()).group_by(pairs.c.sex)):
        result[getattr(sex, "value", sex)] += number
    tallies = select(Headcount.sex, sa.func.sum(Headcount.count)).join(Event).where(*in_2015).group_by(Headcount.sex)
    for sex, number in db.session.execute(tallies):
        result[getattr(sex, "value", sex)] += int(number)
    return result


def test_the_demo_year_workbook_reproduces_the_annual_report(app, manager_client):
    seed_demo(app.instance_path)
    db.session.commit()

    response = manager_client.post_form("/reports/workbook?year=2015", {"language": "en"})
    workbook = open_workbook(response.data)
    summary = sheet_rows(workbook, "Summary")
    for name, events in EXPECTED_EVENTS.items():
        assert row_named(summary, "Event type", name)["Events"] == events, name

    own_types = [name for name in EXPECTED_EVENTS if not name.startswith("Guest")]
    own_rows = [row_named(summary, "Event type", name) for name in own_types]
    guest = row_named(summary, "Event type", "Guest speaking at a government-led event")
    assert sum(row["Participants"] for row in own_rows) == 1066
    assert guest["Participants"] == 377

    own_split, guest_split = participants_by_sex_in_sql(False), participants_by_sex_in_sql(True)
    assert {sex: sum(row[sex.title()] for row in own_rows) for sex in own_split} == own_split
    assert {sex: guest[sex.title()] for sex in guest_split} == guest_split
    assert sum(own_split.values()) == 1066 and sum(guest_split.values()) == 377

    sentences = [row["Event type"] for row in summary if isinstance(row["Event type"], str)]
    assert ("In 2015, 1,066 participants attended 7 awareness raising events, 4 training activities, "
            "2 workshops, 7 informant discussions and 4 online safety sessions.") in sentences
    assert "Invited to be a guest speaker at 10 government-led events with 377 participants." in sentences

    events = sheet_rows(workbook, "Events")
    assert len(events) == 34
    assert sum(row["Participants"] for row in events) == 1066 + 377
