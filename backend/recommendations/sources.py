"""The four candidate sources, each declared once: its name, its fusion weight and how it answers.

Each reads the store made for it: collaborative the trained neighbour lists (Postgres), content the
plot vectors (Qdrant), social the follow and like graph (Neo4j, under `graph.privacy`), popularity
the Bayesian rank (Postgres). A source whose store is down raises its store's error; the fused list
(`backend.recommendations.selectors`) then answers from the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.db import connection

import vectors
from backend.core.sql import int_array
from backend.recommendations.history import UserTaste
from backend.recommendations.neighbour_rows import served_lists
from graph import queries as graph_queries
from recommender.content import taste_vector
from recommender.fusion import DEFAULT_WEIGHTS
from recommender.neighbours import score_history
from vectors.types import SearchFilter

CANDIDATES_PER_SOURCE = 100


@dataclass(frozen=True)
class Filters:
    genre: str | None = None
    year_min: int | None = None
    year_max: int | None = None


@dataclass(frozen=True)
class Candidate:
    """A movie one source proposes, with what its reason needs: the history film behind it
    (collaborative, content), the followees behind it (social: a count and the visible ids)."""

    movie_id: int
    score: float
    because_movie_id: int | None = None
    friend_count: int = 0
    friend_ids: tuple[int, ...] = field(default_factory=tuple)


SourceFunction = Callable[[UserTaste, set[int], Filters], list[Candidate]]


@dataclass(frozen=True)
class Source:
    name: str
    weight: float
    store: str
    candidates: SourceFunction


def collaborative(taste: UserTaste, excluded: set[int], filters: Filters) -> list[Candidate]:
    """The user's current history scored against the trained EASE neighbour lists (held in
    memory per training run, `backend.recommendations.neighbour_rows.served_lists`)."""
    history = taste.history()
    lists = served_lists(taste.model_key) if history else None
    if lists is None:
        return []
    history_ids = np.asarray(history, dtype=np.int64)
    sources, targets, weights = lists.rows_for(history_ids)
    if len(sources) == 0:
        return []
    scored = score_history(
        history_ids,
        np.ones(len(history)),
        sources,
        targets,
        weights,
        exclude=np.fromiter(excluded, dtype=np.int64, count=len(excluded)),
        # Filters apply later, on the fused list, so keep extra for a narrow filter.
        limit=CANDIDATES_PER_SOURCE * 3,
    )
    return [
        Candidate(int(m), float(s), because_movie_id=int(b))
        for m, s, b in zip(scored.item_ids.tolist(), scored.scores.tolist(), scored.because.tolist(), strict=True)
        if s > 0
    ]


def content(taste: UserTaste, excluded: set[int], filters: Filters) -> list[Candidate]:
    """Films nearest to the taste vector of what the user liked or rated highly, pushed away from
    what they rated low or hid. The reason names the liked film whose plot is closest."""
    positives = taste.positives()
    if not positives:
        return []
    negatives = taste.negatives()
    store = vectors.get_vector_store()
    found = store.get_vectors(positives + negatives)
    pos_vectors = [found[m] for m in positives if m in found]
    neg_vectors = [found[m] for m in negatives if m in found]
    if not pos_vectors:
        return []
    pos_matrix = np.asarray(pos_vectors, dtype=np.float64)
    taste_vec = taste_vector(pos_matrix, np.asarray(neg_vectors, dtype=np.float64) if neg_vectors else None)
    if taste_vec is None:
        return []
    hits = store.search(
        taste_vec.tolist(),
        CANDIDATES_PER_SOURCE,
        SearchFilter(genre=filters.genre, year_min=filters.year_min, year_max=filters.year_max),
        exclude_ids=sorted(excluded),
    )
    return [Candidate(h.movie_id, h.score) for h in hits]


def closest_positive(taste: UserTaste, movie_ids: list[int]) -> dict[int, int]:
    """For content reasons on one page: the liked film whose plot vector is nearest to each movie
    (one vector read for the positives and the page together)."""
    positives = taste.positives()
    if not positives or not movie_ids:
        return {}
    found = vectors.get_vector_store().get_vectors(positives + [m for m in movie_ids if m not in positives])
    pos_ids = [m for m in positives if m in found]
    page_ids = [m for m in movie_ids if m in found]
    if not pos_ids or not page_ids:
        return {}
    pos_matrix = np.asarray([found[m] for m in pos_ids], dtype=np.float64)
    page_matrix = np.asarray([found[m] for m in page_ids], dtype=np.float64)
    nearest = np.argmax(page_matrix @ pos_matrix.T, axis=1)
    return {movie_id: pos_ids[int(best)] for movie_id, best in zip(page_ids, nearest, strict=True)}


def social(taste: UserTaste, excluded: set[int], filters: Filters) -> list[Candidate]:
    """What the people the user follows liked or rated highly, counted and named only where the
    privacy rule lets the user see it (graph.privacy.activity_visible, blocks both ways included)."""
    answers = graph_queries.friends_liked(
        taste.user_id, genre=filters.genre, limit=CANDIDATES_PER_SOURCE, hidden_ids=sorted(taste.hidden_users)
    )
    return [
        Candidate(a.movie_id, float(a.friend_count), friend_count=a.friend_count, friend_ids=tuple(a.friend_ids))
        for a in answers
        if a.movie_id not in excluded
    ]


_POPULAR = """
    SELECT m.id, m.rank_score FROM catalog_movie m
    WHERE NOT (m.id = ANY(%(excluded)s::bigint[]))
      AND (%(year_min)s::int IS NULL OR m.year >= %(year_min)s)
      AND (%(year_max)s::int IS NULL OR m.year <= %(year_max)s)
      AND (cardinality(%(genres)s::text[]) = 0 OR EXISTS (
          SELECT 1 FROM catalog_movie_genres mg JOIN catalog_genre g ON g.id = mg.genre_id
          WHERE mg.movie_id = m.id AND g.name = ANY(%(genres)s)))
    ORDER BY m.rank_position NULLS LAST, m.popularity DESC, m.id
    LIMIT %(limit)s
"""


def popularity(taste: UserTaste, excluded: set[int], filters: Filters) -> list[Candidate]:
    """The catalogue's Bayesian rank, within the genre filter, else within the user's favourite
    genres when they set some: the cold start and the fallback."""
    genres = [filters.genre] if filters.genre else list(taste.favourite_genres)
    with connection.cursor() as cursor:
        cursor.execute(
            _POPULAR,
            {
                "excluded": int_array(sorted(excluded)),
                "year_min": filters.year_min,
                "year_max": filters.year_max,
                "genres": genres,
                "limit": CANDIDATES_PER_SOURCE,
            },
        )
        return [Candidate(movie_id, float(score)) for movie_id, score in cursor.fetchall()]


SOURCES: tuple[Source, ...] = (
    Source("collaborative", DEFAULT_WEIGHTS["collaborative"], "postgres", collaborative),
    Source("content", DEFAULT_WEIGHTS["content"], "vectors", content),
    Source("social", DEFAULT_WEIGHTS["social"], "graph", social),
    Source("popularity", DEFAULT_WEIGHTS["popularity"], "postgres", popularity),
)
