"""Connection and tuning settings for the vector store and the embedder.

Plain values only: the Django settings module builds one of these from the
environment and hands it to `vectors.configure`.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class VectorSettings:
    """Which Qdrant to use and how to index and embed.

    Backend choice: `url` set -> Qdrant server through qdrant-client
    (`url == ":memory:"` -> qdrant-client's local in-memory mode, used by tests
    to run the server code path without a server); otherwise `path` -> an
    embedded Qdrant Edge shard stored in that directory (single process only).

    HNSW parameters: https://qdrant.tech/documentation/concepts/indexing/#vector-index
    """

    url: str | None = None
    api_key: str | None = None
    path: str | None = None
    collection: str = "movies"
    hnsw_m: int = 16
    hnsw_ef_construct: int = 100
    search_ef: int = 128
    timeout_seconds: float = 5.0
    embedding_model: str | None = None
    embedding_device: str = "cpu"
    embedding_batch_size: int = 64
