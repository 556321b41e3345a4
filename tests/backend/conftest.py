"""Fixtures for the API tests: the outbox as a counter, so a test can say how many events a
request recorded (one per write, none for a rejected or repeated one)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class OutboxCounts:
    events: int
    deliveries: int


@pytest.fixture
def outbox_counts(db):
    """`outbox_counts()`: how many OutboxEvent and Delivery rows exist now."""
    from backend.sync.models import Delivery, OutboxEvent

    def count() -> OutboxCounts:
        return OutboxCounts(OutboxEvent.objects.count(), Delivery.objects.count())

    return count


@pytest.fixture
def latest_events(db):
    """`latest_events(n)`: the last n outbox events as (kind, key, event_type), oldest first."""
    from backend.sync.models import OutboxEvent

    def latest(n: int) -> list[tuple[str, str, str]]:
        rows = OutboxEvent.objects.order_by("-id").values_list("kind", "key", "event_type")[:n]
        return list(reversed(rows))

    return latest
