"""The demo year 2015, as in the NGO's annual report.

Reproduces: 7 awareness raising events, 4 trainings, 2 workshops, 7 informant
discussions and 4 online safety sessions, plus 10 guest-speaker appearances at
government-led events.
"""

import random
import secrets
from datetime import date, time
from pathlib import Path

from sqlalchemy import func, select

from .attendance.demo import seed_attendance
from .auth.models import Role, User
from .auth.services import create_user, user_by_email
from .events import services as event_services
from .events.models import Event, EventStatus, EventType, Language, Province, TargetGroup
from .extensions import db
from .quizzes.demo import seed_quiz_results

DEMO_YEAR = 2015
DEMO_ADMIN_EMAIL = "admin@demo.training-portal.org"
DEMO_STAFF = [
    ("manager@demo.training-portal.org", "Sophea Chan", Role.MANAGER),
    ("dara@demo.training-portal.org", "Dara Sok", Role.TRAINER),
    ("channary@demo.training-portal.org", "Channary Keo", Role.TRAINER),
]

# (event type code, title, province code, venue, target group codes, session count, month, day)
DEMO_EVENTS = [
    ("awareness", "Child protection awareness day at Psar Thmei", "phnom_penh", "Central Market", ["villager", "taxi_driver"], 1, 1, 24),
    ("awareness", "Tuk-tuk drivers' awareness morning", "siem_reap", "Old Market taxi stand", ["taxi_driver"], 1, 3, 7),
    ("awareness", "Beach vendors and guesthouse awareness event", "preah_sihanouk", "Ochheuteal beach", ["hotel_staff", "villager"], 1, 4, 18),
    ("awareness", "Village awareness event in Kampong Speu", "kampong_speu", "Commune hall, Oudong", ["villager", "local_authority"], 1, 6, 13),
    ("awareness", "International Children's Day awareness fair", "phnom_penh", "Wat Botum park", ["student", "villager"], 1, 6, 1),
    ("awareness", "Riverside hospitality awareness evening", "kampot", "Riverside guesthouses", ["hotel_staff", "cook", "tour_guide"], 1, 9, 26),
    ("awareness", "School community awareness event", "battambang", "Battambang high school", ["student", "villager"], 1, 11, 20),
    ("training", "Child protection training for hotel staff and tour guides", "phnom_penh", "NGO training centre", ["hotel_staff", "tour_guide", "cook"], 2, 2, 10),
    ("training", "Recognising and reporting abuse: training for taxi drivers", "preah_sihanouk", "Provincial hall", ["taxi_driver", "villager", "ngo_staff"], 2, 5, 19),
    ("training", "Child-safe tourism training", "siem_reap", "Angkor hotel association", ["hotel_staff", "tour_guide", "university_student"], 2, 8, 11),
    ("training", "Child protection training for commune police", "kandal", "Kandal police headquarters", ["police", "local_authority"], 1, 10, 15),
    ("workshop", "Workshop on the referral pathway for local authorities", "phnom_penh", "Ministry of Social Affairs hall", ["local_authority", "police", "ngo_staff"], 2, 3, 24),
    ("workshop", "Provincial workshop on child-safe communities", "siem_reap", "Provincial department of tourism", ["local_authority", "ngo_staff", "hotel_staff"], 2, 9, 8),
    ("informant", "Informant discussion with tuk-tuk drivers, Riverside", "phnom_penh", "Sisowath Quay", ["taxi_driver"], 1, 1, 14),
    ("informant", "Informant discussion with guesthouse staff", "preah_sihanouk", "Serendipity road", ["hotel_staff"], 1, 2, 25),
    ("informant", "Informant discussion with moto-taxi drivers", "siem_reap", "Pub Street", ["taxi_driver"], 1, 4, 29),
    ("informant", "Informant discussion with village chiefs", "kampot", "Commune office, Teuk Chhou", ["local_authority", "villager"], 1, 7, 9),
    ("informant", "Informant discussion with restaurant cooks", "phnom_penh", "BKK1 restaurants", ["cook"], 1, 8, 20),
    ("informant", "Informant discussion with tour guides", "siem_reap", "Angkor ticket office", ["tour_guide"], 1, 10, 28),
    ("informant", "Informant discussion with market vendors", "battambang", "Psar Nat", ["villager"], 1, 12, 2),
    ("online_safety", "Online safety session for secondary students", "phnom_penh", "Sisowath high school", ["student"], 1, 2, 17),
    ("online_safety", "Online safety for university students", "phnom_penh", "Royal University of Phnom Penh", ["university_student"], 1, 5, 6),
    ("online_safety", "Safe internet use for young people", "preah_sihanouk", "Provincial youth centre", ["student", "university_student"], 1, 8, 4),
    ("online_safety", "Online safety session for parents and students", "siem_reap", "Siem Reap youth centre", ["student", "villager"], 1, 11, 11),
    ("guest_speaker", "Guest speaker: National Day against child trafficking", "phnom_penh", "Chaktomuk conference hall", ["local_authority", "police"], 1, 12, 12),
    ("guest_speaker", "Guest speaker: provincial committee on child protection", "preah_sihanouk", "Provincial hall", ["local_authority"], 1, 1, 29),
    ("guest_speaker", "Guest speaker: commune council forum", "kampong_cham", "Kampong Cham provincial hall", ["local_authority"], 1, 3, 12),
    ("guest_speaker", "Guest speaker: tourism police briefing", "siem_reap", "Tourism police office", ["police"], 1, 4, 9),
    ("guest_speaker", "Guest speaker: World Day against Child Labour", "phnom_penh", "Ministry of Labour", ["local_authority", "ngo_staff"], 1, 6, 12),
    ("guest_speaker", "Guest speaker: provincial women and children committee", "takeo", "Takeo provincial hall", ["local_authority"], 1, 7, 23),
    ("guest_speaker", "Guest speaker: district education forum", "prey_veng", "District education office", ["local_authority", "student"], 1, 8, 27),
    ("guest_speaker", "Guest speaker: safe migration campaign launch", "banteay_meanchey", "Poipet town hall", ["local_authority", "villager"], 1, 9, 17),
    ("guest_speaker", "Guest speaker: police academy child protection module", "kandal", "Police academy", ["police"], 1, 10, 22),
    ("guest_speaker", "Guest speaker: International Day of the Girl", "phnom_penh", "Ministry of Women's Affairs", ["local_authority", "student"], 1, 10, 11),
]


def database_is_empty() -> bool:
    """No events yet: the demo year may be loaded."""
    return db.session.scalar(select(func.count()).select_from(Event)) == 0


def credentials_path(instance_path: str) -> Path:
    return Path(instance_path) / "demo-credentials.txt"


def seed_staff(instance_path: str) -> None:
    """Demo accounts that do not exist yet, sharing one random password kept in the instance folder."""
    wanted = [(DEMO_ADMIN_EMAIL, "Demo Admin", Role.ADMIN), *DEMO_STAFF]
    missing = [account for account in wanted if user_by_email(account[0]) is None]
    if not missing:
        return
    password = secrets.token_urlsafe(12)
    for email, name, role in missing:
        create_user(email, name, role, password)
    path = credentials_path(instance_path)
    path.write_text("".join(f"{email}\t{password}\n" for email, _name, _role in missing))
    path.chmod(0o600)


def seed_events(rng: random.Random) -> list[Event]:
    """The 34 events of the demo year, completed, with their sessions."""
    by_code = {
        model: {entry.code: entry for entry in db.session.scalars(select(model))}
        for model in (EventType, Province, TargetGroup)
    }
    trainers = list(db.session.scalars(select(User).where(User.role == Role.TRAINER).order_by(User.id)))
    creator = db.session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id))
    events = []
    for type_code, title, province_code, venue, groups, session_count, month, day in DEMO_EVENTS:
        fields = {
            "title": title,
            "description": "",
            "event_type_id": by_code[EventType][type_code].id,
            "province_id": by_code[Province][province_code].id,
            "venue": venue,
            "language": Language.KHMER.value,
            "target_group_ids": [by_code[TargetGroup][code].id for code in groups],
            "trainer_ids": [rng.choice(trainers).id] if trainers else [],
            "expected_participants": None,
        }
        sessions = [
            event_services.SessionTimes(date(DEMO_YEAR, month, day + offset), time(8, 30), time(16, 30))
            for offset in range(session_count)
        ]
        event = event_services.create_event(fields, sessions, creator)
        event.status = EventStatus.COMPLETED
        events.append(event)
    db.session.flush()
    return events


def seed_demo(instance_path: str, rng_seed: int = 2015) -> bool:
    """Fill a database without events with the demo year; False when it has events already."""
    if not database_is_empty():
        return False
    event_services.load_reference_data()
    seed_staff(instance_path)
    db.session.flush()
    seed_events(random.Random(rng_seed))
    seed_attendance(list(db.session.scalars(select(Event).order_by(Event.id))), random.Random(rng_seed + 1))
    seed_quiz_results(list(db.session.scalars(select(Event).order_by(Event.id))), random.Random(rng_seed + 2))
    return True
