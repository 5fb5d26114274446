"""Rows each worker keeps in memory (training_portal/worker_cache.py): a change made in this worker
shows at once; a change made elsewhere (another worker, a shell) shows once the kept copy is
older than CACHE_SECONDS, and never later."""

import sqlalchemy as sa

from tests.attendance.helpers import open_event
from training_portal import worker_cache
from training_portal.events.models import TargetGroup, event_target_groups
from training_portal.extensions import db
from training_portal.i18n import set_khmer_digits


def later(monkeypatch, seconds: float) -> None:
    """Move the worker's clock on, as if ``seconds`` had passed."""
    now = worker_cache.time.monotonic()
    monkeypatch.setattr(worker_cache.time, "monotonic", lambda: now + seconds)


def group_named(code: str) -> TargetGroup:
    return db.session.scalar(sa.select(TargetGroup).where(TargetGroup.code == code))


def checkin_page(client, event) -> str:
    return client.get(f"/c/{event.sessions[0].checkin_code}").get_data(as_text=True)


def test_an_event_given_another_target_group_here_lists_it_at_once(client, trainer):
    event = open_event(trainer, groups=("taxi_driver",))
    police = group_named("police")
    assert police.name_en not in checkin_page(client.english(), event)  # the event's groups are now kept
    event.target_groups.append(police)
    db.session.commit()
    assert police.name_en in checkin_page(client, event)


def test_a_change_made_by_another_worker_shows_within_the_cache_time(client, trainer, monkeypatch):
    event = open_event(trainer, groups=("taxi_driver",))
    police = group_named("police")
    assert police.name_en not in checkin_page(client.english(), event)
    # Another process adds the group: this worker's ORM sees no change.
    db.session.execute(event_target_groups.insert().values(event_id=event.id, target_group_id=police.id))
    db.session.commit()
    assert police.name_en not in checkin_page(client, event)
    later(monkeypatch, worker_cache.CACHE_SECONDS + 1)
    assert police.name_en in checkin_page(client, event)


def test_the_khmer_digits_setting_shows_at_once_here_and_within_the_cache_time_elsewhere(
        app, client, trainer, monkeypatch):
    event = open_event(trainer, language="km")
    assert "២០១៥" not in checkin_page(client, event)  # 2015, the session's year, in ASCII digits
    set_khmer_digits(True)
    db.session.commit()
    assert "២០១៥" in checkin_page(client, event)
    db.session.execute(sa.text("UPDATE settings SET value = '0' WHERE key = 'khmer_digits'"))  # another worker
    db.session.commit()
    assert "២០១៥" in checkin_page(client, event)
    later(monkeypatch, worker_cache.CACHE_SECONDS + 1)
    assert "២០១៥" not in checkin_page(client, event)
