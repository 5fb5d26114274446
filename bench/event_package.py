"""A large field event moved with its package: export, then import into another database twice.

    python -m bench.event_package [PARTICIPANTS]      default: 1000 (SQLite files in a temporary folder)

The event has three sessions that every participant attended, and a pre-test and a post-test per
participant. Prints one JSON object a line: seconds to export, package size (JSON and gzip), seconds
of the first import (everything new) and of the second (everything already there).
"""

import json
import secrets
import sys
import tempfile
import time as clock
from datetime import date, time
from pathlib import Path


def app_on(path: Path):
    from training_portal import create_app
    from training_portal.events.services import load_reference_data
    from training_portal.extensions import db

    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": secrets.token_hex(32)})
    app.instance_path = str(path.parent)
    with app.app_context():
        db.create_all()
        load_reference_data()
        db.session.commit()
    return app


def fill(participants: int) -> None:
    """The field event, written through the models as the check-in and quiz services write them."""
    import sqlalchemy as sa

    from training_portal.attendance import summary
    from training_portal.attendance.models import AgeBand, Attendance, CheckInMethod, Participant, Sex
    from training_portal.auth.models import Role
    from training_portal.auth.services import create_user
    from training_portal.events import services as events
    from training_portal.events.models import EventType, Province, TargetGroup
    from training_portal.extensions import db
    from training_portal.quizzes.models import Phase, Quiz, QuizAttempt

    user = create_user("bench@example.org", "Bench", Role.MANAGER, secrets.token_hex(16))
    db.session.flush()
    code = lambda model, value: db.session.scalar(sa.select(model.id).where(model.code == value))  # noqa: E731
    group = code(TargetGroup, "villager")
    days = [events.SessionTimes(date(2015, 5, day), time(8), time(16)) for day in (4, 5, 6)]
    event = events.create_event({"title": "Village awareness", "description": "", "venue": "Pagoda",
                                 "event_type_id": code(EventType, "training"), "province_id": code(Province, "kampot"),
                                 "language": "km", "target_group_ids": [group], "trainer_ids": [],
                                 "expected_participants": None}, days, user)
    quiz = Quiz(title_en="Bench quiz")
    db.session.add(quiz)
    db.session.flush()
    for number in range(participants):
        person = Participant(name=f"Person {number}", sex=Sex.FEMALE if number % 2 else Sex.MALE,
                             age_band=AgeBand.AGE_25_34, target_group_id=group, phone=f"0{12000000 + number}")
        db.session.add(person)
        db.session.flush()
        for session in event.sessions:
            db.session.add(Attendance(participant_id=person.id, session_id=session.id, method=CheckInMethod.SELF,
                                      idempotency_key=secrets.token_hex(16)))
        for phase, score in ((Phase.PRE, 40.0), (Phase.POST, 80.0)):
            db.session.add(QuizAttempt(participant_id=person.id, event_id=event.id, quiz_id=quiz.id, phase=phase,
                                       score=score, correct_count=4 if phase == Phase.PRE else 8, question_count=10))
    db.session.flush()
    summary.add_events([event.id])
    db.session.commit()


def main(participants: int) -> None:
    from training_portal.extensions import db
    from training_portal.events.models import Event
    from training_portal.transfer.importing import import_package
    from training_portal.transfer.package import export_event, package_bytes, read_package

    folder = Path(tempfile.mkdtemp())
    laptop, central = app_on(folder / "laptop.db"), app_on(folder / "central.db")
    with laptop.app_context():
        fill(participants)
        event = db.session.scalar(db.select(Event))
        began = clock.perf_counter()
        content = package_bytes(event)
        exported = clock.perf_counter() - began
        plain = len(json.dumps(export_event(event)).encode())
    print(json.dumps({"participants": participants, "export_seconds": round(exported, 2),
                      "json_bytes": plain, "gzip_bytes": len(content)}))
    for round_number in (1, 2):
        with central.app_context():
            began = clock.perf_counter()
            result = import_package(read_package(content), None)
            db.session.commit()
            print(json.dumps({"import": round_number, "seconds": round(clock.perf_counter() - began, 2),
                              "created": sum(result.created.values()), "existing": sum(result.existing.values())}))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
