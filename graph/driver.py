"""The one neo4j driver of this process, and the transaction helpers every graph function uses.

The driver is created lazily on first use, never at import, and is recreated in
a forked child (the neo4j driver does not survive `fork`: neo4j-python-driver
issue 236). Celery workers call `close_driver()` in `worker_process_init`.
Driver exceptions are translated here, and only here, into `GraphUnavailable`
or `GraphRejected`.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import neo4j
from neo4j import GraphDatabase, ManagedTransaction, unit_of_work
from neo4j.exceptions import (
    ClientError,
    DatabaseError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graph.errors import GraphRejected, GraphUnavailable
from graph.settings import GraphSettings

T = TypeVar("T")
Work = Callable[..., T]

# Server-side timeouts arrive as ClientError codes but mean "too slow now", not "bad request".
_TIMEOUT_CODES = frozenset(
    {
        "Neo.ClientError.Transaction.TransactionTimedOut",
        "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
        "Neo.TransientError.Transaction.LockClientStopped",
    }
)

# Two writers MERGE-ing the same new key at once: one commits, the other's unique index refuses it.
# Run again, its MERGE matches the committed node: a race to retry, not a rejected request. A key
# still refused after the retries is a real violation (a CREATE of an existing key): rejected.
_CONSTRAINT_RACE_CODE = "Neo.ClientError.Schema.ConstraintValidationFailed"
CONSTRAINT_RACE_ATTEMPTS = 3
_CONSTRAINT_RACE_BACKOFF_SECONDS = 0.02


def _is_constraint_race(exc: ClientError) -> bool:
    return exc.code == _CONSTRAINT_RACE_CODE and "duplicated key" in (exc.message or "").lower()


_lock = threading.Lock()
_settings: GraphSettings | None = None
_driver: neo4j.Driver | None = None
_driver_pid: int | None = None


def configure(settings: GraphSettings | None) -> None:
    """Set (or, with None, clear) the settings; closes any driver built from the previous ones."""
    global _settings
    close_driver()
    with _lock:
        _settings = settings


def get_settings() -> GraphSettings:
    """The configured settings; raises GraphUnavailable when the store is not configured."""
    settings = _settings
    if settings is None:
        raise GraphUnavailable("graph store is not configured")
    return settings


def get_driver() -> neo4j.Driver:
    """The process-wide driver, created on first call (and again after fork or close_driver())."""
    global _driver, _driver_pid
    settings = get_settings()
    with _lock:
        if _driver is not None and _driver_pid != os.getpid():
            # Inherited across fork: its sockets belong to the parent, so drop it unclosed.
            _driver = None
        if _driver is None:
            _driver = GraphDatabase.driver(
                settings.uri,
                auth=(settings.user, settings.password),
                connection_timeout=settings.connection_timeout_seconds,
                connection_acquisition_timeout=settings.connection_timeout_seconds + settings.query_timeout_seconds,
                max_connection_pool_size=settings.max_connection_pool_size,
                max_transaction_retry_time=settings.max_transaction_retry_seconds,
                liveness_check_timeout=30.0,
            )
            _driver_pid = os.getpid()
        return _driver


def close_driver() -> None:
    """Close this process's driver if any; the next get_driver() builds a fresh one."""
    global _driver, _driver_pid
    with _lock:
        driver, pid = _driver, _driver_pid
        _driver, _driver_pid = None, None
    if driver is not None and pid == os.getpid():
        # Closing a driver whose server is gone must not fail the caller.
        with contextlib.suppress(ServiceUnavailable, SessionExpired, OSError):
            driver.close()


def read(work: Callable[..., T], /, **params: Any) -> T:
    """Run `work(tx, **params)` in one managed read transaction (retried on transient errors).

    `work` must consume its results inside the transaction. Raises
    GraphUnavailable or GraphRejected, never a driver exception.
    """
    return _run(work, params, write=False)


def write(work: Callable[..., T], /, **params: Any) -> T:
    """Run `work(tx, **params)` in one managed write transaction (retried on transient errors).

    `work` must be idempotent: the driver may run it again after a transient failure.
    """
    return _run(work, params, write=True)


def read_rows(query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Run one parameterized read query as an auto-commit query in a read session; all its records
    as dicts. One query is atomic on its own, and an auto-commit query costs one round trip (RUN and
    PULL) where a managed transaction adds BEGIN and COMMIT: on the embedded engine that was 1 ms
    against 2-3 ms for `RETURN 1`. Transient failures are retried for up to
    `max_transaction_retry_seconds`, as `read` does."""
    settings = get_settings()
    deadline = time.monotonic() + settings.max_transaction_retry_seconds
    delay = _READ_RETRY_FIRST_DELAY_SECONDS
    while True:
        try:
            return _autocommit_read(settings, query, params)
        except GraphUnavailable as exc:
            if not isinstance(exc.__cause__, _RETRYABLE) or time.monotonic() + delay > deadline:
                raise
        time.sleep(delay)
        delay *= 2


_RETRYABLE = (ServiceUnavailable, SessionExpired, TransientError)
_READ_RETRY_FIRST_DELAY_SECONDS = 0.05


def _autocommit_read(settings: GraphSettings, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    with (
        _translated_errors(write=False),
        get_driver().session(database=settings.database, default_access_mode=neo4j.READ_ACCESS) as session,
    ):
        return session.run(neo4j.Query(query, timeout=settings.query_timeout_seconds), params).data()


def write_rows(query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Run one parameterized write query in one write transaction; all its records as dicts."""
    return write(_fetch_rows, query=query, params=params)


def _fetch_rows(tx: ManagedTransaction, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return tx.run(query, params).data()


def _run(work: Callable[..., T], params: dict[str, Any], *, write: bool) -> T:
    """One managed transaction; a write that loses a constraint race runs again (work is idempotent)."""
    for attempt in range(1, CONSTRAINT_RACE_ATTEMPTS + 1):
        try:
            return _run_once(work, params, write=write)
        except _ConstraintRace as race:
            if attempt == CONSTRAINT_RACE_ATTEMPTS:
                raise GraphRejected(f"graph store rejected the request: {_CONSTRAINT_RACE_CODE}: {race}") from race
            time.sleep(_CONSTRAINT_RACE_BACKOFF_SECONDS * attempt)
    raise AssertionError("unreachable")


class _ConstraintRace(Exception):
    pass


def _run_once(work: Callable[..., T], params: dict[str, Any], *, write: bool) -> T:
    settings = get_settings()
    driver = get_driver()
    timed_work = unit_of_work(timeout=settings.query_timeout_seconds)(work)
    with _translated_errors(write=write), driver.session(database=settings.database) as session:
        if write:
            return session.execute_write(timed_work, **params)
        return session.execute_read(timed_work, **params)


@contextlib.contextmanager
def _translated_errors(*, write: bool) -> Iterator[None]:
    """Driver exceptions out as GraphUnavailable / GraphRejected (or _ConstraintRace, for a write)."""
    try:
        yield
    except (ServiceUnavailable, SessionExpired, TransientError) as exc:
        raise GraphUnavailable(f"graph store unavailable: {exc}") from exc
    except ClientError as exc:
        if write and _is_constraint_race(exc):
            raise _ConstraintRace(exc.message) from exc
        if exc.code in _TIMEOUT_CODES:
            raise GraphUnavailable(f"graph query timed out: {exc.message}") from exc
        raise GraphRejected(f"graph store rejected the request: {exc.code}: {exc.message}") from exc
    except DatabaseError as exc:
        raise GraphUnavailable(f"graph store failed: {exc.code}: {exc.message}") from exc
    except OSError as exc:
        raise GraphUnavailable(f"graph store unreachable: {exc}") from exc


__all__ = [
    "ManagedTransaction",
    "close_driver",
    "configure",
    "get_driver",
    "get_settings",
    "read",
    "read_rows",
    "write",
    "write_rows",
]
