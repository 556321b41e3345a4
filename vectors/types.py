"""Plain values exchanged with the vector store; no Django, no driver types."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# Payload keys stored on every point; filters and payload indexes use these names.
GENRES_FIELD = "genres"
YEAR_FIELD = "year"
LANGUAGE_FIELD = "language"
CONTENT_HASH_FIELD = "content_hash"
VERSION_FIELD = "version"

VectorLike = Sequence[float] | np.ndarray


@dataclass(frozen=True)
class MoviePayload:
    """What is stored beside a movie's vector: enough to filter and to reconcile."""

    movie_id: int
    title: str
    year: int | None
    genres: tuple[str, ...]
    language: str
    rank_score: float
    content_hash: str
    version: int

    def as_payload(self) -> dict[str, Any]:
        """The JSON payload written to Qdrant (genres as a list so keyword match works per genre)."""
        return {
            "movie_id": self.movie_id,
            "title": self.title,
            YEAR_FIELD: self.year,
            GENRES_FIELD: list(self.genres),
            LANGUAGE_FIELD: self.language,
            "rank_score": self.rank_score,
            CONTENT_HASH_FIELD: self.content_hash,
            VERSION_FIELD: self.version,
        }


@dataclass(frozen=True)
class MoviePoint:
    """One movie to upsert; the Qdrant point id is `movie_id`.

    `vector` may be any 1-D float sequence (tuple, list) or a numpy array, e.g.
    a row of `Embedder.encode(...)`; it is converted to a float list at the store
    boundary. Its length must equal the collection dimension. Because a numpy
    array is not hashable, do not hash points that carry one.
    """

    movie_id: int
    vector: VectorLike
    payload: MoviePayload


@dataclass(frozen=True)
class SearchFilter:
    """Payload conditions applied inside Qdrant (not after the search), all ANDed.

    `genre` matches when it is one of the movie's genres; `year_min`/`year_max`
    are inclusive; movies without a year never match a year bound.
    """

    genre: str | None = None
    year_min: int | None = None
    year_max: int | None = None
    language: str | None = None


@dataclass(frozen=True)
class ScoredMovie:
    """A search hit; `score` is cosine similarity for searches (higher is closer)."""

    movie_id: int
    score: float


@dataclass(frozen=True)
class StoredMovie:
    """What reconcile needs to know about a stored point."""

    movie_id: int
    content_hash: str
    version: int


def vector_as_list(vector: VectorLike) -> list[float]:
    """Plain float list for the drivers, which reject numpy scalars."""
    if isinstance(vector, np.ndarray):
        return vector.astype(np.float32, copy=False).ravel().tolist()
    return [float(value) for value in vector]
