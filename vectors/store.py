"""The `VectorStore` contract that both Qdrant backends implement.

Both backends store one point per movie (point id = movie id) in one
collection with cosine distance, and raise only `vectors.errors` exceptions.
"""

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from vectors.types import MoviePoint, ScoredMovie, SearchFilter, StoredMovie, VectorLike

# Recommend uses Qdrant's best_score strategy on both backends: a candidate is
# scored by its similarity to the closest positive example, penalised when it is
# closer to a negative one. Unlike average_vector it keeps distinct tastes apart
# (liking both horror and musicals does not recommend horror musicals), and it is
# the strategy Qdrant Edge offers. Its cost grows with the number of examples.
RECOMMEND_STRATEGY = "best_score"


@runtime_checkable
class VectorStore(Protocol):
    """Movie vectors in Qdrant. Every method may raise VectorStoreUnavailable."""

    def ensure_collection(self, dimension: int) -> None:
        """Create the collection (cosine, HNSW from settings, payload indexes on genres,
        year, language) unless it exists. Idempotent.

        Raises VectorSizeMismatch when it exists with another vector size.
        """

    def upsert(self, points: Sequence[MoviePoint]) -> None:
        """Insert or replace points by movie id; durable when it returns. Idempotent."""

    def delete(self, movie_ids: Sequence[int]) -> None:
        """Remove these movies; ids not stored are ignored. Idempotent."""

    def search(
        self,
        vector: VectorLike,
        limit: int,
        search_filter: SearchFilter | None = None,
        exclude_ids: Sequence[int] = (),
    ) -> list[ScoredMovie]:
        """Up to `limit` movies nearest to `vector`, best first, matching the filter and
        not in `exclude_ids` (both applied inside Qdrant, so `limit` hits come back when
        that many match)."""

    def recommend(
        self,
        positive_ids: Sequence[int],
        negative_ids: Sequence[int],
        limit: int,
        search_filter: SearchFilter | None = None,
    ) -> list[ScoredMovie]:
        """Up to `limit` movies like the positives and unlike the negatives (best_score
        strategy), best first, never one of the example ids.

        Raises PointsNotFound when an example id is not stored; needs one positive id.
        """

    def get_vector(self, movie_id: int) -> tuple[float, ...] | None:
        """The stored (unit-length) vector of a movie, or None when it is not stored."""

    def get_vectors(self, movie_ids: Sequence[int]) -> dict[int, tuple[float, ...]]:
        """The stored vectors of these movies in one call; ids not stored are absent."""

    def has(self, movie_id: int) -> bool:
        """Whether a point for this movie is stored."""

    def stored_movies(self) -> list[StoredMovie]:
        """Every stored movie's id, content hash and version (scrolls the whole
        collection in pages, payload fields only, no vectors)."""

    def stored_states(self, movie_ids: Sequence[int]) -> dict[int, StoredMovie]:
        """Content hash and version per id, for the ids that are stored (missing ids are absent)."""

    def stored_versions(self, movie_ids: Sequence[int]) -> dict[int, int]:
        """Stored version per id, for the ids that are stored (missing ids are absent)."""

    def count(self) -> int:
        """Exact number of stored points."""

    def optimize(self) -> None:
        """Build pending HNSW indexes now, blocking. Edge only does this when asked (or when
        enough unindexed points pile up); the server optimizes in the background, so it is
        a no-op there. Call it after a bulk load."""

    def ping(self) -> None:
        """Cheap health check; raises VectorStoreUnavailable when the store cannot answer."""

    def clear(self) -> None:
        """Delete every point, keep the collection and its indexes (for rebuilds and tests)."""

    def close(self) -> None:
        """Release the connection or the shard (flushing it). Idempotent; the store is
        unusable afterwards (calls raise VectorStoreUnavailable)."""
