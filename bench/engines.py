"""The engines a benchmark with a real sync needs: the embedded Postgres, a Redis broker without
persistence and an ArcadeDB Bolt engine, under `data_dir`; this process's environment points at
them, so Django, Celery and worker processes started afterwards use them."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from embedded.graph import EmbeddedGraphServer, free_port
from embedded.postgres import use_embedded_postgres
from embedded.redis import EmbeddedRedis

GRAPH_START_TIMEOUT_SECONDS = 300.0


def start_engines(data_dir: Path) -> tuple[EmbeddedRedis, EmbeddedGraphServer]:
    broker = EmbeddedRedis(data_dir / "redis", append_only=False)
    broker.start()
    os.environ["CELERY_BROKER_URL"] = broker.broker_url
    return broker, start_graph(data_dir)


def start_graph(data_dir: Path) -> EmbeddedGraphServer:
    """The embedded Postgres and an ArcadeDB Bolt engine, without a broker (tasks go nowhere)."""
    use_embedded_postgres()
    bolt_port = free_port()
    http_port = next(port for port in iter(free_port, None) if port != bolt_port)
    graph_server = EmbeddedGraphServer(data_dir / "graph", bolt_port, http_port, secrets.token_urlsafe(16))
    # A bench often shares the machine with builds and test runs: the JVM may need minutes to answer.
    graph_server.start(timeout=GRAPH_START_TIMEOUT_SECONDS)
    settings = graph_server.settings()
    os.environ.update(
        NEO4J_URI=settings.uri,
        NEO4J_USER=settings.user,
        NEO4J_PASSWORD=settings.password,
        NEO4J_DATABASE=settings.database,
    )
    return graph_server
