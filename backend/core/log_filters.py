"""Log filters that keep a quiet default: a Celery task is logged when it fails or retries, not each
time it succeeds (the sync runs hundreds of tasks a minute; /metrics counts them)."""

from __future__ import annotations

import logging


class DropTaskSuccess(logging.Filter):
    """For `celery.app.trace`: drops the per-task "succeeded in" line, keeps retries and failures."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno <= logging.INFO and "succeeded in" in str(record.msg))
