"""Small builders for test data, going through the same services as the app."""

from datetime import date, time

from sqlalchemy import select

from training_portal.events import services as event_services
from training_portal.events.models import Event, EventType, Province, TargetGroup
from training_portal.extensions import db


def reference(model, code: str):
    return db.session.scalar(select(model).where(model.code == code))


def make_event(
    creator,
    title: str = "Child protection training",
    type_code: str = "training",
    province_code: str = "phnom_penh",
    groups=("taxi_driver", "hotel_staff"),
    trainers=(),
    days=(date(2015, 3, 10),),
    start: time = time(8, 30),
    end: time = time(16, 30),
    language: str = "km",
) -> Event:
    """An event with one session per day, committed."""
    fields = {
        "title": title,
        "description": "",
        "event_type_id": reference(EventType, type_code).id,
        "province_id": reference(Province, province_code).id,
        "venue": "Community hall",
        "language": language,
        "target_group_ids": [reference(TargetGroup, code).id for code in groups],
        "trainer_ids": [trainer.id for trainer in trainers],
        "expected_participants": None,
    }
    sessions = [event_services.SessionTimes(day, start, end) for day in days]
    event = event_services.create_event(fields, sessions, creator)
    db.session.commit()
    return event
