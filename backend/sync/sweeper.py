"""Re-sends deliveries the broker may have lost: pending past their deadline (or their backoff) and
not re-sent recently. Run periodically by beat; this is what makes delivery independent of the
broker keeping messages (a crash between commit and dispatch, a Redis restart, a killed worker)."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from backend.sync import dispatch
from backend.sync.models import Delivery

SWEEP_MAX_DELIVERIES = 2000


def sweep() -> dict[str, int]:
    """Re-send what is due; returns how many deliveries were re-sent per target."""
    now = timezone.now()
    resend_before = now - timedelta(seconds=settings.SYNC_SWEEP_AFTER_SECONDS)
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=Delivery.PENDING, next_attempt_at__lte=now)
            .filter(Q(swept_at__isnull=True) | Q(swept_at__lt=resend_before))
            .order_by("next_attempt_at")
            .values_list("id", "event_id", "target")[:SWEEP_MAX_DELIVERIES]
        )
        Delivery.objects.filter(id__in=[row[0] for row in rows]).update(swept_at=now)
    by_target: dict[str, list[int]] = {Delivery.GRAPH: [], Delivery.VECTORS: []}
    for _, event_id, target in rows:
        by_target[target].append(event_id)
    for target, event_ids in by_target.items():
        if event_ids:
            transaction.on_commit(partial(dispatch.send, event_ids, (target,)))
    return {target: len(ids) for target, ids in by_target.items()}
