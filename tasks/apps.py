"""`tasks` as a Django app: it connects the one receiver that turns the backend's requests for
background work (backend.core.jobs, by task name) into Celery messages."""

from __future__ import annotations

import logging
from typing import Any

from django.apps import AppConfig
from kombu.exceptions import KombuError, OperationalError

logger = logging.getLogger(__name__)


class TasksConfig(AppConfig):
    name = "tasks"

    def ready(self):
        from backend.core import jobs
        from tasks import catalog, personal_data, rankings, sync  # noqa: F401 - registers the tasks on the app

        jobs.job_requested.connect(send_to_celery, dispatch_uid="tasks.send_to_celery")


def send_to_celery(sender: object, task_name: str, args: list[Any], countdown: float | None, **kwargs: Any) -> None:
    from tasks.celery import app

    try:
        app.tasks[task_name].apply_async(args=tuple(args), countdown=countdown)  # type: ignore[arg-type]  # None: now
    except (OperationalError, KombuError, OSError) as error:
        # Whatever must not be lost is kept in Postgres and sent again by a periodic task.
        logger.warning("broker refused %s (%s); it will be sent again", task_name, error)
