"""`make bench`: the app under gunicorn on SQLite and PostgreSQL, measured against its own /healthz.

    .venv/bin/python -m bench.run [--quick] [--only sqlite|postgresql] [--no-pages] [--servers 1x8,2x1]

Near clients (127.0.0.1), the dashboard, the exports and the participant pages, against the server
as `make run` starts it (or the ``--servers`` given, workers x threads). Prints a table and writes
its section of bench/RESULTS.md. The room of far phones is bench/far_phones.py. See docs/performance.md.
"""

import argparse
import asyncio
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from . import data, flows, load, pages, server
from .results import write_section
from .server import Database, postgres_version

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 16


FLOWS = ("checkin", "scan", "quiz")

TARGET_FLOW_RATIO = 0.06
TARGET_P99_MS = 150
TARGET_XLSX_RATIO = 20
TARGET_EXPORT_MB = 150
TARGET_FIRST_BYTE_S = 1.0
TARGET_DASHBOARD_S = 1.0
TARGET_PAGE_KB = 30
TARGET_PAGE_REQUESTS = 6
TARGET_PAINT_S = 3.0


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


# --- Load flows -------------------------------------------------------------------


def offset_flow(flow, offset):
    async def shifted(client, number):
        return await flow(client, number + offset)
    return shifted


ROUNDS = 3  # each flow measured in this many short runs, interleaved with /healthz


async def measure_server(port: int, fd: data.FlowData, seconds: float, offsets: dict,
                         only: tuple = FLOWS, rounds: int = ROUNDS) -> dict:
    """Each flow for ``seconds`` in all, in ``rounds`` runs: /healthz, then every flow once, then
    /healthz again, and so on. Other work on a shared machine drifts within a minute (/healthz moved
    by 30 % between the start and the end of one server's runs), so each flow run is compared with
    the /healthz runs either side of it; a flow's ratio is the median of its rounds' ratios.
    """
    share = seconds / rounds
    healthz = [await load.run_load("healthz", port, flows.healthz(), CLIENTS, share, 1, 10**8)]
    runs = {key: [] for key in FLOWS if key in only}
    cookies = await flows.login(port) if "scan" in runs else None
    for _ in range(rounds):
        for key in runs:
            runs[key].append(await run_flow(key, port, fd, share, offsets[key], cookies))
            offsets[key] += len(runs[key][-1].succeeded) + runs[key][-1].errors + 64
        healthz.append(await load.run_load("healthz", port, flows.healthz(), CLIENTS, share, 1, 10**8))
    results = {"healthz": merged("healthz", healthz)}
    for key, key_runs in runs.items():
        results[key] = merged(key, key_runs)
        results[key].extra["ratios"] = [run.rate / ((healthz[i].rate + healthz[i + 1].rate) / 2)
                                        for i, run in enumerate(key_runs)]
    results["healthz"].extra["rates"] = [run.rate for run in healthz]
    return results


async def run_flow(key: str, port: int, fd: data.FlowData, seconds: float, offset: int, cookies) -> load.Result:
    if key == "checkin":
        return await load.run_load("checkin", port, offset_flow(flows.self_checkin(fd), offset), CLIENTS, seconds, 1,
                                   10**8)
    if key == "scan":
        scan, setup = flows.staff_scan(fd, cookies)
        return await load.run_load("scan", port, offset_flow(scan, offset), CLIENTS, seconds, 1,
                                   len(fd.scan_cards) - offset, setup=setup)
    return await load.run_load("quiz", port, offset_flow(flows.quiz_submission(fd), offset), CLIENTS, seconds, 1,
                               len(fd.quiz_people) - offset)


def merged(name: str, runs: list) -> load.Result:
    """The runs of one flow as one result: all completed flows over all measured seconds, every latency."""
    result = load.Result(name)
    for run in runs:
        result.completed += run.completed
        result.errors += run.errors
        result.seconds += run.seconds
        result.latencies += run.latencies
        result.succeeded += run.succeeded
        result.error_samples += run.error_samples[:5 - len(result.error_samples)]
    return result


def ratio(result: load.Result) -> float:
    """A flow's completed flows per second against /healthz requests per second: the median of its rounds."""
    ratios = sorted(result.extra["ratios"])
    middle = len(ratios) // 2
    return ratios[middle] if len(ratios) % 2 else (ratios[middle - 1] + ratios[middle]) / 2


def verify_rows(app, fd: data.FlowData, succeeded: dict) -> dict:
    """Exactly one attendance (and one participant) per successful check-in, one attempt per submission."""
    from training_portal.attendance.models import Attendance, Participant
    from training_portal.extensions import db
    from training_portal.quizzes.models import Answer, Phase, QuizAttempt

    with app.app_context():
        in_flow = Attendance.session_id.in_(fd.session_ids)
        count = lambda query: db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))  # noqa: E731
        checkins = count(sa.select(Attendance.id).where(in_flow, Attendance.method == "self",
                                                        ~Attendance.idempotency_key.like("quiz-%")))
        people = count(sa.select(Participant.id).where(Participant.name.like("Load participant %")))
        scans = count(sa.select(Attendance.id).where(in_flow, Attendance.method == "scan"))
        attempts = count(sa.select(QuizAttempt.id).where(QuizAttempt.event_id.in_(fd.event_ids),
                                                         QuizAttempt.phase == Phase.PRE))
        answers = count(sa.select(Answer.id).join(QuizAttempt).where(QuizAttempt.event_id.in_(fd.event_ids)))
    return {
        "checkin": (checkins, people, succeeded["checkin"], checkins == people == succeeded["checkin"]),
        "scan": (scans, scans, succeeded["scan"], scans == succeeded["scan"]),
        "quiz": (attempts, answers // 15, succeeded["quiz"], attempts == succeeded["quiz"] and answers == 15 * attempts),
    }


# --- Dashboard and exports ----------------------------------------------------------


def dashboard_seconds(app, year: int) -> dict:
    """The yearly dashboard's queries (build_report) in the process: first run and best of three."""
    from flask_babel import force_locale

    from training_portal.extensions import db
    from training_portal.reports import tables as report_tables
    from training_portal.reports.period import Period, ReportFilters

    timings = []
    with app.app_context(), app.test_request_context(), force_locale("en"):
        for _ in range(3):
            began = time.perf_counter()
            report = report_tables.build_report(ReportFilters(Period(year)))
            timings.append(time.perf_counter() - began)
            db.session.rollback()
            if timings[-1] > 5:  # far off the target: once is enough, and keeps the run short
                break
    return {"first": timings[0], "best": min(timings), "participants": report.totals.participants}


async def http_timing(port: int, cookies: dict, method: str, path: str, form=None) -> dict:
    """Time to the first byte and to the last byte of one request."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = "&".join(f"{k}={v}" for k, v in (form or {}).items()).encode()
    head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Accept-Encoding: gzip", "Connection: close",
            "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items())]
    if form is not None:
        head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    began = time.perf_counter()
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
    first = await reader.read(1)
    first_byte = time.perf_counter() - began
    size = len(first)
    status = b""
    rest = await reader.read(65536)
    status = (first + rest)[:12]
    size += len(rest)
    while chunk := await reader.read(1 << 20):
        size += len(chunk)
    writer.close()
    return {"first_byte": first_byte, "total": time.perf_counter() - began, "bytes": size,
            "status": int(status.split()[1]) if len(status.split()) > 1 else 0}


async def staff_downloads(port: int, year_small: int, year_large: int) -> dict:
    cookies = await flows.login(port)
    client = load.Client(port)
    client.cookies.update(cookies)
    page = await client.request("GET", f"/reports?year={year_large}")
    token = load.hidden_value(page.text, "csrf_token")
    await client.close()
    cookies = dict(client.cookies)
    results = {"dashboard_http": await http_timing(port, cookies, "GET", f"/reports?year={year_large}")}
    for year, file_format in ((year_small, "xlsx"), (year_small, "csv"), (year_large, "csv")):
        # The large year's xlsx is written whole before its first byte (like the memory probe's export),
        # so it is timed there rather than a second time here.
        results[f"{file_format}_{year}"] = await http_timing(
            port, cookies, "POST", f"/reports/attendance.{file_format}?year={year}",
            {"csrf_token": token, "language": "en"})
    return results


def export_probe(url: str, mode: str, year: int) -> dict:
    output = subprocess.run([sys.executable, "-m", "bench.export_probe", url, mode, str(year)], cwd=ROOT,
                            capture_output=True, text=True, timeout=900)
    if output.returncode != 0:
        return {"error": output.stderr[-800:]}
    return json.loads(output.stdout.strip().splitlines()[-1])


# --- The run ------------------------------------------------------------------------


def run_database(kind: str, folder: Path, args) -> dict:
    from training_portal import create_app
    from training_portal.extensions import db

    database = Database(kind, folder)
    database.create()
    figures = {"kind": kind}
    try:
        app = create_app({"DATABASE_URL": database.url})
        with app.app_context():
            began = time.perf_counter()
            data.create_schema()
            fd = data.prepare_flows(scan_people=40_000, quiz_people=40_000)
            small = data.bulk_year(2023, 10_000 if args.quick else 100_000, seed=1)
            large = data.bulk_year(2024, 100_000 if args.quick else 1_000_000, seed=2)
            figures["prepare_s"] = time.perf_counter() - began
            figures["rows"] = {"small": small.attendances, "large": large.attendances}
            db.session.remove()
        log(f"{kind}: data ready in {figures['prepare_s']:.0f} s")
        offsets = {"checkin": 0, "scan": 0, "quiz": 0}
        succeeded = {"checkin": 0, "scan": 0, "quiz": 0}
        figures["load"] = {}
        for workers, threads in args.servers:
            label = server.label(workers, threads)
            with server.gunicorn(database.url, workers, threads, folder / f"gunicorn-{kind}.log") as port:
                results = asyncio.run(measure_server(port, fd, args.seconds, offsets, args.flows or FLOWS))
            for key in succeeded:
                if key in results:
                    succeeded[key] += len(results[key].succeeded)
            figures["load"][label] = results
            log(f"{kind} {label}: healthz " + "/".join(f"{rate:.0f}" for rate in results["healthz"].extra["rates"])
                + "/s; " + "; ".join(
                f"{k} {r.rate:.1f}/s ratio {ratio(r):.3f} (rounds " + "/".join(f"{x:.3f}" for x in r.extra["ratios"])
                + f") p99 {r.percentile(0.99):.0f} ms errors {r.errors}"
                for k, r in results.items() if k != "healthz"))
        figures["verify"] = verify_rows(app, fd, succeeded)
        log(f"{kind}: rows {figures['verify']}")
        if args.flows:  # load flows only: no dashboard, downloads, exports or pages
            return figures

        figures["dashboard"] = dashboard_seconds(app, 2024)
        log(f"{kind}: dashboard {figures['dashboard']}")
        with server.gunicorn(database.url, *server.make_run_server(), folder / f"gunicorn-{kind}.log") as port:
            figures["downloads"] = asyncio.run(staff_downloads(port, 2023, 2024))
            log(f"{kind}: downloads {figures['downloads']}")
            if kind == "sqlite" and not args.no_pages:
                figures["pages"] = participant_pages(app, fd, port)
        figures["export_speed"] = export_probe(database.url, "speed", 2023)
        log(f"{kind}: export speed {figures['export_speed']}")
        figures["export_memory"] = export_probe(database.url, "memory", 2024)
        log(f"{kind}: export memory {figures['export_memory']}")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        database.drop()
    return figures


def participant_pages(app, fd: data.FlowData, port: int) -> list:
    from training_portal.events.models import Event
    from training_portal.extensions import db

    results = []
    for index, language in ((0, "km"), (1, "en")):
        with app.app_context():
            event = db.session.get(Event, fd.event_ids[index])
            assert event.language.value == language
            event.post_test_open = True
            db.session.commit()
        results += pages.measure(f"http://127.0.0.1:{port}", fd.codes[index], fd.event_ids[index], language,
                                  fd.target_group_id)
        log(f"pages {language}: " + ", ".join(f"{p.page} {p.bytes}B {p.requests}req {p.paint_ms}ms" for p in results[-5:]))
    return results


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": memory / 2**20, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "postgresql": postgres_version(),
            "load": os.getloadavg()[0], "os": platform.platform()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the data, for trying the runner")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--no-pages", action="store_true")
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds of each load run")
    parser.add_argument("--servers", type=server.parse_servers, default=[server.make_run_server()],
                        help="workers x threads for the load runs, e.g. 1x8,2x1 (default: make run's)")
    parser.add_argument("--flows", type=lambda text: tuple(text.split(",")),
                        help="only these load flows (comma-separated: checkin,scan,quiz) against /healthz; "
                             "skips the dashboard, exports and pages and does not write bench/RESULTS.md")
    args = parser.parse_args()
    if args.flows and not set(args.flows) <= set(FLOWS):
        parser.error(f"--flows takes {','.join(FLOWS)}")
    os.chdir(ROOT)
    began = time.perf_counter()
    about = machine()
    kinds = [args.only] if args.only else ["sqlite", "postgresql"]
    if "postgresql" in kinds and not about["postgresql"]:
        log(f"PostgreSQL at {server.POSTGRES_ADMIN_URL} does not answer: SQLite only")
        kinds.remove("postgresql")
    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        figures = [run_database(kind, folder, args) for kind in kinds]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if args.flows:
        log("--flows: bench/RESULTS.md left as it was")
        return
    from .report import render

    text = render(about, figures, time.perf_counter() - began, args)
    print(text)
    write_section("near clients, dashboard, exports and pages", text)
    log("written to bench/RESULTS.md")


if __name__ == "__main__":
    main()
