"""Rate limits that fail open: a cache outage lets requests through, with a warning in the log,
instead of turning every request into a 500 (the cache is Redis, which may be down while Postgres
serves). The counters live in the `throttle` cache alias, which raises, so the outage is seen here;
the default alias ignores its errors (settings: IGNORE_EXCEPTIONS)."""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache import caches
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError
from rest_framework import throttling

logger = logging.getLogger(__name__)

# One warning per interval per process, with how many requests went unthrottled since the last one.
WARNING_INTERVAL_SECONDS = 30.0

_lock = threading.Lock()
_last_warning = 0.0
_unthrottled = 0


def _warn_open(error: Exception) -> None:
    global _last_warning, _unthrottled
    with _lock:
        _unthrottled += 1
        now = time.monotonic()
        if now - _last_warning < WARNING_INTERVAL_SECONDS:
            return
        count, _unthrottled, _last_warning = _unthrottled, 0, now
    logger.warning("rate limits are open: the throttle cache failed (%s: %s); %d request(s) let through",
                   type(error).__name__, error, count)  # fmt: skip


class FailOpen:
    """Mixin for DRF's SimpleRateThrottle family: counters in caches["throttle"], open on errors."""

    def __init__(self) -> None:
        self.cache = caches["throttle"]  # looked up per request: the alias follows settings changes
        super().__init__()

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)  # type: ignore[misc]
        except (ConnectionInterrupted, RedisError, OSError) as error:
            _warn_open(error)
            return True


class AnonRateThrottle(FailOpen, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(FailOpen, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(FailOpen, throttling.ScopedRateThrottle):
    pass
