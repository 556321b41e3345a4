"""Delivery bookkeeping shared by every target: claim due deliveries, then mark each done, retry
later (transient store error) or failed (the store rejected it: a dead letter kept with its error)."""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from backend.core import response_cache
from backend.sync.models import AggregateVersion, Delivery, OutboxEvent

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 2.0
BACKOFF_MAX_SECONDS = 300.0
ERROR_TEXT_MAX = 2000


def due(target: str) -> QuerySet[Delivery]:
    """Pending deliveries that may run now: never tried, or their backoff has passed."""
    return Delivery.objects.filter(target=target, status=Delivery.PENDING).filter(
        Q(attempts=0) | Q(next_attempt_at__lte=timezone.now())
    )


def claim(deliveries: QuerySet[Delivery], limit: int) -> list[Delivery]:
    """Lock up to `limit` deliveries for this transaction; rows another worker holds are skipped."""
    return list(
        deliveries.select_for_update(skip_locked=True, of=("self",)).select_related("event").order_by("id")[:limit]
    )


def superseded(events: list[OutboxEvent]) -> set[int]:
    """Ids of events older than their aggregate's current version: a newer event carries the state."""
    keys = {(e.kind, e.key) for e in events}
    current = {
        (row.kind, row.key): row.version
        for row in AggregateVersion.objects.filter(
            kind__in={kind for kind, _ in keys}, key__in={key for _, key in keys}
        )
    }
    return {e.id for e in events if current.get((e.kind, e.key), 0) > e.version}


def mark_done(deliveries: list[Delivery]) -> None:
    """One statement for the whole batch."""
    if deliveries:
        Delivery.objects.filter(id__in=[d.id for d in deliveries]).update(
            status=Delivery.DONE, applied_at=timezone.now(), last_error="", attempts=F("attempts") + 1
        )
        # Answers read from a projection (similar movies from the vectors) follow it.
        response_cache.bump(*sorted({response_cache.target_version(d.target) for d in deliveries}))


def mark_retry(deliveries: list[Delivery], error: Exception) -> None:
    """Back off exponentially with jitter; past SYNC_MAX_ATTEMPTS the delivery becomes a dead letter."""
    now = timezone.now()
    for delivery in deliveries:
        delivery.attempts += 1
        delivery.last_error = _describe(error)
        delivery.swept_at = None
        if delivery.attempts >= settings.SYNC_MAX_ATTEMPTS:
            delivery.status = Delivery.FAILED
            logger.error(
                "event %s to %s failed after %s attempts: %s",
                delivery.event_id,
                delivery.target,
                delivery.attempts,
                error,
            )
            continue
        backoff = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (delivery.attempts - 1))
        delivery.next_attempt_at = now + timedelta(seconds=backoff * random.uniform(0.5, 1.0))
    logger.warning("%s deliveries to %s will retry: %s", len(deliveries), deliveries[0].target, error)
    Delivery.objects.bulk_update(deliveries, ["attempts", "last_error", "status", "next_attempt_at", "swept_at"])


def mark_failed(delivery: Delivery, error: Exception) -> None:
    delivery.attempts += 1
    delivery.status, delivery.last_error = Delivery.FAILED, _describe(error)
    delivery.save(update_fields=["attempts", "status", "last_error"])
    logger.error("event %s (%s) rejected by %s: %s", delivery.event_id, delivery.event, delivery.target, error)


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_TEXT_MAX]
