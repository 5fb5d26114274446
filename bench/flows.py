"""The measured HTTP flows: /healthz, self check-in, staff scan, quiz submission."""

import json
import re
import secrets

from .data import ADMIN_EMAIL, ADMIN_PASSWORD, FlowData
from .load import Client, HTTPError, hidden_value

RADIO = re.compile(r'<input(?=[^>]*type="radio")(?=[^>]*name="(q\d+)")(?=[^>]*value="(\d+)")[^>]*>')


def healthz():
    async def flow(client: Client, _number: int):
        reply = await client.request("GET", "/healthz")
        return reply.status == 200 and b'"ok"' in reply.body
    return flow


def self_checkin(data: FlowData):
    """A new phone opens /c/<code> and sends the form: two requests, one new participant and attendance."""
    async def flow(client: Client, number: int):
        client.cookies.clear()  # a different phone each time
        code = data.codes[number % len(data.codes)]
        page = await client.request("GET", f"/c/{code}")
        if page.status != 200:
            raise HTTPError(f"GET {page.status}")
        form = {
            "csrf_token": hidden_value(page.text, "csrf_token"), "key": hidden_value(page.text, "key"),
            "kind": "new", "name": f"Load participant {number}", "sex": ("female", "male")[number % 2],
            "age_band": "25_34", "target_group_id": str(data.target_group_id),
            "province_id": str(data.province_id), "phone": "", "consent": "y",
        }
        done = await client.request("POST", f"/c/{code}", form)
        if done.status != 200 or "participant" not in client.cookies:
            raise HTTPError(f"POST {done.status}")
        return True
    return flow


async def login(port: int) -> dict:
    """Log the bench admin in once; the scan clients share the session cookie (one trainer, many scanners)."""
    client = Client(port)
    page = await client.request("GET", "/login")
    reply = await client.request("POST", "/login", {
        "csrf_token": hidden_value(page.text, "csrf_token"), "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    await client.close()
    if reply.status != 302:
        raise HTTPError(f"login answered {reply.status}")
    return dict(client.cookies)


def staff_scan(data: FlowData, cookies: dict):
    """The scanner page's script posts each card it reads: one request, one attendance."""
    tokens = {}

    async def setup(client: Client):
        client.cookies.update(cookies)
        page = await client.request("GET", f"/sessions/{data.session_ids[0]}/scanner")
        if page.status != 200:
            raise HTTPError(f"scanner page {page.status}")
        tokens[id(client)] = hidden_value(page.text, "csrf_token")

    async def flow(client: Client, number: int):
        session_id = data.session_ids[number % len(data.session_ids)]
        reply = await client.request("POST", f"/sessions/{session_id}/scan", {
            "csrf_token": tokens[id(client)], "key": secrets.token_urlsafe(18), "card": data.scan_cards[number],
        }, headers={"Accept": "application/json"})
        if reply.status != 200 or json.loads(reply.body)["status"] != "checked_in":
            raise HTTPError(f"scan {reply.status} {reply.body[:80]!r}")
        return True
    return flow, setup


def quiz_submission(data: FlowData):
    """A checked-in phone opens the pre-test and sends 15 answers: two requests, one attempt and 15 answers."""
    async def flow(client: Client, number: int):
        event_id, card = data.quiz_people[number]
        client.cookies.clear()
        client.cookies["participant"] = card
        page = await client.request("GET", f"/p/events/{event_id}/pre")
        if page.status != 200:
            raise HTTPError(f"GET {page.status}")
        answers = {}
        for name, value in RADIO.findall(page.text):
            answers.setdefault(name, value)
        if len(answers) != 15:
            raise HTTPError(f"{len(answers)} questions on the page")
        form = {"csrf_token": hidden_value(page.text, "csrf_token"),
                "idempotency_key": hidden_value(page.text, "idempotency_key"), "submit_incomplete": "", **answers}
        sent = await client.request("POST", f"/p/events/{event_id}/pre", form)
        if sent.status != 302:
            raise HTTPError(f"POST {sent.status}")
        return True
    return flow
