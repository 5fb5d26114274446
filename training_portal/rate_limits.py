"""Rate-limit counters in the worker's memory (``local://``), the default storage.

limits' own ``memory://`` storage starts a timer thread on almost every hit, and the
thread walks every counter 10 ms later to drop the expired ones. Every phone at a venue
has its own counters, so under a check-in rush each worker started a thread per request
and walked thousands of counters a hundred times a second: more CPU than the rest of the
rate limiting. Here the walk runs at most every SWEEP_SECONDS, in the request that finds
it due. Nothing else changes: a counter past its window is already ignored when read,
so the walk only bounds the memory.

Several servers, or workers that must share their counters, use Redis instead
(RATELIMIT_STORAGE_URI, see README).
"""

import threading
import time

from limits.storage import MemoryStorage

SWEEP_SECONDS = 10.0


class LocalStorage(MemoryStorage):
    STORAGE_SCHEME = ["local"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions, **options)
        self._next_sweep = time.monotonic() + SWEEP_SECONDS
        self._sweeping = threading.Lock()

    # Replaces the parent's private scheduler (name-mangled), which MemoryStorage calls on every hit.
    def _MemoryStorage__schedule_expiry(self) -> None:
        if time.monotonic() < self._next_sweep or not self._sweeping.acquire(blocking=False):
            return
        try:
            self._next_sweep = time.monotonic() + SWEEP_SECONDS
            self._MemoryStorage__expire_events()
        finally:
            self._sweeping.release()
