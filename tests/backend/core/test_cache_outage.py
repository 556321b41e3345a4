"""Redis (the cache and the broker) stopped under a running API: reads and writes still succeed,
rate limits fail open with a warning, writes wait in the outbox, /api/health/ names the broker."""

from __future__ import annotations

import logging
import time

import pytest
from django.core.cache import caches

from backend.config.caches import cache_settings
from backend.sync.models import Delivery, OutboxEvent
from embedded.redis import EmbeddedRedis
from tasks import app
from tests.factories import MovieFactory


@pytest.fixture
def redis_then_down(tmp_path, settings):
    """A real Redis as cache and broker, used once while up, then stopped for the test."""
    server = EmbeddedRedis(tmp_path / "redis", append_only=False)
    server.start()
    settings.CACHES = cache_settings(server.cache_url)
    settings.CELERY_BROKER_URL = server.broker_url
    eager, broker = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, server.broker_url
    app._after_fork()  # drop pooled connections made for the previous broker
    caches["throttle"].set("probe", 1)  # the clients connected while Redis was up
    server.stop()
    yield server
    app.conf.task_always_eager, app.conf.broker_url = eager, broker
    app._after_fork()


@pytest.mark.django_db
def test_reads_and_writes_succeed_with_redis_down_and_health_names_the_broker(
    redis_then_down, api_client, client_of, user, on_commit, caplog
):
    movie = MovieFactory()

    with caplog.at_level(logging.WARNING):
        read = api_client.get("/api/movies/")
        started = time.monotonic()
        with on_commit():
            write = client_of(user).put(f"/api/movies/{movie.id}/rating/", {"score": 4.5})
        write_seconds = time.monotonic() - started
    health = api_client.get("/api/health/")

    assert read.status_code == 200 and read.json()["count"] == 1
    assert write.status_code in (200, 201), write.content
    assert write_seconds < 5
    event = OutboxEvent.objects.get(kind="rating")
    assert set(Delivery.objects.filter(event=event).values_list("status", flat=True)) == {Delivery.PENDING}
    assert any("rate limits are open" in record.getMessage() for record in caplog.records)
    assert any("broker refused" in record.getMessage() for record in caplog.records)
    assert health.status_code == 503
    assert "broker" in health.json()["down"] and "postgres" not in health.json()["down"]
