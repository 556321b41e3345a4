"""The errors `vectors/` raises; driver exceptions never escape this package.

Callers need one decision from an error: retry later (`VectorStoreUnavailable`,
API answers 503) or give up on this input (`VectorStoreRejected`, dead letter
or API 400).
"""

from collections.abc import Iterable


class VectorStoreError(Exception):
    """Base of every error raised by `vectors/`."""


class VectorStoreUnavailable(VectorStoreError):
    """The store cannot answer now (down, timeout, 5xx, closed, not bootstrapped); retry later."""


class VectorStoreRejected(VectorStoreError):
    """The store refused this request (bad input, wrong dimension); retrying will not help."""


class VectorShardLocked(VectorStoreUnavailable):
    """Another process holds the embedded Qdrant Edge shard directory."""

    def __init__(self, path: str) -> None:
        super().__init__(
            f"The embedded Qdrant Edge shard at {path!r} is already opened by another "
            "process. An embedded Edge shard is single-process: run one process that "
            "owns it, or set QDRANT_URL to use a Qdrant server for multi-process "
            "deployments (several web workers, Celery workers)."
        )
        self.path = path


class VectorSizeMismatch(VectorStoreError):
    """The existing collection stores vectors of another size than the embedding model makes."""

    def __init__(self, collection: str, stored_dimension: int, model_dimension: int) -> None:
        super().__init__(
            f"Vector collection {collection!r} stores {stored_dimension}-dimensional vectors "
            f"but the embedding model produces {model_dimension}-dimensional ones. Rebuild "
            "the collection (drop it and re-ingest) or configure the model it was built with."
        )
        self.collection = collection
        self.stored_dimension = stored_dimension
        self.model_dimension = model_dimension


class PointsNotFound(VectorStoreError, KeyError):
    """Some ids given as examples are not in the store (e.g. movie not ingested yet)."""

    def __init__(self, missing_ids: Iterable[int]) -> None:
        self.missing_ids = tuple(sorted(missing_ids))
        super().__init__(f"Movies not in the vector store: {list(self.missing_ids)}")

    def __str__(self) -> str:
        # KeyError.__str__ would repr() the message and wrap it in quotes.
        return str(self.args[0])
