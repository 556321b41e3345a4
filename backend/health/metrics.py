"""Prometheus metrics. Sync figures are read from Postgres at scrape time, so the web process
reports what every worker did; task durations are recorded in the process that runs the task
(the embedded platform; with separate workers, Flower's /metrics has them)."""

from __future__ import annotations

import time

from celery.signals import task_postrun, task_prerun
from prometheus_client import Histogram
from prometheus_client.core import REGISTRY, GaugeMetricFamily, HistogramMetricFamily

from backend.sync import monitoring

TASK_DURATION = Histogram("cinema_task_duration_seconds", "Celery task run time", ["task"])
_task_started: dict[str, float] = {}


@task_prerun.connect
def _task_started_at(task_id=None, **kwargs):
    _task_started[task_id] = time.perf_counter()


@task_postrun.connect
def _task_finished(task_id=None, task=None, **kwargs):
    started = _task_started.pop(task_id, None)
    if started is not None and task is not None:
        TASK_DURATION.labels(task.name).observe(time.perf_counter() - started)


class SyncCollector:
    def collect(self):
        backlog = GaugeMetricFamily("cinema_sync_backlog", "Events not yet applied", labels=["target"])
        failed = GaugeMetricFamily("cinema_sync_failed", "Dead-lettered events", labels=["target"])
        retries = GaugeMetricFamily("cinema_sync_retries", "Retries of delivered or pending events", labels=["target"])
        oldest = GaugeMetricFamily(
            "cinema_sync_oldest_pending_seconds", "Age of the oldest pending event", labels=["target"]
        )
        lag = HistogramMetricFamily("cinema_sync_lag_seconds", "Commit-to-applied lag, last hour", labels=["target"])
        for health in monitoring.target_health():
            backlog.add_metric([health.target], health.backlog)
            failed.add_metric([health.target], health.failed)
            retries.add_metric([health.target], health.retries)
            oldest.add_metric([health.target], health.oldest_pending_age_seconds or 0.0)
            counts, total, count = monitoring.lag_histogram(health.target)
            buckets = [(str(bound), n) for bound, n in zip(monitoring.LAG_BUCKETS, counts, strict=True)]
            lag.add_metric([health.target], buckets + [("+Inf", count)], total)
        yield from (backlog, failed, retries, oldest, lag)


_registered = False


def register_collectors() -> None:
    global _registered
    if not _registered:
        REGISTRY.register(SyncCollector())
        _registered = True
