"""Rate limits that fail open: a cache outage lets requests through, with a warning in the log,
instead of turning every request into a 500 (the cache is Redis, which may be down while Postgres
serves). The counters live in the `throttle` cache alias, which raises, so the outage is seen here;
the default alias ignores its errors (settings: IGNORE_EXCEPTIONS).

Each limit is a fixed-window counter: one integer per client, one INCR per request; the window
opens at the client's first request and closes when the counter expires.
DRF's SimpleRateThrottle keeps the list of a client's request times in the cache and reads and
writes all of it on every request, so its cost grows with the allowed rate (at 100000/min, a list
of up to 100000 floats pickled per request: bench/bench_throughput.py measures both). A fixed
window lets a client send up to twice the rate across a window boundary, which is what a limit
against abuse can afford."""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache import caches
from django_redis.cache import RedisCache
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


class FailOpen(throttling.SimpleRateThrottle):
    """Base of the throttles below, before DRF's own: a fixed-window counter in
    caches["throttle"] instead of the list of request times, open on cache errors."""

    num_requests: int | None  # set by DRF's __init__ (or the scoped allow_request) from the rate
    duration: int | None

    def __init__(self) -> None:
        self.cache = caches["throttle"]  # looked up per request: the alias follows settings changes
        self.retry_after: float | None = None
        super().__init__()

    def allow_request(self, request, view):
        if self.rate is None or self.num_requests is None or self.duration is None:
            return True
        client_key = self.get_cache_key(request, view)
        if client_key is None:
            return True
        # Not DRF's own key, which may still hold a list of request times after an upgrade.
        key = f"{client_key}:window"
        try:
            if self._count(key, self.duration) <= self.num_requests:
                return True
            ttl = getattr(self.cache, "ttl", None)  # django-redis has it; locmem does not
            remaining = ttl(key) if ttl is not None else None
            self.retry_after = float(remaining or self.duration)
        except (ConnectionInterrupted, RedisError, OSError) as error:
            _warn_open(error)
            return True
        return False

    def _count(self, key: str, duration: int) -> int:
        """This request's number in the client's window, which opens at its first request and
        lasts `duration` (the counter's expiry). On Redis one round trip: SET NX EX opens the window
        if none is open, INCR counts (EXPIRE NX would need Redis 7)."""
        if isinstance(self.cache, RedisCache):
            pipeline = self.cache.client.get_client(write=True).pipeline(transaction=False)
            full_key = self.cache.client.make_key(key)
            pipeline.set(full_key, 0, ex=duration, nx=True)
            pipeline.incr(full_key)
            return pipeline.execute()[1]
        try:
            return self.cache.incr(key)
        except ValueError:  # no open window: this request opens one
            if self.cache.add(key, 1, timeout=duration):
                return 1
            return self.cache.incr(key)

    def wait(self) -> float | None:
        return self.retry_after


class AnonRateThrottle(FailOpen, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(FailOpen, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(FailOpen, throttling.ScopedRateThrottle):
    def allow_request(self, request, view):
        # DRF's scoped throttle reads its rate from the view here, then counts (FailOpen).
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
