"""What the platform keeps about erasures and exports. An erasure keeps no personal data: only the
erased id, so the outbox can be redacted once its events are delivered."""

from django.conf import settings
from django.db import models


class Erasure(models.Model):
    """An erased account. The user row is gone; `user_id` is a number that is never reused."""

    user_id = models.BigIntegerField(unique=True)
    erased_at = models.DateTimeField(auto_now_add=True)
    # Set once every outbox event about the account is delivered and redacted.
    outbox_redacted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["outbox_redacted_at"], name="erasure_redaction_due")]

    def __str__(self):
        return f"erased user {self.user_id}"


class Export(models.Model):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    STATUSES = [(QUEUED, "Queued"), (RUNNING, "Running"), (DONE, "Done"), (FAILED, "Failed")]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports")
    status = models.CharField(max_length=8, choices=STATUSES, default=QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The zip itself: an export is small (a few CSVs) and lives only as long as the account does.
    archive = models.BinaryField(null=True, blank=True, editable=False)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="export_user_recent")]

    def __str__(self):
        return f"export {self.id} of user {self.user_id}: {self.status}"


class ImportJob(models.Model):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    STATUSES = [(QUEUED, "Queued"), (RUNNING, "Running"), (DONE, "Done"), (FAILED, "Failed")]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="imports")
    status = models.CharField(max_length=8, choices=STATUSES, default=QUEUED)
    source = models.CharField(max_length=16)  # "letterboxd" or "imdb"
    file_name = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The parsed rows (import_files.Row as JSON), read by the task; emptied once done.
    rows = models.JSONField(default=list)
    skipped_files = models.JSONField(default=list)
    counts = models.JSONField(default=dict)
    unmatched = models.JSONField(default=list)
    error = models.TextField(blank=True)
    # {"phase", "processed", "total", "fraction"} (imports.ImportProgress): written while the import
    # runs, on a connection of its own, so it shows outside the import's one transaction.
    progress = models.JSONField(default=dict)

    class Meta:
        constraints = [
            # At most one import per user runs at a time (the API answers 409).
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status__in=["queued", "running"]), name="one_import_at_a_time"
            )
        ]

    def __str__(self):
        return f"import {self.id} of user {self.user_id}: {self.status}"
