"""The environment a bench's Django runs in: its own data under .local/<name> and a secret key,
set before Django is imported. Plain stdlib, so a bench can call it first."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A load test from one address must not be throttled (issue 16 runs with these raised).
RAISED_THROTTLES = {"THROTTLE_USER": "100000/min", "THROTTLE_ANON": "100000/min", "THROTTLE_AUTH": "100000/min"}


def use_bench_data(name: str, *, vectors: bool = True, raise_throttles: bool = False, **extra: str) -> Path:
    """Point this process's Django at .local/<name> (and its Qdrant shard there unless `vectors`
    is False); `extra` are further settings. Returns the data directory."""
    data = ROOT / ".local" / name
    os.environ.update(
        DJANGO_SETTINGS_MODULE="backend.config.settings",
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-secret-key"),
        LOCAL_DATA_DIR=str(data),
        **({"QDRANT_PATH": str(data / "qdrant")} if vectors else {}),
        **(RAISED_THROTTLES if raise_throttles else {}),
        **extra,
    )
    return data
