"""A room of far phones: every phone 400 ms round trip away at 400 kbit/s, against `make run`'s server.

    .venv/bin/python -m bench.far_phones [--only sqlite|postgresql] [--servers 2x1,1x8] [--phones 200]

Each phone reaches gunicorn through bench.far_link (a delaying, pacing proxy on 127.0.0.1). Two
scenarios, each in a room (one session, one event) of its own: (a) ``--phones`` new phones check in
(GET /c/<code>, then POST the form, as the page does) starting at random moments within the same
``--window`` seconds; (b) as many checked-in phones each submit the 15-answer pre-test (GET, then
POST). Before each crowd, one phone alone does the same flow ``--lone`` times on the same link; its
median is the lone phone's time. Target: the crowd's 95th percentile at most 1.5 times that. Every
flow must complete without error, and the database must hold exactly one row per flow. Each flow is
given at most FLOW_TIMEOUT seconds. Writes its section of bench/RESULTS.md (without --servers).
"""

import argparse
import asyncio
import dataclasses
import os
import random
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from . import data, flows, results, server
from .far_link import FarLink
from .load import Client

PHONES = 200
WINDOW = 10.0
LONE = 5
ROUND_TRIP = 0.4
BITS_PER_SECOND = 400_000
FLOW_TIMEOUT = 120.0
TARGET_RATIO = 1.5


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


@dataclasses.dataclass
class Scenario:
    flow: str  # "checkin" or "quiz"
    server: str
    database: str
    lone_s: list[float]
    times_s: list[float]
    errors: list[str]
    succeeded: list[int]
    rows: int = 0
    rows_ok: bool = False

    @property
    def lone(self) -> float:
        return statistics.median(self.lone_s)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.times_s)
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))] if ordered else float("nan")

    @property
    def ratio(self) -> float:
        return self.percentile(0.95) / self.lone

    @property
    def passed(self) -> bool:
        return not self.errors and self.rows_ok and self.ratio <= TARGET_RATIO


async def one_phone(port: int, flow, number: int, tls=None) -> float:
    """One new phone doing ``flow`` through its own connection (HTTPS with ``tls``); its time in seconds."""
    client = Client(port, tls=tls)
    began = time.perf_counter()
    try:
        if await asyncio.wait_for(flow(client, number), FLOW_TIMEOUT) is False:
            raise RuntimeError("refused")
        return time.perf_counter() - began
    finally:
        await client.close()


async def crowd(server_port: int, flow, lone_numbers: list[int], crowd_numbers: list[int], window: float, seed: int,
                tls=None):
    """The lone phone's times, then the crowd's: (lone times, crowd times, errors, succeeded numbers)."""
    errors, succeeded = [], []
    async with FarLink(server_port, ROUND_TRIP, BITS_PER_SECOND) as link:
        lone = []
        for number in lone_numbers:
            try:
                lone.append(await one_phone(link.port, flow, number, tls))
                succeeded.append(number)
            except Exception as error:  # every failure is counted, never hidden
                errors.append(f"lone: {type(error).__name__}: {error}")
        arrivals = random.Random(seed)
        starts = sorted(arrivals.uniform(0, window) for _ in crowd_numbers)

        async def phone(number: int, start: float):
            await asyncio.sleep(start)
            try:
                seconds = await one_phone(link.port, flow, number, tls)
            except Exception as error:
                errors.append(f"{type(error).__name__}: {error}")
                return None
            succeeded.append(number)
            return seconds

        times = await asyncio.gather(*(phone(n, s) for n, s in zip(crowd_numbers, starts)))
    return lone, [t for t in times if t is not None], errors, succeeded


def checkin_rows(app, session_id: int, numbers: list[int]) -> tuple[int, bool]:
    """The check-ins written in this session: exactly one attendance for each phone that succeeded."""
    from training_portal.attendance.models import Attendance, Participant
    from training_portal.extensions import db

    names = [f"Load participant {number}" for number in numbers]
    with app.app_context():
        rows = db.session.scalar(sa.select(sa.func.count()).select_from(Attendance).where(
            Attendance.session_id == session_id, ~Attendance.idempotency_key.like("quiz-%")))
        people = db.session.scalar(sa.select(sa.func.count(sa.distinct(Attendance.participant_id)))
                                   .join(Participant).where(Attendance.session_id == session_id,
                                                            Participant.name.in_(names)))
        db.session.remove()
    return rows, rows == people == len(numbers)


def quiz_rows(app, event_id: int, count: int) -> tuple[int, bool]:
    """The pre-test attempts of this event: one per submission, each with 15 answers."""
    from training_portal.extensions import db
    from training_portal.quizzes.models import Answer, Phase, QuizAttempt

    with app.app_context():
        attempts = db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt).where(
            QuizAttempt.event_id == event_id, QuizAttempt.phase == Phase.PRE))
        answers = db.session.scalar(sa.select(sa.func.count()).select_from(Answer).join(QuizAttempt).where(
            QuizAttempt.event_id == event_id))
        db.session.remove()
    return attempts, attempts == count and answers == data.QUIZ_QUESTIONS * count


def measure(app, url: str, kind: str, fd: data.FlowData, servers: list[tuple[int, int]], phones: int,
            window: float, lone: int, log_path=None) -> list[Scenario]:
    """Both scenarios under each server, each server in rooms of its own (a session and an event)."""
    scenarios = []
    for index, (workers, threads) in enumerate(servers):
        room = 4 * index  # the check-in room; the quiz room is two events on (both Khmer: bench.data)
        checkin_data = dataclasses.replace(fd, codes=[fd.codes[room]])
        numbers = list(range(index * 10_000, index * 10_000 + lone + phones))
        quiz_event = fd.event_ids[room + 2]
        quiz_numbers = [n for n, (event_id, _card) in enumerate(fd.quiz_people) if event_id == quiz_event]
        quiz_numbers = quiz_numbers[:lone + phones]
        if len(quiz_numbers) < lone + phones:
            raise ValueError(f"only {len(quiz_numbers)} participants for the quiz room")
        with server.gunicorn(url, workers, threads, log_path) as port:
            for flow_name, flow, flow_numbers in (("checkin", flows.self_checkin(checkin_data), numbers),
                                                  ("quiz", flows.quiz_submission(fd), quiz_numbers)):
                began = time.perf_counter()
                lone_s, times, errors, succeeded = asyncio.run(
                    crowd(port, flow, flow_numbers[:lone], flow_numbers[lone:], window, seed=index))
                scenario = Scenario(flow_name, server.label(workers, threads), kind, lone_s, times, errors, succeeded)
                if flow_name == "checkin":
                    scenario.rows, scenario.rows_ok = checkin_rows(app, fd.session_ids[room], succeeded)
                else:
                    scenario.rows, scenario.rows_ok = quiz_rows(app, quiz_event, len(succeeded))
                log(f"{kind}, {scenario.server}: {describe(scenario)} ({time.perf_counter() - began:.0f} s)")
                scenarios.append(scenario)
    return scenarios


def describe(s: Scenario) -> str:
    return (f"{s.flow}: {len(s.times_s)} crowd flows completed, errors {len(s.errors)}, rows {s.rows} (exactly one each: {'yes' if s.rows_ok else 'NO'}); "
            f"lone phone {s.lone:.2f} s; crowd p50 {s.percentile(0.5):.2f} s, p95 {s.percentile(0.95):.2f} s; "
            f"p95/lone {s.ratio:.2f} (target <= {TARGET_RATIO}): {'pass' if s.passed else 'MISS'}"
            + (f"; first errors: {s.errors[:3]}" if s.errors else ""))


def render(scenarios: list[Scenario], args, seconds: float) -> str:
    lines = ["### A room of far phones (bench/far_phones.py)", "",
             f"Each phone {ROUND_TRIP * 1000:.0f} ms round trip away at {BITS_PER_SECOND // 1000} kbit/s per "
             f"connection and direction (bench/far_link.py); {args.phones} phones start each flow at random moments "
             f"within the same {args.window:.0f} s; the lone phone's time is the median of {args.lone} flows alone on "
             f"the same link, just before the crowd. Run took {seconds / 60:.1f} minutes; load average "
             f"{args.load_before:.1f} when it began and {os.getloadavg()[0]:.1f} when it ended (2 cores shared with "
             "other work: the crowd and its lone phone share the same conditions, the ratio is what counts).", "",
             "| database | server | flow | completed | errors | rows (one each) | lone s | p50 s | p95 s | "
             "p95/lone | target |", "|---|---|---|---:|---:|---|---:|---:|---:|---:|---|"]
    for s in scenarios:
        lines.append(f"| {s.database} | {s.server} | {s.flow} | {len(s.times_s)} | {len(s.errors)} | "
                     f"{s.rows} ({'yes' if s.rows_ok else '**no**'}) | {s.lone:.2f} | {s.percentile(0.5):.2f} | "
                     f"{s.percentile(0.95):.2f} | {s.ratio:.2f} | {results.mark(s.passed)} (<= {TARGET_RATIO}) |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--servers", type=server.parse_servers,
                        help="workers x threads to compare, e.g. 2x1,1x8 (default: make run's)")
    parser.add_argument("--phones", type=int, default=PHONES)
    parser.add_argument("--window", type=float, default=WINDOW)
    parser.add_argument("--lone", type=int, default=LONE)
    args = parser.parse_args()

    from training_portal import create_app

    began = time.perf_counter()
    args.load_before = os.getloadavg()[0]
    servers = args.servers or [server.make_run_server()]
    kinds = [args.only] if args.only else ["sqlite", "postgresql"]
    if "postgresql" in kinds and not server.postgres_version():
        log(f"PostgreSQL at {server.POSTGRES_ADMIN_URL} does not answer: SQLite only")
        kinds.remove("postgresql")
    folder = Path(tempfile.mkdtemp(prefix="far-phones-"))
    scenarios = []
    for kind in kinds:
        database = server.Database(kind, folder)
        database.create()
        try:
            app = create_app({"DATABASE_URL": database.url})
            with app.app_context():
                data.create_schema()
                fd = data.prepare_flows(scan_people=0, quiz_people=data.FLOW_EVENTS * (args.lone + args.phones))
                from training_portal.extensions import db
                db.session.remove()
            scenarios += measure(app, database.url, kind, fd, servers, args.phones, args.window, args.lone,
                                 folder / "gunicorn.log")
            with app.app_context():
                from training_portal.extensions import db
                db.engine.dispose()
        finally:
            database.drop()
    text = render(scenarios, args, time.perf_counter() - began)
    print(text)
    if args.servers is None:
        results.write_section("far phones", text)
        log("written to bench/RESULTS.md")


if __name__ == "__main__":
    main()
