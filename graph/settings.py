"""Connection settings for the graph store (Neo4j 5 in production, ArcadeDB over Bolt locally)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GraphSettings:
    """Everything `graph.driver` needs to reach one graph database.

    Timeouts are deliberately short: a graph query is an optional enrichment
    of an API answer, so a slow or absent store must fail fast (503) rather
    than hold a request thread.
    """

    uri: str
    user: str
    password: str
    database: str = "neo4j"
    query_timeout_seconds: float = 5.0
    connection_timeout_seconds: float = 3.0
    max_connection_pool_size: int = 50
    # The driver retries transient failures inside execute_read/execute_write
    # for this long (its default is 30 s, far too long for a request thread).
    max_transaction_retry_seconds: float = 3.0
