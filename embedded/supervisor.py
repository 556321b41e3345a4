"""Keeps the embedded child engines alive: a child that dies (Redis, the graph engine, the sync
worker) is started again with exponential backoff, each restart logged and counted in /metrics
(`cinema_embedded_restarts_total{engine}`). While one is down, /api/health/ names its store."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from prometheus_client import Counter

logger = logging.getLogger("embedded")

RESTARTS = Counter("cinema_embedded_restarts", "Restarts of a dead embedded engine", ["engine"])
POLL_INTERVAL_SECONDS = 1.0
BACKOFF_FIRST_SECONDS = 0.5
BACKOFF_MAX_SECONDS = 30.0


@dataclass
class Supervised:
    name: str
    is_running: Callable[[], bool]
    start: Callable[[], None]
    backoff_seconds: float = BACKOFF_FIRST_SECONDS
    next_attempt: float = 0.0
    restarts: int = field(default=0)


class Supervisor:
    """A daemon thread polling each child; `check_once()` is one pass, for tests."""

    def __init__(self, poll_interval: float = POLL_INTERVAL_SECONDS):
        self.children: list[Supervised] = []
        self.poll_interval = poll_interval
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, name: str, is_running: Callable[[], bool], start: Callable[[], None]) -> None:
        self.children.append(Supervised(name, is_running, start))

    def check_once(self) -> None:
        now = time.monotonic()
        for child in self.children:
            if self._stopping.is_set():
                return
            if child.is_running():
                if now - child.next_attempt > BACKOFF_MAX_SECONDS:  # stayed up: a later death starts afresh
                    child.backoff_seconds = BACKOFF_FIRST_SECONDS
                continue
            if now < child.next_attempt:
                continue
            logger.warning("%s is not running; restarting it", child.name)
            try:
                child.start()
            except Exception as error:  # noqa: BLE001 - a failed start is retried after the backoff
                child.next_attempt = time.monotonic() + child.backoff_seconds
                logger.error("%s did not restart (%s); next try in %.1fs", child.name, error, child.backoff_seconds)
                child.backoff_seconds = min(child.backoff_seconds * 2, BACKOFF_MAX_SECONDS)
                continue
            child.restarts += 1
            RESTARTS.labels(child.name).inc()
            # A child that dies again at once waits longer each time.
            child.next_attempt = time.monotonic() + child.backoff_seconds
            child.backoff_seconds = min(child.backoff_seconds * 2, BACKOFF_MAX_SECONDS)
            logger.warning("%s restarted (restart %d)", child.name, child.restarts)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="supervisor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Before the children are stopped on purpose, so none is brought back."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stopping.wait(self.poll_interval):
            self.check_once()
