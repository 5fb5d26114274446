"""`make run`'s server counts the login limit exactly without Redis: its default is one process (threads
serve the requests), so the rate-limit counters kept in memory are the only ones (ASVS V2.4)."""

import re
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar

from tests.conftest import TEST_PASSWORD, settings_for
from tests.security.servers import ROOT, drop_database, gunicorn, migrated_copy_url, server_environment
from training_portal import create_app
from training_portal.auth.models import Role
from training_portal.auth.services import create_user
from training_portal.extensions import db, limiter

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_run_server() -> tuple[int, int]:
    """The Makefile's default WORKERS and THREADS, which `make run` starts gunicorn with."""
    makefile = (ROOT / "Makefile").read_text()
    return tuple(int(re.search(rf"^{name} \?= (\d+)$", makefile, re.MULTILINE).group(1))
                 for name in ("WORKERS", "THREADS"))


def open_page(opener, request) -> int:
    try:
        with opener.open(request, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_make_run_refuses_the_eleventh_login_attempt_in_a_minute_from_one_address(app, database_url, tmp_path):
    url = migrated_copy_url(database_url, tmp_path, f"run{uuid.uuid4().hex[:6]}")
    setup = create_app(settings_for(url))
    with setup.app_context():
        db.create_all()
        create_user("trainer@example.org", "Trainer", Role.TRAINER, TEST_PASSWORD)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    limiter.init_app(app)
    workers, threads = make_run_server()
    # The app's own limits and storage (10 per minute, counters in memory), with `make run`'s workers
    # and threads (gunicorn reads GUNICORN_CMD_ARGS besides its command line).
    env = server_environment(url, tmp_path, GUNICORN_CMD_ARGS=f"--threads {threads}")
    try:
        with gunicorn(env, workers=workers) as (base, _master):
            attempts = []
            for number in range(11):  # new browsers guessing different accounts, all from 127.0.0.1
                opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
                with opener.open(base + "/login", timeout=60) as page:
                    token = CSRF.search(page.read().decode()).group(1)
                form = {"csrf_token": token, "email": f"guess{number}@example.org", "password": "a wrong password"}
                attempts.append((opener, urllib.request.Request(
                    base + "/login", data=urllib.parse.urlencode(form).encode(), method="POST")))
            statuses = [0] * len(attempts)
            barrier = threading.Barrier(len(attempts))

            def attempt(index):
                barrier.wait()  # all at once, so that every worker there is would take some
                statuses[index] = open_page(*attempts[index])

            runners = [threading.Thread(target=attempt, args=(index,)) for index in range(len(attempts))]
            for runner in runners:
                runner.start()
            for runner in runners:
                runner.join(timeout=90)
            assert sorted(statuses) == [200] * 10 + [429]

            # Still refused afterwards, for a right password too: the address has had its ten.
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
            with opener.open(base + "/login", timeout=60) as page:
                token = CSRF.search(page.read().decode()).group(1)
            form = {"csrf_token": token, "email": "trainer@example.org", "password": TEST_PASSWORD}
            assert open_page(opener, urllib.request.Request(
                base + "/login", data=urllib.parse.urlencode(form).encode(), method="POST")) == 429
    finally:
        drop_database(url)
