"""The transactional outbox: events written with the change they describe, and one delivery per
target store, each with its own status so one failing target never blocks the other."""

from django.db import models


class AggregateVersion(models.Model):
    """The latest version of each aggregate (a user, a movie, a follow pair, ...).

    Bumped in the same transaction as every change, and kept after a delete, so versions only grow
    and a projection can always tell a newer state from an older one.
    """

    kind = models.CharField(max_length=16)
    key = models.CharField(max_length=64)
    version = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="aggregate_version_key")]

    def __str__(self):
        return f"{self.kind}:{self.key} v{self.version}"


class OutboxEvent(models.Model):
    kind = models.CharField(max_length=16)
    key = models.CharField(max_length=64)
    version = models.BigIntegerField()
    event_type = models.CharField(max_length=40)
    # The aggregate's full state at `version`, or null once deleted.
    payload = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key", "version"], name="outbox_event_version")]

    def __str__(self):
        return f"{self.event_type} {self.kind}:{self.key} v{self.version}"


class Delivery(models.Model):
    GRAPH = "graph"
    VECTORS = "vectors"
    TARGETS = [(GRAPH, "Graph"), (VECTORS, "Vectors")]

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    STATUSES = [(PENDING, "Pending"), (DONE, "Done"), (FAILED, "Failed")]

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    target = models.CharField(max_length=8, choices=TARGETS)
    status = models.CharField(max_length=8, choices=STATUSES, default=PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField()
    applied_at = models.DateTimeField(null=True, blank=True)
    # When the sweeper last re-sent it; cleared when a retry is scheduled so the sweeper resends it then.
    swept_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [models.UniqueConstraint(fields=["event", "target"], name="delivery_once_per_target")]
        indexes = [
            models.Index(fields=["target", "status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["target", "applied_at"], name="delivery_applied"),
        ]

    def __str__(self):
        return f"{self.target} {self.status} for event {self.event_id}"


class ReconcileResult(models.Model):
    """What the last reconcile of a target found, so /api/health/ can say the projection drifted."""

    target = models.CharField(max_length=8, choices=Delivery.TARGETS, unique=True)
    drift = models.PositiveIntegerField()
    # Missing, extra and stale counts per kind: {"movie": {"missing": 2, "extra": 0, "stale": 1}}.
    detail = models.JSONField(default=dict)
    repaired = models.BooleanField(default=False)
    checked_at = models.DateTimeField()

    def __str__(self):
        return f"{self.target}: drift {self.drift} at {self.checked_at:%Y-%m-%d %H:%M}"
