"""Crash tests with real worker and beat processes and a real Redis broker: whatever dies, every
event is applied once in effect and the projections end equal to Postgres.

The worker owns the vector shard (an embedded shard admits one process); the test reads it only
after that worker has stopped.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

import vectors
from backend.projector.reconcile import graph_drift, vector_drift
from backend.social import services as social
from backend.sync.models import Delivery
from embedded.redis import EmbeddedRedis
from tasks import app
from tests.backend.projector.workers import CeleryProcess, wait_until, worker_environment
from tests.factories import MovieFactory, UserFactory
from vectors.settings import VectorSettings

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CONVERGE_TIMEOUT_SECONDS = 180


@pytest.fixture
def broker(tmp_path):
    # No persistence: a restart loses every message in flight, the worst case for delivery.
    redis = EmbeddedRedis(tmp_path / "redis", append_only=False)
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def platform(broker, graph, tmp_path, vector_shard_settings):
    """Environment for worker/beat processes; the test process publishes nothing itself (its
    on-commit messages go nowhere), so only the sweeper in beat brings events to the worker."""
    shard = tmp_path / "worker-shard"
    vectors.configure(VectorSettings(path=str(shard)))
    vectors.bootstrap()
    vectors.close_vector_store()  # the worker owns the shard from here on
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    env = worker_environment(
        broker_url=broker.broker_url, graph_settings=graph.settings(), shard_path=shard, data_dir=tmp_path
    )
    processes: list[CeleryProcess] = []

    def spawn(role: str, name: str) -> CeleryProcess:
        process = CeleryProcess(role, env, tmp_path, name)
        process.start()
        processes.append(process)
        return process

    yield spawn, shard
    for process in processes:
        process.stop()
    app.conf.task_always_eager = eager
    vectors.configure(vector_shard_settings)


def write_activity(users: int = 12, movies: int = 6):
    people = [UserFactory() for _ in range(users)]
    films = [MovieFactory(genres=["Drama"], overview=f"Film number {i} about a long journey.") for i in range(movies)]
    for i, person in enumerate(people):
        for other in people[i + 1 : i + 6]:
            social.follow_user(person, other.id)
        for film in films[: 1 + i % len(films)]:
            social.like_movie(person, film.id)
            social.rate_movie(person, film.id, Decimal("3.5"))
    return people, films


def pending() -> int:
    return Delivery.objects.filter(status=Delivery.PENDING).count()


def assert_projections_equal_postgres(shard) -> None:
    assert [d.summary() for d in graph_drift() if d.total] == []
    vectors.configure(VectorSettings(path=str(shard)))
    assert vector_drift().total == 0
    vectors.close_vector_store()


def test_kill_9_of_a_worker_mid_batch_loses_nothing(platform):
    spawn, shard = platform
    write_activity()
    beat = spawn("beat", "beat")
    first = spawn("worker", "worker-1")
    wait_until(
        lambda: Delivery.objects.filter(status=Delivery.DONE).count() > 0,
        timeout=CONVERGE_TIMEOUT_SECONDS,
        describe=first.log_tail,
    )
    first.kill()
    assert pending() > 0, "the worker finished before it could be killed"

    second = spawn("worker", "worker-2")
    wait_until(
        lambda: pending() == 0, timeout=CONVERGE_TIMEOUT_SECONDS, describe=lambda: second.log_tail() + beat.log_tail()
    )
    second.stop()
    # Beat's ranking recompute may have added movie events meanwhile: all of them are applied too.
    assert not Delivery.objects.exclude(status=Delivery.DONE).exists()
    assert_projections_equal_postgres(shard)


def test_redis_restart_with_messages_in_flight_is_recovered_by_the_sweeper(platform, broker):
    spawn, shard = platform
    write_activity(users=8, movies=4)
    beat = spawn("beat", "beat")
    # No worker yet: beat's sweeps pile messages up in Redis, then Redis dies with them.
    wait_until(lambda: broker_queue_length(broker) > 0, timeout=60, describe=beat.log_tail)
    broker.kill()
    broker.start()
    assert broker_queue_length(broker) == 0

    worker = spawn("worker", "worker")
    wait_until(
        lambda: pending() == 0, timeout=CONVERGE_TIMEOUT_SECONDS, describe=lambda: worker.log_tail() + beat.log_tail()
    )
    worker.stop()
    assert_projections_equal_postgres(shard)


def broker_queue_length(broker: EmbeddedRedis) -> int:
    import redis

    client = redis.Redis(unix_socket_path=str(broker.socket_path))
    return sum(client.llen(queue) for queue in ("sync", "embeddings", "maintenance"))
