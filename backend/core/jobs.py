"""Background work asked for by task name.

The `tasks` app (a Django app, see tasks/apps.py) connects the receiver that hands the request to
Celery, so the backend never imports `tasks`. Asking never raises for a broker failure: work that
must not be lost is kept in Postgres (the outbox, the rank queue) and a periodic task sends it again.
"""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import Signal

logger = logging.getLogger(__name__)

# Sent with task_name, args and countdown (seconds, or None for now).
job_requested = Signal()


def enqueue(task_name: str, *args: Any, countdown: float | None = None) -> None:
    """Ask for `task_name(*args)` to run in a worker, after `countdown` seconds if given."""
    if not job_requested.has_listeners():
        logger.warning("no job runner is connected: %s was not sent", task_name)
        return
    job_requested.send(sender=None, task_name=task_name, args=list(args), countdown=countdown)
