"""Applies movie events to the vector projection, a batch at a time so the model encodes at full
batch throughput. A movie is re-encoded only when its embedded text changed (content hash); a
payload-only change (such as its rank score) reuses the stored vector."""

from __future__ import annotations

from typing import Any

from django.db import transaction

import vectors
from backend.projector import kinds
from backend.sync import delivery as deliveries
from backend.sync import locks
from backend.sync.models import Delivery, OutboxEvent
from vectors.errors import VectorStoreRejected, VectorStoreUnavailable
from vectors.pipeline import ENCODE_WINDOW
from vectors.text import content_hash
from vectors.types import MoviePoint

# Deliveries per batch: one encode call (vectors.pipeline.ENCODE_WINDOW texts, padded less than 64).
EMBED_BATCH_SIZE = ENCODE_WINDOW


def embed_pending_movies(batch_size: int = EMBED_BATCH_SIZE) -> int:
    """Apply up to `batch_size` due vector deliveries; returns how many were claimed (0: none due)."""
    with transaction.atomic():
        locks.hold_shared("vectors")  # not while a rebuild empties and refills the store
        claimed = deliveries.claim(deliveries.due(Delivery.VECTORS), batch_size)
        if not claimed:
            return 0
        stale = deliveries.superseded([d.event for d in claimed])
        # Several versions of one movie in a batch: the newest alone is written.
        newest: dict[str, OutboxEvent] = {}
        for event in (d.event for d in claimed if d.event_id not in stale):
            if event.key not in newest or event.version > newest[event.key].version:
                newest[event.key] = event
        try:
            _write(list(newest.values()))
        except VectorStoreUnavailable as error:
            deliveries.mark_retry(claimed, error)
        except (VectorStoreRejected, KeyError, TypeError, ValueError) as error:
            for delivery in claimed:
                deliveries.mark_failed(delivery, error)
        else:
            deliveries.mark_done(claimed)
    return len(claimed)


def optimize_index() -> None:
    """Index what the embedded Edge shard holds unindexed (the server indexes in the background)."""
    vectors.get_vector_store().optimize()


def _write(events: list[OutboxEvent]) -> None:
    form = kinds.MOVIE.vectors
    assert form is not None
    store = vectors.get_vector_store()
    stored = store.stored_states([int(e.key) for e in events])
    # Guard against a concurrent worker having written a newer version meanwhile.
    events = [e for e in events if e.version > getattr(stored.get(int(e.key)), "version", 0)]
    store.delete([int(e.key) for e in events if e.payload is None])

    upserts = [e for e in events if e.payload is not None]
    texts = {e.id: form.text(e.payload or {}) for e in upserts}
    hashes = {event_id: content_hash(text) for event_id, text in texts.items()}
    unchanged = {
        e.id: store.get_vector(int(e.key))
        for e in upserts
        if int(e.key) in stored and stored[int(e.key)].content_hash == hashes[e.id]
    }
    to_encode = [e for e in upserts if unchanged.get(e.id) is None]
    encoded: Any = vectors.get_embedder().encode([texts[e.id] for e in to_encode]) if to_encode else []
    vector_by_event = {e.id: vector for e, vector in zip(to_encode, encoded, strict=True)}
    vector_by_event.update({event_id: vector for event_id, vector in unchanged.items() if vector is not None})
    store.upsert(
        [
            MoviePoint(
                int(e.key), vector_by_event[e.id], form.payload(int(e.key), e.version, e.payload or {}, hashes[e.id])
            )
            for e in upserts
        ]
    )
