"""Sync health read from Postgres, so every process (web, worker, beat) reports the same numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, F, Min, Q, Sum
from django.utils import timezone

from backend.sync.models import Delivery, ReconcileResult

# Upper bounds (seconds) of the commit-to-applied lag histogram.
LAG_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800)


@dataclass(frozen=True)
class TargetHealth:
    target: str
    backlog: int
    failed: int
    retries: int
    oldest_pending_age_seconds: float | None
    # What the last reconcile found (None: never reconciled); repaired drift is on its way back.
    drift: int | None = None
    drift_repaired: bool = False
    drift_checked_at: str | None = None


def record_reconcile(target: str, detail: dict[str, dict[str, int]], *, repaired: bool) -> None:
    """Keep what a reconcile of `target` found: per kind, its missing, extra and stale counts."""
    drift = sum(sum(counts.values()) for counts in detail.values())
    ReconcileResult.objects.update_or_create(
        target=target,
        defaults={"drift": drift, "detail": detail, "repaired": repaired and drift > 0, "checked_at": timezone.now()},
    )


def target_health() -> list[TargetHealth]:
    """Per target: events not yet applied, dead letters, retries so far, age of the oldest pending."""
    rows = Delivery.objects.values("target").annotate(
        backlog=Count("id", filter=Q(status=Delivery.PENDING)),
        failed=Count("id", filter=Q(status=Delivery.FAILED)),
        retries=Sum(F("attempts") - 1, filter=Q(attempts__gt=1)),
        oldest=Min("event__created_at", filter=Q(status=Delivery.PENDING)),
    )
    found = {row["target"]: row for row in rows}
    reconciled = {result.target: result for result in ReconcileResult.objects.all()}
    now = timezone.now()
    health = []
    for target, _ in Delivery.TARGETS:
        row: Any = found.get(target, {})
        oldest = row.get("oldest")
        health.append(
            TargetHealth(
                target=target,
                backlog=row.get("backlog", 0),
                failed=row.get("failed", 0),
                retries=row.get("retries") or 0,
                oldest_pending_age_seconds=(now - oldest).total_seconds() if oldest else None,
                drift=reconciled[target].drift if target in reconciled else None,
                drift_repaired=reconciled[target].repaired if target in reconciled else False,
                drift_checked_at=reconciled[target].checked_at.isoformat() if target in reconciled else None,
            )
        )
    return health


def lag_histogram(target: str, window_seconds: int = 3600) -> tuple[list[int], float, int]:
    """Cumulative bucket counts, sum and count of commit-to-applied lag over the recent window."""
    bucket_columns = ", ".join("count(*) FILTER (WHERE lag <= %s)" for _ in LAG_BUCKETS)
    query = f"""
        SELECT {bucket_columns}, coalesce(sum(lag), 0), count(*)
        FROM (
            SELECT extract(epoch FROM d.applied_at - e.created_at) AS lag
            FROM sync_delivery d JOIN sync_outboxevent e ON e.id = d.event_id
            WHERE d.target = %s AND d.status = 'done' AND d.applied_at > now() - make_interval(secs => %s)
        ) AS lags
    """
    with connection.cursor() as cursor:
        cursor.execute(query, [*LAG_BUCKETS, target, window_seconds])
        *buckets, total, count = cursor.fetchone()
    return list(buckets), float(total), count


def lag_percentiles(target: str, since) -> dict[str, float | None]:
    """p50/p95/p99 of commit-to-applied lag (seconds) for deliveries applied after `since`."""
    query = """
        SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM d.applied_at - e.created_at))
        FROM sync_delivery d JOIN sync_outboxevent e ON e.id = d.event_id
        WHERE d.target = %s AND d.status = 'done' AND d.applied_at >= %s
    """
    with connection.cursor() as cursor:
        cursor.execute(query, [target, since])
        values = cursor.fetchone()[0] or [None, None, None]
    return dict(zip(("p50", "p95", "p99"), values, strict=True))
