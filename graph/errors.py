"""The two failure shapes of the graph store that callers act on.

`GraphUnavailable` means "try again later" (tasks retry, the API answers 503);
`GraphRejected` means "this request will never succeed" (tasks dead-letter,
the API answers 400). Driver exceptions are translated in `graph.driver`.
"""

from __future__ import annotations


class GraphError(Exception):
    """Base class of every error raised by the `graph` package."""


class GraphUnavailable(GraphError):
    """The store could not be reached or did not answer in time; retrying may succeed."""


class GraphRejected(GraphError):
    """The store refused the request (syntax, constraint, type error); retrying will not help."""
