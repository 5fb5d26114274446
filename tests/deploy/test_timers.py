"""The nightly timers' services run their commands as written in deploy/systemd, with the
environment of deploy/training-portal.env, on the stack's database."""

import subprocess

import pytest

from training_portal.backup import PG_RESTORE
from training_portal.extensions import db
from training_portal.settings import RETENTION_MONTHS, set_setting

from .stack import ROOT, SECRET_KEY, environment_file_values

pytestmark = pytest.mark.stack
UNITS = ROOT / "deploy" / "systemd"


def exec_start(unit: str) -> str:
    """The unit's ExecStart command line, unescaped as systemd does ($$ and %%), with this checkout's path."""
    lines = (UNITS / unit).read_text().splitlines()
    command = next(line.removeprefix("ExecStart=") for line in lines if line.startswith("ExecStart="))
    return command.replace("$$", "$").replace("%%", "%").replace("/srv/training-portal", str(ROOT))


def run_unit(unit: str, stack, **settings) -> subprocess.CompletedProcess:
    env = {**environment_file_values(), "SECRET_KEY": SECRET_KEY, "DATABASE_URL": stack.database_url,
           "PATH": "/usr/bin:/bin", **settings}
    return subprocess.run(exec_start(unit), shell=True, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_the_nightly_backup_writes_a_dump_that_pg_restore_reads(stack, tmp_path):
    done = run_unit("training-portal-backup.service", stack, BACKUP_DIR=str(tmp_path))
    assert done.returncode == 0, done.stderr
    [dump] = tmp_path.glob("portal-*.dump")
    listing = subprocess.run([PG_RESTORE, "--list", str(dump)], capture_output=True, text=True, check=True).stdout
    assert "TABLE DATA public attendance" in listing and "TABLE DATA public participant" in listing


def test_the_retention_job_anonymises_with_the_admins_period_and_says_when_none_is_set(stack, portal):
    set_setting(RETENTION_MONTHS, 0)
    db.session.commit()
    unset = run_unit("training-portal-retention.service", stack)
    assert unset.returncode != 0 and "No retention period is set" in unset.stderr

    set_setting(RETENTION_MONTHS, 36)
    db.session.commit()
    try:
        done = run_unit("training-portal-retention.service", stack)
        assert done.returncode == 0, done.stderr
        assert "not seen for more than 36 months" in done.stdout
    finally:
        set_setting(RETENTION_MONTHS, 0)
        db.session.commit()
