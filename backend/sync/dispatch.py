"""Hands committed events to the workers, by task name. A lost or refused message only delays
delivery: the outbox row stays pending and the sweeper sends it again after its deadline."""

from __future__ import annotations

from backend.core import jobs
from backend.sync.models import Delivery

# Events per graph task: one Postgres claim and one graph transaction per kind for the batch.
GRAPH_BATCH_SIZE = 500


def send(event_ids: list[int], targets: tuple[str, ...]) -> None:
    if Delivery.GRAPH in targets:
        for start in range(0, len(event_ids), GRAPH_BATCH_SIZE):
            jobs.enqueue("sync.apply_graph_events", event_ids[start : start + GRAPH_BATCH_SIZE])
    if Delivery.VECTORS in targets:
        jobs.enqueue("sync.embed_pending_movies")
