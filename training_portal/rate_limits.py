"""Rate limits: counters in the worker's memory (``local://``, the default storage), and the
participants' limits counted in one step (``limited_by``, below).

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

import functools
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, request
from limits import parse_many
from limits.storage import MemoryStorage
from werkzeug.exceptions import TooManyRequests

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


# The participants' pages (check-in, quiz) are limited per check-in code or event and per device.
# Their limits are counted here in one step, in the storage and with the strategy Flask-Limiter
# was configured with (so RATELIMIT_ENABLED and a Redis storage apply to them as to the staff
# limits). Flask-Limiter's own decorators cost a participant's request about as much as a /healthz
# answer; these are the pages a whole room opens in the same minute.


@dataclass(frozen=True)
class ParticipantLimit:
    """A limit read from the setting ``setting`` (``default`` when unset), counted per ``key()``."""

    name: str  # names the counters in the storage
    setting: str
    default: str
    key: Callable[[], str]
    methods: frozenset[str] | None = None  # None: every method
    exempt_when: Callable[[], bool] | None = None


def limited_by(*limits: ParticipantLimit):
    """A view decorator: the request counts against each of ``limits``; past one, it gets a 429 page
    with Retry-After."""

    def decorate(view):
        @functools.wraps(view)
        def limited(*args, **kwargs):
            count_request(limits)
            return view(*args, **kwargs)

        return limited

    return decorate


def count_request(limits: tuple[ParticipantLimit, ...]) -> None:
    from .extensions import limiter

    if not limiter.enabled:
        return
    strategy = limiter.limiter
    for limit in limits:
        if limit.methods is not None and request.method not in limit.methods:
            continue
        if limit.exempt_when is not None and limit.exempt_when():
            continue
        identifiers = ("participant", limit.name, limit.key())
        for item in parsed_limits(current_app.config.get(limit.setting, limit.default)):
            if not strategy.hit(item, *identifiers):
                reset_at = strategy.get_window_stats(item, *identifiers).reset_time
                raise TooManyRequests(retry_after=max(1, math.ceil(reset_at - time.time())))


@functools.lru_cache(maxsize=64)
def parsed_limits(text: str) -> tuple:
    return tuple(parse_many(text))
