"""Every setting read from the environment, validated in one place.

A missing or malformed value stops the process with one line naming the variable
(`ConfigError`), before any driver sees it. `.env.example` lists the same names.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any, overload
from urllib.parse import unquote, urlsplit

import environ

BASE_DIR = Path(__file__).resolve().parents[2]

# Every variable the platform reads; the compose check and .env.example test rely on this list.
VARIABLES = (
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CORS_ALLOWED_ORIGINS",
    "LOCAL_DATA_DIR",
    "DATABASE_URL",
    "NEO4J_URI",
    "NEO4J_USER",
    "NEO4J_PASSWORD",
    "NEO4J_DATABASE",
    "NEO4J_QUERY_TIMEOUT",
    "QDRANT_URL",
    "QDRANT_API_KEY",
    "QDRANT_PATH",
    "QDRANT_COLLECTION",
    "QDRANT_HNSW_M",
    "QDRANT_HNSW_EF_CONSTRUCT",
    "QDRANT_SEARCH_EF",
    "QDRANT_QUANTIZATION",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "EMBEDDING_MODEL",
    "EMBEDDING_DEVICE",
    "THROTTLE_ANON",
    "THROTTLE_USER",
    "THROTTLE_AUTH",
    "MAX_REQUEST_BODY_BYTES",
    "RANKING_MIN_VOTES",
    "RECOMMENDER_TRAIN_INTERVAL_SECONDS",
    "RECOMMENDATIONS_CACHE_SECONDS",
    "RESPONSE_CACHE_SECONDS",
    "SYNC_MAX_ATTEMPTS",
    "SYNC_SWEEP_AFTER_SECONDS",
    "SYNC_SWEEP_INTERVAL_SECONDS",
    "EXPORT_LINK_MAX_AGE_SECONDS",
    "IMPORT_MAX_UPLOAD_BYTES",
    "LOG_LEVEL",
    # Embedded launcher only (make run): ports of the API and of the embedded graph engine.
    "HTTP_PORT",
    "BOLT_PORT",
    "GRAPH_HTTP_PORT",
)

# The service URLs whose absence selects an embedded engine (see embedded/).
SERVICE_URLS = ("DATABASE_URL", "NEO4J_URI", "QDRANT_URL", "CELERY_BROKER_URL", "REDIS_URL")

_THROTTLE_RATE = re.compile(r"^\d+/(s|sec|m|min|h|hour|d|day)$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable."""


environ.Env.read_env(BASE_DIR / ".env")


@overload
def text(name: str, default: str) -> str: ...
@overload
def text(name: str, default: None = None) -> str | None: ...
def text(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def required(name: str) -> str:
    value = text(name)
    if value is None:
        raise ConfigError(f"{name} is not set")
    return value


def boolean(name: str, default: bool) -> bool:
    value = text(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ConfigError(f"{name}={value!r} is not a boolean (use true or false)")


def integer(name: str, default: int, minimum: int = 0) -> int:
    value = text(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a whole number") from None
    if number < minimum:
        raise ConfigError(f"{name}={number} is below its minimum {minimum}")
    return number


def decimal(name: str, default: float, minimum: float = 0.0) -> float:
    value = text(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a number") from None
    if not math.isfinite(number):
        raise ConfigError(f"{name}={value!r} is not a finite number")
    if number < minimum:
        raise ConfigError(f"{name}={number} is below its minimum {minimum}")
    return number


def choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = text(name, default).upper()
    if value not in choices:
        raise ConfigError(f"{name}={value!r} must be one of: {', '.join(choices)}")
    return value


def optional_choice(name: str, choices: tuple[str, ...]) -> str | None:
    """One of `choices`, or None when unset or "none"."""
    value = text(name)
    if value is None or value.lower() == "none":
        return None
    if value.lower() not in choices:
        raise ConfigError(f"{name}={value!r} must be one of: none, {', '.join(choices)}")
    return value.lower()


def csv(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (text(name) or default).split(",") if item.strip()]


def url(name: str, schemes: tuple[str, ...]) -> str | None:
    """A URL whose scheme is one of `schemes` and that names a host or socket path."""
    value = text(name)
    if value is None:
        return None
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises ValueError on a port that is not a number in 0-65535
    except ValueError as error:
        # The value is not echoed: it may hold a password that _redacted cannot parse out.
        raise ConfigError(f"{name} is not a valid URL ({error})") from None
    if parts.scheme not in schemes:
        raise ConfigError(
            f"{name}={_redacted(value)!r} must start with one of: {', '.join(s + '://' for s in schemes)}"
        )
    if not (parts.netloc or parts.path or parts.query):
        raise ConfigError(f"{name}={_redacted(value)!r} names no host")
    return value


def throttle_rate(name: str, default: str) -> str:
    value = text(name, default)
    if not _THROTTLE_RATE.match(value):
        raise ConfigError(f"{name}={value!r} is not a DRF rate such as 20/min")
    return value


def database(name: str) -> dict[str, Any] | None:
    """Django DATABASES entry; a percent-encoded host (`%2Frun%2Fpostgresql`) names a socket dir."""
    value = url(name, ("postgres", "postgresql", "pgsql"))
    if value is None:
        return None
    config: dict[str, Any] = environ.Env.db_url_config(value)
    config["HOST"] = unquote(config.get("HOST") or "")
    return config


def _redacted(value: str) -> str:
    parts = urlsplit(value)
    if parts.password:
        return value.replace(parts.password, "***")
    return value
