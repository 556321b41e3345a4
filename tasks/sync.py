"""Carrying outbox events to the graph and vector projections."""

from celery import shared_task

from backend.sync import graph_sync, sweeper, vector_sync

# Embedding batches a worker run drains before yielding the worker to other tasks.
EMBED_BATCHES_PER_RUN = 20


@shared_task(name="sync.apply_graph_events")
def apply_graph_events(event_ids: list[int]) -> int:
    return graph_sync.apply_graph_events(event_ids)


@shared_task(name="sync.embed_pending_movies")
def embed_pending_movies() -> int:
    applied = 0
    for _ in range(EMBED_BATCHES_PER_RUN):
        claimed = vector_sync.embed_pending_movies()
        if claimed == 0:
            break
        applied += claimed
    return applied


@shared_task(name="sync.optimize_vectors")
def optimize_vectors() -> None:
    vector_sync.optimize_index()


@shared_task(name="sync.sweep")
def sweep() -> dict[str, int]:
    return sweeper.sweep()


@shared_task(name="sync.rebuild", time_limit=2 * 3600, soft_time_limit=2 * 3600 - 60)
def rebuild(target: str) -> int:
    from backend.sync.rebuild import rebuild_graph, rebuild_vectors

    if target == "graph":
        return sum(rebuild_graph().values())
    return rebuild_vectors()
