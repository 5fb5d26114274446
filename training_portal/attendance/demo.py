"""Participants of the demo year 2015, as in the NGO's annual report.

"In 2015, 1,066 participants attended" the 24 own events (individual
attendance, counted per event as DESIGN.md defines it), and "10
government-led events with 377 participants" were counted as headcounts.
"""

import random
from datetime import timedelta

from ..events.models import Event, Province
from ..extensions import db
from . import summary
from .models import AgeBand, Attendance, CheckInMethod, Headcount, Participant, Sex

GUEST_SPEAKER = "guest_speaker"
# Participants per event, in the order of the demo events of each type.
OWN_EVENT_SIZES = {
    "awareness": [95, 120, 85, 110, 140, 70, 93],
    "training": [26, 28, 26, 30],
    "workshop": [32, 35],
    "informant": [9, 12, 8, 11, 7, 10, 9],
    "online_safety": [28, 22, 34, 26],
}
GUEST_SPEAKER_SIZES = [60, 25, 45, 30, 50, 28, 35, 40, 32, 32]
OWN_TOTAL = 1066
GUEST_TOTAL = 377

FEMALE_SHARE = {
    "taxi_driver": 0.04, "hotel_staff": 0.55, "cook": 0.6, "tour_guide": 0.3, "police": 0.15,
    "local_authority": 0.3, "student": 0.52, "university_student": 0.5, "villager": 0.56, "ngo_staff": 0.6,
}
ADULT_AGES = {AgeBand.AGE_18_24: 15, AgeBand.AGE_25_34: 35, AgeBand.AGE_35_49: 35, AgeBand.AGE_50_PLUS: 15}
AGES = {
    "student": {AgeBand.UNDER_15: 45, AgeBand.AGE_15_17: 50, AgeBand.AGE_18_24: 5},
    "university_student": {AgeBand.AGE_18_24: 90, AgeBand.AGE_25_34: 10},
    "villager": {AgeBand.UNDER_15: 5, AgeBand.AGE_15_17: 5, **ADULT_AGES},
}
METHODS = {
    "awareness": {CheckInMethod.SELF: 60, CheckInMethod.WALK_IN: 25, CheckInMethod.IMPORT: 15},
    "training": {CheckInMethod.SELF: 40, CheckInMethod.SCAN: 20, CheckInMethod.WALK_IN: 20, CheckInMethod.IMPORT: 20},
    "workshop": {CheckInMethod.SELF: 40, CheckInMethod.SCAN: 30, CheckInMethod.IMPORT: 30},
    "informant": {CheckInMethod.WALK_IN: 60, CheckInMethod.IMPORT: 40},
    "online_safety": {CheckInMethod.SELF: 85, CheckInMethod.WALK_IN: 15},
}
GIVEN_NAMES = {
    Sex.FEMALE: ["Sokha", "Chenda", "Sreymom", "Bopha", "Channary", "Dalin", "Kanha", "Leakena", "Malis", "Nary",
                 "Phalla", "Rachana", "Sophea", "Sreyneang", "Theary", "Vanna", "Pisey", "Raksmey", "Sokunthea"],
    Sex.MALE: ["Dara", "Sokhom", "Vuthy", "Rithy", "Samnang", "Bunthoeun", "Chanthou", "Kosal", "Makara", "Narith",
               "Pheakdey", "Piseth", "Rotha", "Sambath", "Sovann", "Veasna", "Visal", "Kimhong", "Sopheak"],
}
FAMILY_NAMES = ["Chan", "Sok", "Keo", "Kim", "Ly", "Meas", "Nhem", "Ouk", "Pen", "Prak", "Sam", "Seng", "Sun", "Tep",
                "Touch", "Vong", "Yim", "Heng", "Chea", "Hun", "Khun", "Lim", "Mao", "Nget"]
PHONE_PREFIXES = ["012", "015", "016", "017", "077", "078", "092", "096", "097", "098", "010", "011", "069", "070",
                  "081", "086", "087", "088", "089", "031", "060", "066", "067", "068", "090"]
RETURNING_SHARE = 0.08


class DemoPeople:
    """Makes participants, and remembers them so that some come back to a later event."""

    def __init__(self, rng: random.Random, provinces: list[Province]):
        self.rng = rng
        self.provinces = provinces
        self.everyone: list[Participant] = []
        self.phones: set[str] = set()

    def weighted(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def new(self, event: Event) -> Participant:
        rng = self.rng
        group = rng.choice(event.target_groups)
        other = rng.random() < 0.01
        female = rng.random() < FEMALE_SHARE.get(group.code, 0.5)
        sex = Sex.OTHER if other else Sex.FEMALE if female else Sex.MALE
        anonymous = event.event_type.code == "awareness" and rng.random() < 0.6
        name = "" if anonymous else f"{rng.choice(GIVEN_NAMES[Sex.MALE if sex == Sex.MALE else Sex.FEMALE])} {rng.choice(FAMILY_NAMES)}"
        province = event.province if rng.random() < 0.85 else rng.choice(self.provinces)
        participant = Participant(
            name=name, sex=sex, age_band=self.weighted(AGES.get(group.code, ADULT_AGES)), target_group=group,
            phone=self.phone() if not anonymous and rng.random() < 0.45 else None, province=province,
        )
        self.everyone.append(participant)
        return participant

    def phone(self) -> str:
        while True:
            number = self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**6):06d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def returning(self, event: Event, taken: set[int]) -> Participant | None:
        """Someone from an earlier event, of one of this event's target groups."""
        group_ids = {group.id for group in event.target_groups}
        candidates = [p for p in self.everyone if id(p) not in taken and p.target_group.id in group_ids]
        return self.rng.choice(candidates) if candidates else None


def seed_attendance(events: list[Event], rng: random.Random) -> None:
    """Participants and attendance for the demo events; headcounts for the guest-speaker events."""
    own = [event for event in events if event.event_type.code != GUEST_SPEAKER]
    guest = [event for event in events if event.event_type.code == GUEST_SPEAKER]
    provinces = list(db.session.scalars(db.select(Province).order_by(Province.sort_order)))
    people = DemoPeople(rng, provinces)
    sizes = {code: iter(numbers) for code, numbers in OWN_EVENT_SIZES.items()}
    for event in sorted(own, key=lambda e: e.starts_on):
        attend_event(event, next(sizes[event.event_type.code]), people, rng)
    for event, size in zip(sorted(guest, key=lambda e: e.starts_on), GUEST_SPEAKER_SIZES, strict=True):
        add_headcounts(event, size, rng)
    db.session.flush()
    summary.add_events([event.id for event in own])


def attend_event(event: Event, size: int, people: DemoPeople, rng: random.Random) -> None:
    taken: set[int] = set()
    attendees = []
    for _ in range(size):
        participant = people.returning(event, taken) if rng.random() < RETURNING_SHARE else None
        participant = participant or people.new(event)
        taken.add(id(participant))
        attendees.append(participant)
    methods = METHODS[event.event_type.code]
    trainer = event.trainers[0] if event.trainers else None
    sessions = event.sessions
    for participant in attendees:
        if len(sessions) == 1:
            attended = sessions
        else:
            choice = rng.random()
            attended = sessions if choice < 0.65 else sessions[:1] if choice < 0.85 else sessions[1:]
        for session in attended:
            method = people.weighted(methods)
            db.session.add(Attendance(
                participant=participant, session=session, method=method,
                recorded_by=None if method == CheckInMethod.SELF else trainer,
                checked_in_at=session.starts_at + timedelta(minutes=rng.randint(-25, 50)),
                idempotency_key=f"demo-{rng.getrandbits(128):032x}",
            ))


def add_headcounts(event: Event, size: int, rng: random.Random) -> None:
    """Split ``size`` over the event's target groups and two sexes."""
    cells = [(group, sex) for group in event.target_groups for sex in (Sex.FEMALE, Sex.MALE)]
    weights = [rng.uniform(0.5, 1.5) * (FEMALE_SHARE.get(group.code, 0.5) if sex == Sex.FEMALE
                                         else 1 - FEMALE_SHARE.get(group.code, 0.5)) for group, sex in cells]
    counts = [int(size * weight / sum(weights)) for weight in weights]
    counts[weights.index(max(weights))] += size - sum(counts)
    trainer = event.trainers[0] if event.trainers else None
    for (group, sex), count in zip(cells, counts, strict=True):
        if count:
            db.session.add(Headcount(event=event, target_group=group, sex=sex, count=count,
                                     recorded_by_id=trainer.id if trainer else None))
