"""Recording events: the one seam every write service goes through.

`record_event` runs inside the caller's transaction, so the change and its event commit together or
not at all (no event without a change, no change without an event). Delivery starts on commit and
does not depend on the broker keeping the message: the sweeper re-sends what stays pending.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from backend.sync.models import Delivery, OutboxEvent

# Which projections each kind of aggregate feeds.
TARGETS_BY_KIND = {
    "user": (Delivery.GRAPH,),
    "movie": (Delivery.GRAPH, Delivery.VECTORS),
    "follow": (Delivery.GRAPH,),
    "like": (Delivery.GRAPH,),
    "rating": (Delivery.GRAPH,),
}

_BUMP_VERSIONS = """
    INSERT INTO sync_aggregateversion (kind, key, version)
    SELECT %s, key, 1 FROM unnest(%s::text[]) AS key
    ON CONFLICT (kind, key) DO UPDATE SET version = sync_aggregateversion.version + 1
    RETURNING key, version
"""


@dataclass(frozen=True)
class Change:
    """One aggregate's new state (None once deleted) to record."""

    key: str
    event_type: str
    payload: dict | None


def record_event(kind: str, key: str, event_type: str, payload: dict | None) -> OutboxEvent:
    """Record one change of aggregate `kind:key` at its next version, inside the open transaction."""
    return record_events(kind, [Change(key, event_type, payload)])[0]


def record_events(kind: str, changes: Sequence[Change]) -> list[OutboxEvent]:
    """Record many changes of one kind in three statements (deletes that cascade, bulk loads).

    Versions are bumped with INSERT .. ON CONFLICT, which also row-locks each aggregate until
    commit, so concurrent writers of one aggregate get strictly increasing versions.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("record_events must run inside the transaction of the change it records")
    if not changes:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_BUMP_VERSIONS, [kind, [change.key for change in changes]])
        versions = dict(cursor.fetchall())
    events = OutboxEvent.objects.bulk_create(
        OutboxEvent(kind=kind, key=c.key, version=versions[c.key], event_type=c.event_type, payload=c.payload)
        for c in changes
    )
    # Until this deadline the on-commit dispatch owns delivery; after it, the sweeper re-sends.
    sweep_at = timezone.now() + timedelta(seconds=settings.SYNC_SWEEP_AFTER_SECONDS)
    Delivery.objects.bulk_create(
        Delivery(event=event, target=target, next_attempt_at=sweep_at)
        for event in events
        for target in TARGETS_BY_KIND[kind]
    )
    event_ids = [event.id for event in events]
    transaction.on_commit(lambda: _dispatch(event_ids, TARGETS_BY_KIND[kind]))
    return events


def _dispatch(event_ids: list[int], targets: tuple[str, ...]) -> None:
    from backend.sync import dispatch  # the Celery side is imported only once something commits

    dispatch.send(event_ids, targets)
