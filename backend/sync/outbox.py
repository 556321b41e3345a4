"""Recording events: the one seam every write goes through.

`record_change` and `record_changes` run inside the caller's transaction, so a change and its event
commit together or not at all (no event without a change, no change without an event). The event
carries the aggregate's state as it is now, read through the kind's registration in the same
transaction (None once deleted). Delivery starts on commit and does not depend on the broker keeping
the message: the sweeper re-sends what stays pending.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta

import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from backend.core import response_cache
from backend.sync import dispatch, registry
from backend.sync.models import Delivery, OutboxEvent

_BUMP_VERSIONS = """
    INSERT INTO sync_aggregateversion (kind, key, version)
    SELECT %s, key, 1 FROM unnest(%b::text[]) AS key
    ON CONFLICT (kind, key) DO UPDATE SET version = sync_aggregateversion.version + 1
    RETURNING key, version
"""
# Events and deliveries in one statement each, from arrays: no model instance per row on the way in.
# The big arrays go as %b (binary): psycopg's text format escapes each element, a quarter of a bulk
# import's CPU. They run on a server-binding cursor of the same connection, so in the same transaction.
_INSERT_EVENTS = """
    INSERT INTO sync_outboxevent (kind, key, version, event_type, payload, created_at)
    SELECT %s, key, version, %s, payload::jsonb, clock_timestamp()
    FROM unnest(%b::text[], %b::bigint[], %b::text[]) WITH ORDINALITY AS e(key, version, payload, position)
    ORDER BY position
    RETURNING key, id, created_at
"""
_INSERT_DELIVERIES = """
    INSERT INTO sync_delivery (event_id, target, status, attempts, last_error, next_attempt_at)
    SELECT event_id, target, %s, 0, '', %s FROM unnest(%b::bigint[]) AS e(event_id), unnest(%s::text[]) AS t(target)
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
    The inserts go from arrays (unnest), so a batch of thousands costs no model instance per row.
    Returns the events recorded, in key order (one per distinct key).

    Versions are bumped with INSERT .. ON CONFLICT, which also row-locks each aggregate until
    commit, so concurrent writers of one aggregate get strictly increasing versions.
    """
    recorded = _record(kind, keys, event_type)
    return [
        OutboxEvent(
            id=event_id,
            kind=kind,
            key=key,
            version=version,
            event_type=event_type,
            payload=state,
            created_at=created_at,
        )
        for key, version, event_id, created_at, state in recorded
    ]


def record_many(kind: str, keys: Sequence[str], event_type: str) -> int:
    """`record_changes` for the bulk importers: the same events, without building them in Python.
    Returns how many were recorded (one per distinct key)."""
    return len(_record(kind, keys, event_type))


_Recorded = tuple[str, int, int, datetime, "dict[str, object] | None"]


def _record(kind: str, keys: Sequence[str], event_type: str) -> list[_Recorded]:
    if not connection.in_atomic_block:
        raise RuntimeError("record_changes must run inside the transaction of the change it records")
    keys = list(dict.fromkeys(keys))  # one statement cannot bump the same aggregate twice
    if not keys:
        return []
    aggregate = registry.get(kind)
    states = aggregate.states(keys)
    # Until this deadline the on-commit dispatch owns delivery; after it, the sweeper re-sends.
    sweep_at = timezone.now() + timedelta(seconds=settings.SYNC_SWEEP_AFTER_SECONDS)
    targets = aggregate.targets
    dumps = json.dumps
    payloads = [None if (state := states.get(key)) is None else dumps(state) for key in keys]
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(_BUMP_VERSIONS, [kind, keys])
        versions: dict[str, int] = dict(cursor.fetchall())
        ordered = [versions[key] for key in keys]
        cursor.execute(_INSERT_EVENTS, [kind, event_type, keys, ordered, payloads])
        inserted: dict[str, tuple[int, datetime]] = {key: (event_id, at) for key, event_id, at in cursor.fetchall()}
        event_ids = [inserted[key][0] for key in keys]
        cursor.execute(_INSERT_DELIVERIES, [Delivery.PENDING, sweep_at, event_ids, list(targets)])
    transaction.on_commit(lambda: dispatch.send(event_ids, targets))
    response_cache.bump(response_cache.kind_version(kind))
    return [(key, version, *inserted[key], states.get(key)) for key, version in zip(keys, ordered, strict=True)]
