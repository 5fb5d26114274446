"""Benchmark data: a fresh database with the schema, live sessions for the load flows,
and a bulk year of attendance for the dashboard and the exports.

Run inside the app's context (``with app.app_context(): prepare(...)``). The bulk
rows go in through the driver directly (executemany on SQLite, COPY on
PostgreSQL): a million ORM objects would take minutes and measure nothing.
"""

import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from training_portal.attendance import summary
from training_portal.attendance.models import Attendance, Participant, new_personal_code
from training_portal.auth.models import Role, User
from training_portal.auth.services import create_user
from training_portal.events.models import Event, EventStatus, EventType, Language, Province, Session, TargetGroup
from training_portal.events.models import event_target_groups, event_trainers, new_uid
from training_portal.events.services import load_reference_data
from training_portal.extensions import db
from training_portal.quizzes.models import Option, Question, Quiz, QuizAttempt

ADMIN_EMAIL = "bench-admin@example.org"
ADMIN_PASSWORD = "bench-" + secrets.token_urlsafe(18)
FLOW_EVENTS = 64  # many open sessions at once, as on a busy day across provinces
QUIZ_QUESTIONS = 15
SEXES = ("female", "male", "other")
AGE_BANDS = ("under_15", "15_17", "18_24", "25_34", "35_49", "50_plus")
ZONE = ZoneInfo("Asia/Phnom_Penh")


@dataclass
class FlowData:
    """What the load flows need: check-in codes, event ids, card codes and participants' cookies."""

    codes: list[str] = field(default_factory=list)
    session_ids: list[int] = field(default_factory=list)
    event_ids: list[int] = field(default_factory=list)
    target_group_id: int = 0
    province_id: int = 0
    scan_cards: list[str] = field(default_factory=list)
    quiz_people: list[tuple[int, str]] = field(default_factory=list)  # (event id, card code)


def create_schema() -> None:
    db.drop_all()
    db.create_all()


def sql_datetime(moment: datetime, sqlite: bool) -> str:
    """The text SQLAlchemy itself stores for a DateTime on SQLite; ISO for PostgreSQL's COPY."""
    if sqlite:
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f")
    return moment.isoformat(sep=" ")


def make_quiz(admin: User) -> Quiz:
    quiz = Quiz(title_en="Child protection basics", title_km="មូលដ្ឋានការពារកុមារ", created_by_id=admin.id)
    for number in range(QUIZ_QUESTIONS):
        question = Question(
            position=number, kind="single",
            text_en=f"Question {number + 1}: who should you call when a child is in danger?",
            text_km=f"សំណួរ {number + 1}៖ តើអ្នកគួរហៅនរណា នៅពេលកុមារម្នាក់ស្ថិតក្នុងគ្រោះថ្នាក់?",
            explanation_en="The child protection hotline answers day and night.",
            explanation_km="ខ្សែទូរស័ព្ទជំនួយការពារកុមារ ឆ្លើយតបទាំងយប់ទាំងថ្ងៃ។",
        )
        for position in range(4):
            question.options.append(Option(
                position=position, text_en=f"Answer {'ABCD'[position]}", text_km=f"ចម្លើយ {'កខគឃ'[position]}",
                is_correct=position == 0,
            ))
        quiz.questions.append(question)
    db.session.add(quiz)
    return quiz


def prepare_flows(scan_people: int, quiz_people: int) -> FlowData:
    """Reference lists, an admin, a 15-question quiz, open sessions, and participants for scan and quiz."""
    load_reference_data()
    admin = create_user(ADMIN_EMAIL, "Bench Admin", Role.ADMIN, ADMIN_PASSWORD)
    db.session.flush()
    quiz = make_quiz(admin)
    event_type = db.session.scalar(sa.select(EventType).order_by(EventType.sort_order))
    province = db.session.scalar(sa.select(Province).order_by(Province.sort_order))
    groups = list(db.session.scalars(sa.select(TargetGroup).order_by(TargetGroup.sort_order).limit(2)))
    db.session.flush()
    now = datetime.now(UTC).replace(tzinfo=None)
    data = FlowData(target_group_id=groups[0].id, province_id=province.id)
    for number in range(FLOW_EVENTS):
        event = Event(
            title=f"Training for hotel staff {number + 1}", event_type_id=event_type.id, province_id=province.id,
            venue="Community hall", language=Language.KHMER if number % 2 == 0 else Language.ENGLISH,
            status=EventStatus.PLANNED, starts_on=(now + timedelta(hours=7)).date(), created_by_id=admin.id,
            pre_quiz_id=quiz.id, post_quiz_id=quiz.id, pre_test_open=True, post_test_open=False,
        )
        event.target_groups.extend(groups)
        event.trainers.append(admin)
        session = Session(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=3),
                          checkin_code=f"B{number:05d}", checkin_open=True)
        event.sessions.append(session)
        db.session.add(event)
    db.session.flush()
    sessions = list(db.session.scalars(sa.select(Session).order_by(Session.id)))
    data.codes = [s.checkin_code for s in sessions]
    data.session_ids = [s.id for s in sessions]
    data.event_ids = [s.event_id for s in sessions]
    db.session.commit()

    people = []
    for number in range(scan_people + quiz_people):
        people.append({"name": f"Participant {number}", "sex": SEXES[number % 3], "age_band": AGE_BANDS[number % 6],
                       "target_group_id": groups[0].id, "province_id": province.id, "organisation": "",
                       "card_code": secrets.token_urlsafe(16), "created_at": now})
    db.session.execute(sa.insert(Participant), people)
    rows = db.session.execute(sa.select(Participant.id, Participant.card_code).order_by(Participant.id)).all()
    data.scan_cards = [card for _id, card in rows[:scan_people]]
    attendances = []
    for index, (person_id, card) in enumerate(rows[scan_people:]):
        slot = index % FLOW_EVENTS
        attendances.append({"participant_id": person_id, "session_id": data.session_ids[slot], "checked_in_at": now,
                            "method": "self", "idempotency_key": f"quiz-{person_id}"})
        data.quiz_people.append((data.event_ids[slot], card))
    db.session.execute(sa.insert(Attendance), attendances)
    summary.add_events(sorted(set(data.event_ids)))
    db.session.commit()
    return data


# --- The bulk year ----------------------------------------------------------------


@dataclass
class BulkYear:
    year: int
    attendances: int
    events: int


def bulk_year(year: int, attendances: int, seed: int) -> BulkYear:
    """A year of past events with ``attendances`` attendance rows, four per participant on average,
    2 sessions per event, some headcounts, and pre/post attempts for a fifth of the participants."""
    rng = random.Random(seed)
    engine = db.engine
    sqlite = engine.dialect.name == "sqlite"
    admin_id = db.session.scalar(sa.select(User.id).where(User.email == ADMIN_EMAIL))
    quiz_id = db.session.scalar(sa.select(Quiz.id))
    type_ids = list(db.session.scalars(sa.select(EventType.id)))
    province_ids = list(db.session.scalars(sa.select(Province.id)))
    group_ids = list(db.session.scalars(sa.select(TargetGroup.id)))
    event_count = max(attendances // 400, 4)
    people = attendances // 4

    first_event = (db.session.scalar(sa.select(sa.func.max(Event.id))) or 0) + 1
    first_session = (db.session.scalar(sa.select(sa.func.max(Session.id))) or 0) + 1
    first_person = (db.session.scalar(sa.select(sa.func.max(Participant.id))) or 0) + 1
    first_attendance = (db.session.scalar(sa.select(sa.func.max(Attendance.id))) or 0) + 1

    events, sessions, event_groups, trainers, headcounts = [], [], [], [], []
    for offset in range(event_count):
        event_id = first_event + offset
        day = date(year, 1, 1) + timedelta(days=rng.randrange(360))
        start = datetime(day.year, day.month, day.day, 2, 0)  # 09:00 in Phnom Penh
        events.append({"id": event_id, "title": f"Awareness session {year}-{offset + 1}", "description": "",
                       "event_type_id": rng.choice(type_ids), "province_id": rng.choice(province_ids),
                       "venue": "Pagoda hall", "language": rng.choice(("km", "en")),
                       "status": "cancelled" if offset % 50 == 49 else "completed", "cancel_reason": "",
                       "starts_on": day, "pre_quiz_id": quiz_id, "post_quiz_id": quiz_id, "pre_test_open": False,
                       "post_test_open": False, "created_by_id": admin_id, "created_at": start, "updated_at": start})
        for number in range(2):
            begins = start + timedelta(days=number)
            sessions.append({"id": first_session + 2 * offset + number, "event_id": event_id, "starts_at": begins,
                             "ends_at": begins + timedelta(hours=4), "checkin_code": f"Y{year % 100:02d}{2 * offset + number:06d}"[:10],
                             "checkin_open": False})
        event_groups.append({"event_id": event_id, "target_group_id": rng.choice(group_ids)})
        trainers.append({"event_id": event_id, "user_id": admin_id})
        if offset % 20 == 0:
            headcounts.append({"event_id": event_id, "target_group_id": event_groups[-1]["target_group_id"],
                               "sex": "female", "count": rng.randrange(20, 200), "recorded_by_id": admin_id,
                               "updated_at": start})
    db.session.execute(sa.insert(Event), events)
    db.session.execute(sa.insert(Session), sessions)
    db.session.execute(event_target_groups.insert(), event_groups)
    db.session.execute(event_trainers.insert(), trainers)
    from training_portal.attendance.models import Headcount

    db.session.execute(sa.insert(Headcount), headcounts)
    db.session.commit()

    session_count = len(sessions)
    created = sql_datetime(datetime(year, 1, 1), sqlite)
    person_rows = [
        (first_person + n, f"Person {year}-{n}", SEXES[rng.randrange(3)], AGE_BANDS[rng.randrange(6)],
         rng.choice(group_ids), None, "", rng.choice(province_ids), secrets.token_hex(12) + f"{n:08x}", created, None,
         new_personal_code(), new_uid())
        for n in range(people)
    ]
    # Each participant comes to one event (both sessions) and, for half of them, to another one.
    attendance_rows = []
    session_start = {s["id"]: sql_datetime(s["starts_at"], sqlite) for s in sessions}
    attempts = []
    number = first_attendance
    for n in range(people):
        person = first_person + n
        first = rng.randrange(event_count)
        second = (first + 1 + rng.randrange(event_count - 1)) % event_count
        for event_offset in (first, second):
            for part in range(2):
                session_id = first_session + 2 * event_offset + part
                method = "scan" if number % 3 == 0 else "self"
                attendance_rows.append((number, person, session_id, session_start[session_id], method,
                                        admin_id if method == "scan" else None, f"bulk-{number}"))
                number += 1
        if n % 5 == 0:
            pre = rng.randrange(20, 80)
            for phase, score in (("pre", pre), ("post", min(100, pre + rng.randrange(-10, 40)))):
                attempts.append((person, first_event + first, quiz_id, phase, score, score * 15 // 100, 15,
                                 created, False, None, f"bulk-{phase}-{person}"))
    attendance_rows = attendance_rows[:attendances]
    # The reports' summary of the same rows: each participant once per event (both sessions attended).
    people_by_id = {row[0]: row for row in person_rows}
    events_by_id = {event["id"]: event for event in events}
    pairs = {(first_event + (row[2] - first_session) // 2, row[1]) for row in attendance_rows}
    pair_rows = [(event_id, person, *people_by_id[person][2:5], events_by_id[event_id]["event_type_id"],
                  events_by_id[event_id]["province_id"], summary.month_key(events_by_id[event_id]["starts_on"]))
                 for event_id, person in sorted(pairs)]
    _bulk_insert(sqlite, "participants", ("id", "name", "sex", "age_band", "target_group_id", "phone", "organisation",
                                          "province_id", "card_code", "created_at", "anonymised_at", "personal_code",
                                          "uid"), person_rows)
    _bulk_insert(sqlite, "attendances", ("id", "participant_id", "session_id", "checked_in_at", "method",
                                         "recorded_by_id", "idempotency_key"), attendance_rows)
    _bulk_insert(sqlite, "event_participants", summary.PAIR_COLUMNS, pair_rows)
    _bulk_insert(sqlite, "quiz_attempts", ("participant_id", "event_id", "quiz_id", "phase", "score", "correct_count",
                                           "question_count", "submitted_at", "on_paper", "recorded_by_id",
                                           "idempotency_key"), attempts)
    if not sqlite:
        with engine.begin() as connection:
            for table in ("events", "event_sessions", "participants", "attendances", "quiz_attempts", "headcounts"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    analyze()
    return BulkYear(year, len(attendance_rows), event_count)


def _bulk_insert(sqlite: bool, table: str, columns: tuple, rows: list) -> None:
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if sqlite:
            cursor.execute("PRAGMA foreign_keys = OFF")  # the generated ids are consistent by construction
            cursor.execute("BEGIN")
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)
            cursor.execute("COMMIT")
            cursor.execute("PRAGMA foreign_keys = ON")
        else:
            cursor.execute("SET LOCAL session_replication_role = replica")  # no per-row foreign key triggers
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            raw.commit()
        cursor.close()
    finally:
        raw.close()


def analyze() -> None:
    """Planner statistics; on PostgreSQL also the visibility map that index-only scans need, which a
    COPY leaves unset and autovacuum sets soon after for a year of past data.

    On PostgreSQL only the tables that hold rows: a table analyzed while empty is planned as empty
    (foreign key checks included, as sequential scans) until autovacuum analyzes it again, and the
    flows fill the answer tables faster than that. A real database is analyzed by autovacuum once a
    table has rows."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in db.metadata.sorted_tables:
                if connection.execute(sa.select(sa.exists().select_from(table))).scalar():
                    connection.exec_driver_sql(f"VACUUM ANALYZE {table.name}")
        return
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


def attendance_rows_in(year: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Attendance).join(Session, Attendance.session_id == Session.id)
        .join(Event, Session.event_id == Event.id)
        .where(Event.starts_on >= date(year, 1, 1), Event.starts_on < date(year + 1, 1, 1))
    )


def attempts_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt))
