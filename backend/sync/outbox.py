"""Recording events: the one seam every write goes through.

`record_change` and `record_changes` run inside the caller's transaction, so a change and its event
commit together or not at all (no event without a change, no change without an event). The event
carries the aggregate's state as it is now, read through the kind's registration in the same
transaction (None once deleted). Delivery starts on commit and does not depend on the broker keeping
the message: the sweeper re-sends what stays pending.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from backend.sync import dispatch, registry
from backend.sync.models import Delivery, OutboxEvent

_BUMP_VERSIONS = """
    INSERT INTO sync_aggregateversion (kind, key, version)
    SELECT %s, key, 1 FROM unnest(%s::text[]) AS key
    ON CONFLICT (kind, key) DO UPDATE SET version = sync_aggregateversion.version + 1
    RETURNING key, version
"""


def aggregate_key(*ids: int) -> str:
    """The key of an aggregate from the ids it is made of: "12" for a user, "12:5" for a like."""
    return ":".join(str(part) for part in ids)


def record_change(kind: str, key: str, event_type: str) -> OutboxEvent:
    """Record that aggregate `kind:key` changed, at its next version, inside the open transaction."""
    return record_changes(kind, [key], event_type)[0]


def record_changes(kind: str, keys: Sequence[str], event_type: str) -> list[OutboxEvent]:
    """Record that many aggregates of one kind changed, in four statements whatever their number
    (one state read, one version bump, one insert of events, one of deliveries): the bulk path.

    Versions are bumped with INSERT .. ON CONFLICT, which also row-locks each aggregate until
    commit, so concurrent writers of one aggregate get strictly increasing versions.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("record_changes must run inside the transaction of the change it records")
    keys = list(dict.fromkeys(keys))  # one statement cannot bump the same aggregate twice
    if not keys:
        return []
    aggregate = registry.get(kind)
    states = aggregate.states(keys)
    with connection.cursor() as cursor:
        cursor.execute(_BUMP_VERSIONS, [kind, keys])
        versions = dict(cursor.fetchall())
    events = OutboxEvent.objects.bulk_create(
        OutboxEvent(kind=kind, key=key, version=versions[key], event_type=event_type, payload=states.get(key))
        for key in keys
    )
    # Until this deadline the on-commit dispatch owns delivery; after it, the sweeper re-sends.
    sweep_at = timezone.now() + timedelta(seconds=settings.SYNC_SWEEP_AFTER_SECONDS)
    targets = aggregate.targets
    Delivery.objects.bulk_create(
        Delivery(event=event, target=target, next_attempt_at=sweep_at) for event in events for target in targets
    )
    event_ids = [event.id for event in events]
    transaction.on_commit(lambda: dispatch.send(event_ids, targets))
    return events
