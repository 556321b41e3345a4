"""A person's data: redacting the outbox after an erasure, building exports."""

from celery import shared_task

from backend.personal_data import erasure, exports, imports
from backend.personal_data import jobs as personal_data_jobs


@shared_task(name="personal_data.redact_erased_outbox")
def redact_erased_outbox() -> int:
    return erasure.redact_erased_outbox()


@shared_task(name="personal_data.build_export")
def build_export(export_id: int) -> str:
    return exports.build_export(export_id)


@shared_task(name="personal_data.run_import")
def run_import(job_id: int) -> str:
    return imports.run_import(job_id)


@shared_task(name="personal_data.resend_queued")
def resend_queued() -> int:
    return personal_data_jobs.resend_queued()
