"""The CACHES setting: Redis when REDIS_URL is set, else process-local memory.

Redis down must not take the API down: short socket timeouts; the `default` alias ignores (and
logs) its errors, the `throttle` alias raises so the fail-open throttles can warn
(backend/core/throttling.py). https://github.com/jazzband/django-redis#configure-as-cache-backend
"""

from __future__ import annotations

from typing import Any

REDIS_SOCKET_TIMEOUT_SECONDS = 0.5


def cache_settings(redis_url: str | None) -> dict[str, dict[str, Any]]:
    if not redis_url:
        return {
            alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}
            for alias in ("default", "throttle")
        }
    options = {"SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT_SECONDS, "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT_SECONDS}
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_url,
            "OPTIONS": {**options, "IGNORE_EXCEPTIONS": True},
        },
        "throttle": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "throttle",
            "OPTIONS": options,
        },
    }
