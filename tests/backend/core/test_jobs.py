"""Background work is asked for by task name; the tasks app hands it to Celery (inline in tests)."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from backend.core import jobs
from backend.sync.models import Delivery
from tests.factories import UserFactory


@pytest.mark.django_db
def test_a_job_runs_the_celery_task_of_that_name():
    UserFactory()
    due = Delivery.objects.get()
    Delivery.objects.filter(id=due.id).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    jobs.enqueue("sync.sweep")
    assert Delivery.objects.get(id=due.id).swept_at is not None


def test_without_a_runner_a_job_is_dropped_with_a_warning(monkeypatch, caplog):
    monkeypatch.setattr(jobs.job_requested, "receivers", [])
    monkeypatch.setattr(jobs.job_requested, "sender_receivers_cache", {})
    with caplog.at_level(logging.WARNING, logger="backend.core.jobs"):
        jobs.enqueue("sync.sweep")
    assert "sync.sweep was not sent" in caplog.text
