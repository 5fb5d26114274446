"""Profile the participant flows in the process: SQL statements and time per flow, and a pyinstrument profile.

    .venv/bin/python -m bench.profile_flows [checkin|quiz|healthz] [--count 200] [--database URL] [--html out.html]

Creates the app on a temporary SQLite database (or the empty PostgreSQL database given),
prepares the load flows' data (bench/data.py) and runs the flow through app.test_client()
with the page's real CSRF token, a new phone each time, as bench/flows.py does over HTTP.
"""

import argparse
import re
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import event

from . import data
from .load import hidden_value

RADIO = re.compile(r'<input type="radio" name="(q\d+)" value="(\d+)"')


def checkin_flow(app, fd):
    def flow(number):
        client = app.test_client()
        code = fd.codes[number % len(fd.codes)]
        page = client.get(f"/c/{code}")
        assert page.status_code == 200, page.status_code
        text = page.get_data(as_text=True)
        done = client.post(f"/c/{code}", data={
            "csrf_token": hidden_value(text, "csrf_token"), "key": hidden_value(text, "key"), "kind": "new",
            "name": f"Load participant {number}", "sex": ("female", "male")[number % 2], "age_band": "25_34",
            "target_group_id": str(fd.target_group_id), "province_id": str(fd.province_id), "phone": "",
            "consent": "y"})
        assert done.status_code == 200, (done.status_code, done.get_data(as_text=True)[:2000])
    return flow


def quiz_flow(app, fd):
    def flow(number):
        client = app.test_client()
        event_id, card = fd.quiz_people[number]
        client.set_cookie("participant", card)
        page = client.get(f"/p/events/{event_id}/pre")
        assert page.status_code == 200, page.status_code
        text = page.get_data(as_text=True)
        answers = {}
        for name, value in RADIO.findall(text):
            answers.setdefault(name, value)
        assert len(answers) == data.QUIZ_QUESTIONS
        sent = client.post(f"/p/events/{event_id}/pre", data={
            "csrf_token": hidden_value(text, "csrf_token"), "idempotency_key": hidden_value(text, "idempotency_key"),
            "submit_incomplete": "", **answers})
        assert sent.status_code == 302, (sent.status_code, sent.get_data(as_text=True)[:2000])
    return flow


def healthz_flow(app, fd):
    def flow(number):
        client = app.test_client()
        answer = client.get("/healthz")
        assert answer.status_code == 200, answer.status_code
    return flow


FLOWS = {"checkin": checkin_flow, "quiz": quiz_flow, "healthz": healthz_flow}


def prepared_app(database: str | None, flows: int):
    """The app on the given empty database (default: a temporary SQLite file) with the load flows'
    data for ``flows`` flows and the warm-up: (app, flow data, engine)."""
    from training_portal import create_app
    from training_portal.extensions import db

    url = database or f"sqlite:///{Path(tempfile.mkdtemp(prefix='profile-')) / 'profile.db'}"
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        data.create_schema()
        fd = data.prepare_flows(scan_people=10, quiz_people=flows + data.FLOW_EVENTS + 60)
        db.session.remove()
        return app, fd, db.engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("flow", choices=sorted(FLOWS))
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--database", help="an empty database's URL (default: a temporary SQLite file)")
    parser.add_argument("--html", help="write pyinstrument's HTML profile here")
    parser.add_argument("--statements", action="store_true", help="print each SQL statement of one flow")
    args = parser.parse_args()

    app, fd, engine = prepared_app(args.database, 2 * args.count)
    flow = FLOWS[args.flow](app, fd)

    statements = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    warm_up = data.FLOW_EVENTS + 10  # templates compiled, each event's kept rows read once
    for number in range(warm_up):
        flow(number)
    statements.clear()
    flow(warm_up)
    per_flow = list(statements)
    print(f"{len(per_flow)} SQL statements per {args.flow} flow")
    if args.statements:
        for text in per_flow:
            print("  ", " ".join(text.split())[:200])
    else:
        for text, count in Counter(" ".join(t.split())[:90] for t in per_flow).most_common():
            print(f"  {count} x {text}")

    began = time.perf_counter()
    for number in range(warm_up + 1 + args.count, warm_up + 1 + 2 * args.count):
        flow(number)
    elapsed = time.perf_counter() - began
    print(f"{args.count} flows in {elapsed:.2f} s: {elapsed / args.count * 1000:.1f} ms per flow (not profiled)")

    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    began = time.perf_counter()
    profiler.start()
    for number in range(warm_up + 1, warm_up + 1 + args.count):
        flow(number)
    profiler.stop()
    elapsed = time.perf_counter() - began
    print(f"{args.count} flows in {elapsed:.2f} s: {elapsed / args.count * 1000:.1f} ms per flow (profiled)")
    if args.html:
        Path(args.html).write_text(profiler.output_html())
    print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
