"""Movie vectors: the Qdrant store (server or embedded Edge) and the sentence embedder.

Never imports Django. One store and one embedder per process, created lazily on
first use (never at import) and recreated after `configure()` or a fork.
"""

import os
import threading

from vectors.bootstrap import bootstrap
from vectors.embedder import Embedder
from vectors.errors import (
    PointsNotFound,
    VectorShardLocked,
    VectorSizeMismatch,
    VectorStoreError,
    VectorStoreRejected,
    VectorStoreUnavailable,
)
from vectors.settings import VectorSettings
from vectors.store import VectorStore
from vectors.text import content_hash, movie_embedding_text
from vectors.types import (
    MoviePayload,
    MoviePoint,
    ScoredMovie,
    SearchFilter,
    StoredMovie,
)

__all__ = [
    "Embedder",
    "MoviePayload",
    "MoviePoint",
    "PointsNotFound",
    "ScoredMovie",
    "SearchFilter",
    "StoredMovie",
    "VectorSettings",
    "VectorShardLocked",
    "VectorSizeMismatch",
    "VectorStore",
    "VectorStoreError",
    "VectorStoreRejected",
    "VectorStoreUnavailable",
    "bootstrap",
    "close_vector_store",
    "configure",
    "content_hash",
    "get_embedder",
    "get_vector_store",
    "movie_embedding_text",
]

_store_lock = threading.Lock()
# Separate so a model load (seconds) does not block getting the store.
_embedder_lock = threading.Lock()
_settings = VectorSettings()
_store: VectorStore | None = None
_store_pid: int | None = None
_embedder: Embedder | None = None
# Stores inherited through fork: never used nor closed in the child (closing would flush
# or unlock the parent's shard), only kept referenced so they are not finalized here.
_inherited_stores: list[VectorStore] = []


def configure(settings: VectorSettings) -> None:
    """Use these settings from now on: closes the current store so the next
    get_vector_store() opens one for them. The loaded embedder is kept when the
    embedding settings are unchanged (reloading the model takes seconds) and dropped
    otherwise, so the next get_embedder() loads the new model."""
    global _settings, _embedder
    with _store_lock, _embedder_lock:
        if _embedding_settings(settings) != _embedding_settings(_settings):
            _embedder = None
        _settings = settings
        _close_store_locked()


def _embedding_settings(settings: VectorSettings) -> tuple[str | None, str, int]:
    """The settings an Embedder is built from; equal values give an identical embedder."""
    return (
        settings.embedding_model,
        settings.embedding_device,
        settings.embedding_batch_size,
    )


def create_vector_store(settings: VectorSettings) -> VectorStore:
    """A new store for these settings (server when url is set, else Edge at path)."""
    if settings.url:
        from vectors.server_backend import ServerVectorStore

        return ServerVectorStore(settings)
    if settings.path:
        from vectors.edge_backend import EdgeVectorStore

        return EdgeVectorStore(settings)
    raise VectorStoreUnavailable("Vector store not configured: set QDRANT_URL or QDRANT_PATH")


def get_vector_store() -> VectorStore:
    """The process's store, created on first call. Thread-safe.

    Raises VectorShardLocked when the Edge shard belongs to another process.
    """
    global _store, _store_pid
    with _store_lock:
        if _store is not None and _store_pid != os.getpid():
            _inherited_stores.append(_store)
            _store = None
        if _store is None:
            _store = create_vector_store(_settings)
            _store_pid = os.getpid()
        return _store


def get_embedder() -> Embedder:
    """The process's embedder; the model is loaded on the first call. Thread-safe."""
    global _embedder
    with _embedder_lock:
        if _embedder is None:
            _embedder = Embedder(_settings)
        return _embedder


def close_vector_store() -> None:
    """Close the process's store if one is open (flushes and unlocks an Edge shard). Idempotent."""
    with _store_lock:
        _close_store_locked()


def _close_store_locked() -> None:
    global _store
    store, _store = _store, None
    if store is not None and _store_pid == os.getpid():
        store.close()
