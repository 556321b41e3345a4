"""Hands committed events to Celery. A lost or refused message only delays delivery: the outbox row
stays pending and the sweeper sends it again after its deadline."""

from __future__ import annotations

import logging

from kombu.exceptions import KombuError, OperationalError

logger = logging.getLogger(__name__)

GRAPH_BATCH_SIZE = 200


def send(event_ids: list[int], targets: tuple[str, ...]) -> None:
    from backend.sync.models import Delivery
    from tasks import sync as sync_tasks

    try:
        if Delivery.GRAPH in targets:
            for start in range(0, len(event_ids), GRAPH_BATCH_SIZE):
                sync_tasks.apply_graph_events.delay(event_ids[start : start + GRAPH_BATCH_SIZE])
        if Delivery.VECTORS in targets:
            sync_tasks.embed_pending_movies.delay()
    except (OperationalError, KombuError, OSError) as error:
        logger.warning("broker refused events %s..%s (%s); the sweeper will resend", event_ids[0], event_ids[-1], error)
