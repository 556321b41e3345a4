"""The Celery app: production settings come from Django settings (CELERY_*), queues and beat here.

Queues keep work that cannot share a pool apart: `sync` (graph deliveries), `embeddings` (the model
and the vector store, which in the embedded platform only the serving process may open) and
`maintenance` (sweeps, rankings, rebuilds of the graph).
"""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import worker_init, worker_process_init
from django.conf import settings
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")

app = Celery("cinema")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.include = ["tasks.sync", "tasks.catalog", "tasks.rankings", "tasks.personal_data", "tasks.recommendations"]
QUEUE_NAMES = ("sync", "embeddings", "maintenance")
# RabbitMQ only: a message a queue gives up on (redelivered past the limit, e.g. a task that kills
# its worker each time) goes to this exchange's queue for an operator, instead of looping forever.
DEAD_LETTER_EXCHANGE = Exchange("cinema.dead-letters", type="fanout", durable=True)
DEAD_LETTER_QUEUE = "cinema.dead-letters"
RABBITMQ_DELIVERY_LIMIT = 20


def queues_for(broker_url: str) -> tuple[Queue, ...]:
    """Plain queues on Redis; on RabbitMQ (amqp://) replicated quorum queues that dead-letter a
    message redelivered too often. https://www.rabbitmq.com/docs/quorum-queues"""
    if not broker_url.startswith(("amqp://", "amqps://", "pyamqp://")):
        return tuple(Queue(name) for name in QUEUE_NAMES)
    arguments = {
        "x-queue-type": "quorum",
        "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE.name,
        "x-delivery-limit": RABBITMQ_DELIVERY_LIMIT,
    }
    return tuple(Queue(name, Exchange(name), routing_key=name, queue_arguments=arguments) for name in QUEUE_NAMES)


def dead_letter_queue() -> Queue:
    return Queue(DEAD_LETTER_QUEUE, DEAD_LETTER_EXCHANGE, queue_arguments={"x-queue-type": "quorum"})


app.conf.task_queues = queues_for(app.conf.broker_url or "")
app.conf.task_routes = {
    "sync.apply_graph_events": {"queue": "sync"},
    "sync.embed_pending_movies": {"queue": "embeddings"},
    "sync.optimize_vectors": {"queue": "embeddings"},
    "sync.rebuild_vectors": {"queue": "embeddings"},
    "sync.rebuild_graph": {"queue": "maintenance"},
    "sync.sweep": {"queue": "maintenance"},
    "catalog.*": {"queue": "maintenance"},
    "rankings.*": {"queue": "maintenance"},
    "personal_data.*": {"queue": "maintenance"},
    "recommendations.*": {"queue": "maintenance"},
}
app.conf.beat_schedule = {
    "sweep-outbox": {"task": "sync.sweep", "schedule": settings.SYNC_SWEEP_INTERVAL_SECONDS},
    "optimize-vector-index": {"task": "sync.optimize_vectors", "schedule": 300.0},
    "recompute-all-rankings": {"task": "rankings.recompute_all", "schedule": 3600.0},
    "recompute-pending-rankings": {"task": "rankings.recompute_pending", "schedule": 30.0},
    # Which trigrams are common changes slowly with the catalogue; a stale list only costs time.
    "refresh-trigram-frequencies": {"task": "catalog.refresh_trigram_frequencies", "schedule": 3600.0},
    "redact-erased-outbox": {"task": "personal_data.redact_erased_outbox", "schedule": 60.0},
    "resend-queued-personal-data-jobs": {"task": "personal_data.resend_queued", "schedule": 60.0},
    # The request-time scoring keeps recommendations fresh between trainings; retraining only
    # moves the neighbour weights, so every few hours is plenty.
    "train-recommender": {
        "task": "recommendations.train",
        "schedule": float(settings.RECOMMENDER_TRAIN_INTERVAL_SECONDS),
    },
}


@worker_init.connect
def _declare_dead_letters(sender=None, **kwargs):
    """On RabbitMQ, the dead-letter exchange and its queue exist before any queue refers to them."""
    if sender is not None and sender.app.conf.task_queues[0].queue_arguments:
        with sender.app.connection_for_write() as connection:
            dead_letter_queue()(connection.default_channel).declare()


@worker_process_init.connect
def _fresh_clients_after_fork(**kwargs):
    """The neo4j driver and the vector client do not survive fork: drop them, they reopen lazily."""
    import graph
    import vectors

    graph.close_driver()
    vectors.close_vector_store()
