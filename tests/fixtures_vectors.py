"""Pytest fixtures for vectors/ tests (a plugin module: load with pytest_plugins).

No Django: stores run against real Qdrant engines, an Edge shard in tmp_path
and qdrant-client's in-memory local mode for the server code path.
"""

from collections.abc import Iterator, Sequence

import numpy as np
import pytest

from vectors.edge_backend import EdgeVectorStore
from vectors.embedder import Embedder
from vectors.server_backend import ServerVectorStore
from vectors.settings import VectorSettings
from vectors.store import VectorStore
from vectors.types import MoviePayload, MoviePoint

CONTRACT_DIMENSION = 8
VECTOR_BACKENDS = ("edge", "server")


def backend_settings(backend: str, shard_directory: str) -> VectorSettings:
    """Settings selecting one backend: Edge on a directory or qdrant-client local mode."""
    if backend == "edge":
        return VectorSettings(path=shard_directory)
    return VectorSettings(url=":memory:")


def open_store(settings: VectorSettings) -> VectorStore:
    return ServerVectorStore(settings) if settings.url else EdgeVectorStore(settings)


def unit_vectors(count: int, dimension: int, seed: int) -> np.ndarray:
    """`count` random float32 vectors of unit length."""
    vectors = np.random.default_rng(seed).standard_normal((count, dimension)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def movie_point(
    movie_id: int,
    vector: Sequence[float] | np.ndarray,
    genres: Sequence[str] = ("Drama",),
    year: int | None = 2000,
    language: str = "en",
    version: int = 1,
    content_hash: str = "hash",
) -> MoviePoint:
    return MoviePoint(
        movie_id=movie_id,
        vector=vector,
        payload=MoviePayload(
            movie_id=movie_id,
            title=f"Movie {movie_id}",
            year=year,
            genres=tuple(genres),
            language=language,
            rank_score=0.5,
            content_hash=content_hash,
            version=version,
        ),
    )


@pytest.fixture(params=VECTOR_BACKENDS)
def vector_backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def vector_settings(vector_backend: str, tmp_path) -> VectorSettings:
    return backend_settings(vector_backend, str(tmp_path / "shard"))


@pytest.fixture
def vector_store(vector_settings: VectorSettings) -> Iterator[VectorStore]:
    """An empty store with a CONTRACT_DIMENSION collection, on each backend; closed afterwards."""
    store = open_store(vector_settings)
    store.ensure_collection(CONTRACT_DIMENSION)
    yield store
    store.close()


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The real bundled all-MiniLM-L6-v2 on CPU, loaded once per test session."""
    return Embedder(VectorSettings())
