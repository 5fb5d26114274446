"""`flask --app wsgi backup PATH` while check-ins are being written, and the restore drill."""

import subprocess
import threading
import time
import uuid

import sqlalchemy as sa

from tests.security.servers import ROOT, drop_database, migrated_copy_url, server_environment
from tests.security.test_faults import Phone, checkin_form, served  # noqa: F401  (fixture)
from training_portal.backup import integrity_report, restore_database

FLASK = ROOT / ".venv" / "bin" / "flask"


def run_backup(url: str, instance, path) -> subprocess.CompletedProcess:
    return subprocess.run([str(FLASK), "--app", "wsgi", "backup", str(path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=server_environment(url, instance))


def restore_target(served_url: str, tmp_path) -> str:
    return migrated_copy_url(served_url, tmp_path, f"restored{uuid.uuid4().hex[:6]}") if not served_url.startswith(
        "sqlite") else f"sqlite:///{tmp_path / f'restored-{uuid.uuid4().hex[:6]}.db'}"


def live_counts(url: str) -> dict:
    return integrity_report(url)[1]


def test_a_backup_taken_during_check_ins_restores_to_a_consistent_database(served, tmp_path):
    url = served["url"]
    stop = threading.Event()
    written = []

    with served["start"](workers=2) as (base, _master):
        def phones_keep_checking_in():
            number = 0
            while not stop.is_set() and number < 400:
                phone = Phone(base)
                status, _page, _ = phone.post(f"/c/{served['code']}", checkin_form(phone, served, f"Guest {number}"))
                written.append(status)
                number += 1

        writers = [threading.Thread(target=phones_keep_checking_in) for _ in range(3)]
        for writer in writers:
            writer.start()
        while len(written) < 15:
            time.sleep(0.05)
        backups = []
        for round_number in range(3):  # several backups, each in the middle of the writing
            path = tmp_path / f"backup-{round_number}.{'db' if url.startswith('sqlite') else 'dump'}"
            result = run_backup(url, tmp_path, path)
            assert result.returncode == 0, result.stderr
            assert "Backup written to" in result.stdout
            backups.append(path)
        stop.set()
        for writer in writers:
            writer.join(timeout=60)
        assert written and set(written) == {200}

        final = tmp_path / "backup-final"
        assert run_backup(url, tmp_path, final).returncode == 0

    for path in backups:
        target = restore_target(url, tmp_path)
        try:
            restore_database(path, target)
            ok, counts = integrity_report(target)
            assert ok, path
            # Each check-in writes its participant and attendance in one transaction: a consistent copy
            # never has one without the other.
            assert counts["attendances"] == counts["participants"] - served["participants_before"] > 0
            assert counts["users"] == 1 and counts["provinces"] == 25
        finally:
            drop_database(target)

    target = restore_target(url, tmp_path)
    try:
        restore_database(final, target)
        ok, counts = integrity_report(target)
        assert ok and counts == live_counts(url)  # after the writing stopped: the same rows, table by table
        assert counts["attendances"] == len(written)
    finally:
        drop_database(target)


def test_backup_refuses_a_folder_and_says_why(served, tmp_path):
    result = run_backup(served["url"], tmp_path, tmp_path)
    assert result.returncode != 0 and "folder" in result.stderr + result.stdout
