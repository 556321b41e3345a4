"""All Neo4j access: one driver per process (created lazily), the projection writes and the graph
questions. Never imports Django. See graph/README.md for the graph model."""

from graph.driver import close_driver, configure, get_driver

__all__ = ["close_driver", "configure", "get_driver"]
