"""Celery on RabbitMQ (CELERY_BROKER_URL=amqp://...): quorum queues with a dead-letter exchange, and
a write carried through the real broker to a worker and into the graph. Needs the RabbitMQ service
on 127.0.0.1:5672 (guest/guest); skipped only when no broker answers there."""

from __future__ import annotations

import pytest
from amqp.exceptions import PreconditionFailed
from kombu import Connection, Queue

import vectors
from backend.sync.models import Delivery
from tasks import app
from tasks.celery import DEAD_LETTER_QUEUE, QUEUE_NAMES, dead_letter_queue, queues_for
from tests.backend.projector.workers import CeleryProcess, wait_until, worker_environment
from tests.factories import UserFactory
from vectors.settings import VectorSettings

RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672//"


# Both tests declare and purge the same queues on the one broker: one xdist worker runs them.
pytestmark = pytest.mark.xdist_group("rabbitmq")


@pytest.fixture(scope="module")
def rabbitmq():
    try:
        with Connection(RABBITMQ_URL, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1)
    except OSError as error:
        pytest.skip(f"no RabbitMQ at 127.0.0.1:5672 ({error})")
    return RABBITMQ_URL


def use_queues(queues) -> None:
    """Point the app's publishing at these queues. Celery keeps the declarations it built at first
    use (app.amqp), so an earlier test in this process would otherwise have them published plain."""
    app.conf.task_queues = queues
    app.amqp.queues = queues
    app.amqp.__dict__.pop("default_queue", None)
    app.amqp.__dict__.pop("router", None)
    app.amqp.flush_routes()


@pytest.fixture
def celery_on_rabbitmq(rabbitmq, settings):
    saved = {key: app.conf[key] for key in ("broker_url", "task_queues", "task_always_eager")}
    app.conf.broker_url, app.conf.task_always_eager = rabbitmq, False
    use_queues(queues_for(rabbitmq))
    settings.CELERY_BROKER_URL = rabbitmq
    app._after_fork()  # drop connections pooled for the previous broker
    with app.connection_for_write() as connection:
        for queue in app.conf.task_queues:
            queue(connection.default_channel).declare()
            queue(connection.default_channel).purge()
    yield app
    app.conf.update(saved)
    use_queues(saved["task_queues"])
    app._after_fork()


def test_on_rabbitmq_the_queues_are_quorum_queues_with_a_dead_letter_exchange(celery_on_rabbitmq):
    with celery_on_rabbitmq.connection_for_write() as connection:
        channel = connection.default_channel
        dead_letter_queue()(channel).declare()
        for name in QUEUE_NAMES:
            # Declaring the same name as a classic queue is refused: the broker holds a quorum queue.
            with pytest.raises(PreconditionFailed):
                Queue(name, queue_arguments={"x-queue-type": "classic"})(connection.channel()).declare()
        _, messages, _ = channel.queue_declare(DEAD_LETTER_QUEUE, passive=True)
        assert messages >= 0
    assert queues_for("redis://localhost/0")[0].queue_arguments is None


@pytest.mark.django_db(transaction=True)
def test_a_write_travels_through_rabbitmq_to_a_worker_and_the_graph(
    celery_on_rabbitmq, graph, vector_shard_settings, api_client, tmp_path
):
    # A worker process of its own, as deployed: an in-thread worker shares this process's Celery
    # state with every test before it. It owns a shard of its own (a shard admits one process).
    shard = tmp_path / "worker-shard"
    vectors.configure(VectorSettings(path=str(shard)))
    vectors.bootstrap()
    vectors.close_vector_store()
    env = worker_environment(
        broker_url=RABBITMQ_URL, graph_settings=graph.settings(), shard_path=shard, data_dir=tmp_path
    )
    worker = CeleryProcess("worker", env, tmp_path, "rabbitmq-worker")
    worker.start()
    try:
        user = UserFactory()  # commits; its event is published to RabbitMQ on commit
        wait_until(
            lambda: Delivery.objects.filter(
                event__key=str(user.id), target=Delivery.GRAPH, status=Delivery.DONE
            ).exists(),
            timeout=120,
            describe=worker.log_tail,
        )
        health = api_client.get("/api/health/").json()
    finally:
        worker.stop()
        vectors.configure(vector_shard_settings)

    assert health["stores"]["broker"]["status"] == "up"
