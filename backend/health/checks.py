"""Store checks for /api/health/: each store answered in parallel under a short timeout."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from kombu import Connection

import vectors
from graph import driver as graph_driver

CHECK_TIMEOUT_SECONDS = 2.0

# Checks run in their own threads so one hung store cannot hold the others past the timeout.
_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="health")


@dataclass(frozen=True)
class StoreStatus:
    name: str
    up: bool
    latency_ms: float | None
    error: str = ""


def _postgres() -> None:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connections.close_all()  # this thread's connection: do not leak one per check


def _graph() -> None:
    graph_driver.read(lambda tx: tx.run("RETURN 1 AS ok").single())


def _vectors() -> None:
    vectors.get_vector_store().ping()


def _broker() -> None:
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=CHECK_TIMEOUT_SECONDS) as connection:
        connection.ensure_connection(max_retries=1, timeout=int(CHECK_TIMEOUT_SECONDS))


CHECKS: dict[str, Callable[[], None]] = {
    "postgres": _postgres,
    "graph": _graph,
    "vectors": _vectors,
    "broker": _broker,
}


def _timed(check: Callable[[], None]) -> float:
    started = time.perf_counter()
    check()
    return (time.perf_counter() - started) * 1000


def check_stores() -> list[StoreStatus]:
    futures = {name: _pool.submit(_timed, check) for name, check in CHECKS.items()}
    deadline = time.monotonic() + CHECK_TIMEOUT_SECONDS
    statuses = []
    for name, future in futures.items():
        try:
            latency = future.result(timeout=max(0.0, deadline - time.monotonic()))
            statuses.append(StoreStatus(name, True, round(latency, 2)))
        except FutureTimeout:
            statuses.append(StoreStatus(name, False, None, f"no answer within {CHECK_TIMEOUT_SECONDS}s"))
        except Exception as error:  # noqa: BLE001 - any failure of a store means "down", with its reason
            statuses.append(StoreStatus(name, False, None, f"{type(error).__name__}: {error}"[:300]))
    return statuses
