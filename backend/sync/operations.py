"""Operator actions on the outbox: retry dead letters and replay events. Both put deliveries back to
pending and send them on commit; the version guards make a replay of old events harmless."""

from __future__ import annotations

from collections import defaultdict
from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from backend.sync import dispatch
from backend.sync.models import Delivery


def _requeue(deliveries: QuerySet[Delivery]) -> int:
    with transaction.atomic():
        rows = list(deliveries.select_for_update().values_list("id", "event_id", "target"))
        Delivery.objects.filter(id__in=[row[0] for row in rows]).update(
            status=Delivery.PENDING, attempts=0, next_attempt_at=timezone.now(), swept_at=None, applied_at=None
        )
        by_target: dict[str, list[int]] = defaultdict(list)
        for _, event_id, target in rows:
            by_target[target].append(event_id)
        for target, event_ids in by_target.items():
            transaction.on_commit(partial(dispatch.send, event_ids, (target,)))
    return len(rows)


def retry_failed(*, target: str | None = None, delivery_ids: list[int] | None = None) -> int:
    """Send dead-lettered deliveries again (all, one target's, or the given ones)."""
    failed = Delivery.objects.filter(status=Delivery.FAILED)
    if target:
        failed = failed.filter(target=target)
    if delivery_ids is not None:
        failed = failed.filter(id__in=delivery_ids)
    return _requeue(failed)


def replay_events(*, from_event_id: int, target: str | None = None) -> int:
    """Apply every event from `from_event_id` on again, whatever its status."""
    deliveries = Delivery.objects.filter(event_id__gte=from_event_id)
    if target:
        deliveries = deliveries.filter(target=target)
    return _requeue(deliveries)
