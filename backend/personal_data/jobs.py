"""Exports and imports are rows in Postgres first; a lost broker message only delays them: beat
re-sends the jobs still queued after RESEND_QUEUED_AFTER_SECONDS (the tasks are idempotent)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from backend.core import jobs
from backend.personal_data.models import Export, ImportJob

RESEND_QUEUED_AFTER_SECONDS = 60


def resend_queued() -> int:
    """Ask again for every export and import queued too long; returns how many were re-sent."""
    before = timezone.now() - timedelta(seconds=RESEND_QUEUED_AFTER_SECONDS)
    exports = list(Export.objects.filter(status=Export.QUEUED, created_at__lt=before).values_list("id", flat=True))
    imports = list(
        ImportJob.objects.filter(status=ImportJob.QUEUED, created_at__lt=before).values_list("id", flat=True)
    )
    for export_id in exports:
        jobs.enqueue("personal_data.build_export", export_id)
    for import_id in imports:
        jobs.enqueue("personal_data.run_import", import_id)
    return len(exports) + len(imports)
