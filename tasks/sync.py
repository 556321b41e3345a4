"""Carrying outbox events to the graph and vector projections."""

from celery import shared_task

from backend.projector import graph_apply, rebuild, vector_apply
from backend.sync import sweeper

# Embedding batches (vector_apply.EMBED_BATCH_SIZE each) a worker run drains before yielding the
# worker to other tasks.
EMBED_BATCHES_PER_RUN = 5


@shared_task(name="sync.apply_graph_events")
def apply_graph_events(event_ids: list[int]) -> int:
    return graph_apply.apply_graph_events(event_ids)


@shared_task(name="sync.embed_pending_movies")
def embed_pending_movies() -> int:
    applied = 0
    for _ in range(EMBED_BATCHES_PER_RUN):
        claimed = vector_apply.embed_pending_movies()
        if claimed == 0:
            break
        applied += claimed
    return applied


@shared_task(name="sync.optimize_vectors")
def optimize_vectors() -> None:
    vector_apply.optimize_index()


@shared_task(name="sync.sweep")
def sweep() -> dict[str, int]:
    return sweeper.sweep()


@shared_task(name="sync.rebuild_graph", time_limit=2 * 3600, soft_time_limit=2 * 3600 - 60)
def rebuild_graph() -> int:
    return sum(rebuild.rebuild_graph().values())


@shared_task(name="sync.rebuild_vectors", time_limit=2 * 3600, soft_time_limit=2 * 3600 - 60)
def rebuild_vectors() -> int:
    return rebuild.rebuild_vectors()
