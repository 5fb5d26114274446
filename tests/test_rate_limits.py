"""The default rate-limit storage (local://): counts like limits' memory storage, without a thread per hit."""

import threading
import time

from training_portal.rate_limits import LocalStorage


def test_counting_starts_no_threads(monkeypatch):
    storage = LocalStorage("local://")
    started = []
    start = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda thread: (started.append(thread), start(thread))[1])
    for number in range(60):  # hits spread over about 0.1 s, as requests come (limits' memory storage: ~10 threads)
        storage.incr(f"device:{number}", 60)
        storage.incr("code:ABC234", 60)
        time.sleep(0.002)
    assert started == []
    assert storage.get("code:ABC234") == 60 and storage.get("device:7") == 1


def test_a_counter_past_its_window_reads_zero_and_is_swept_when_a_sweep_is_due():
    storage = LocalStorage("local://")
    storage.incr("device:old", 0.05)
    storage.incr("device:other", 0.05)
    time.sleep(0.1)
    assert storage.get("device:old") == 0  # read after its window: zero, and forgotten
    assert "device:other" in storage.storage  # not read, not yet swept
    storage._next_sweep = 0  # the sweep is due: the next hit walks the counters
    assert storage.incr("device:new", 60) == 1
    assert "device:other" not in storage.storage and storage.get("device:new") == 1


def test_the_app_limits_with_the_local_storage(app):
    from training_portal.extensions import limiter

    assert isinstance(limiter.storage, LocalStorage)
