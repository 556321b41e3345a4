"""Applies outbox events to the graph projection, a batch at a time: per kind, one graph
transaction for the whole batch (`graph.projection.apply`, one UNWIND per upserts and deletes).

Ordering: every event carries its aggregate's full state and version; the graph applies it only
when that version is newer than the one stored beside the data (with tombstones for deletes), row
by row inside the batch. So duplicates and reorderings end in the newest state.
"""

from __future__ import annotations

from django.db import transaction

from backend.projector import kinds
from backend.sync import delivery as deliveries
from backend.sync import locks
from backend.sync.models import Delivery, OutboxEvent
from graph import projection
from graph.errors import GraphRejected, GraphUnavailable
from graph.types import Versioned

# What a rejected or malformed state raises: its delivery is dead-lettered, never retried.
REJECTED = (GraphRejected, KeyError, TypeError, ValueError)


def change_of(event: OutboxEvent) -> Versioned:
    return Versioned(kinds.get(event.kind).ids(event.key), event.version, event.payload)


def apply_event(event: OutboxEvent) -> bool:
    """Apply one event's state to the graph (no delivery bookkeeping); True if it was newer."""
    kind = kinds.get(event.kind)
    assert kind.graph is not None, f"{kind.name} is not projected into the graph"
    return projection.apply(kind.graph, [change_of(event)]) == 1


def apply_graph_events(event_ids: list[int]) -> int:
    """Apply the due graph deliveries of these events; returns how many were applied.

    The delivery rows stay locked while their events are applied, so two workers never apply the
    same one at once; a crash rolls them back to pending and the idempotent apply runs again. A
    batch the graph rejects is applied one event at a time, so only the bad event is dead-lettered.
    """
    with transaction.atomic():
        locks.hold_shared("graph")  # not while a rebuild empties and refills the graph
        claimed = deliveries.claim(deliveries.due(Delivery.GRAPH).filter(event_id__in=event_ids), len(event_ids))
        stale = deliveries.superseded([d.event for d in claimed])
        done = [d for d in claimed if d.event_id in stale]
        live = [d for d in claimed if d.event_id not in stale]
        # Nodes before edges, in the declarations' order (any order converges; this one is cheapest).
        batches = [[d for d in live if d.event.kind == name] for name in kinds.KINDS]
        batches = [batch for batch in batches if batch]
        applied = 0
        unavailable: GraphUnavailable | None
        for index, batch in enumerate(batches):
            graph_projection = kinds.get(batch[0].event.kind).graph
            assert graph_projection is not None
            try:
                projection.apply(graph_projection, [change_of(d.event) for d in batch])
                applied += len(batch)
                done += batch
                continue
            except GraphUnavailable as error:
                waiting, unavailable = batch, error
            except REJECTED:
                ok, waiting, unavailable = _apply_one_by_one(graph_projection, batch)
                done += ok
                applied += len(ok)
                if unavailable is None:
                    continue
            # The store is down: what is not applied yet waits for it.
            assert unavailable is not None
            deliveries.mark_retry(waiting + [d for later in batches[index + 1 :] for d in later], unavailable)
            break
        deliveries.mark_done(done)
    return applied


def _apply_one_by_one(
    graph_projection: projection.Projection, batch: list[Delivery]
) -> tuple[list[Delivery], list[Delivery], GraphUnavailable | None]:
    """Isolate the rejected events of a batch: each is dead-lettered, the others applied.
    Returns (applied, not tried because the store went down, that error)."""
    ok: list[Delivery] = []
    for index, delivery in enumerate(batch):
        try:
            projection.apply(graph_projection, [change_of(delivery.event)])
        except GraphUnavailable as error:
            return ok, batch[index:], error
        except REJECTED as error:
            deliveries.mark_failed(delivery, error)
        else:
            ok.append(delivery)
    return ok, [], None
