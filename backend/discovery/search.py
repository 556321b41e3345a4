"""The one search box: Postgres's title-first ranking and Qdrant's semantic ranking of the same
text, filtered inside each engine; the semantic candidates re-ranked by the words they share with
the text; both fused (discovery.fusion); the results hydrated in one query.

Postgres is the system of record, so it always answers; when the vector store cannot, the answer
comes from Postgres alone and says so (`semantic_available`), rather than failing the request.
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import vectors
from backend.catalog.models import Movie
from backend.catalog.selectors import movies_in_order_one_query, word_overlap
from backend.catalog.title_search import TitleMatch, rank_by_title
from backend.discovery.fusion import FusedHit, SemanticHit, TitleHit, fuse, rerank_by_word_overlap
from vectors.errors import VectorStoreUnavailable
from vectors.types import SearchFilter

logger = logging.getLogger(__name__)

# Each engine ranks this many candidates (or the limit, if higher) for the fusion to choose from.
CANDIDATES_PER_ENGINE = 50
# The semantic side (encode, then Qdrant) runs on these threads while the request's thread asks
# Postgres, so a search costs the slower of the two rather than their sum; as many as the web
# server's threads (waitress runs 8), so one request never waits for another's.
SEMANTIC_THREADS = 8

_executor_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_executor_pid: int | None = None


@dataclass(frozen=True)
class SearchResult:
    movie: Movie
    hit: FusedHit


@dataclass(frozen=True)
class SearchAnswer:
    results: list[SearchResult]
    semantic_available: bool


def title_ranking(text: str, search_filter: SearchFilter, *, limit: int) -> list[TitleHit]:
    """Postgres's side: the title-first ranking with the filters in SQL. Two queries (typos, ranking)."""
    movies = Movie.objects.all()
    if search_filter.genre is not None:
        movies = movies.filter(genres__name=search_filter.genre)
    if search_filter.year_min is not None:
        movies = movies.filter(year__gte=search_filter.year_min)
    if search_filter.year_max is not None:
        movies = movies.filter(year__lte=search_filter.year_max)
    if search_filter.language is not None:
        movies = movies.filter(original_language=search_filter.language)
    rows = rank_by_title(movies, text).values_list("id", "title_match", "title_similarity")[:limit]  # type: ignore[misc]  # annotations
    return [TitleHit(movie_id, TitleMatch(match), similarity) for movie_id, match, similarity in rows]


def semantic_ranking(text: str, search_filter: SearchFilter, *, limit: int) -> list[SemanticHit]:
    """Qdrant's side: the nearest plot embeddings to the text's, the filters inside Qdrant.
    Raises VectorStoreUnavailable."""
    query = vectors.get_embedder().encode([text])[0]
    return [
        SemanticHit(hit.movie_id, hit.score) for hit in vectors.get_vector_store().search(query, limit, search_filter)
    ]


def _semantic_executor() -> ThreadPoolExecutor:
    """The process's pool, created on first use and again after a fork (threads do not survive one)."""
    global _executor, _executor_pid
    with _executor_lock:
        if _executor is None or _executor_pid != os.getpid():
            _executor = ThreadPoolExecutor(max_workers=SEMANTIC_THREADS, thread_name_prefix="semantic-search")
            _executor_pid = os.getpid()
        return _executor


def search(text: str, *, limit: int, search_filter: SearchFilter) -> SearchAnswer:
    """The best `limit` movies for `text`, whichever it describes: a title or what happens in a film.
    Four Postgres queries (typos, the title ranking, the semantic candidates' word overlap, the
    hydration of the results) and one Qdrant search."""
    candidates = max(limit, CANDIDATES_PER_ENGINE)
    semantic = _semantic_executor().submit(semantic_ranking, text, search_filter, limit=candidates)
    title_hits = title_ranking(text, search_filter, limit=candidates)
    try:
        semantic_hits = semantic.result()
        semantic_available = True
    except VectorStoreUnavailable as error:
        logger.warning("search answers from Postgres alone: the vector store is unavailable: %s", error)
        semantic_hits, semantic_available = [], False
    overlap = word_overlap([hit.movie_id for hit in semantic_hits], text)
    fused = fuse(title_hits, rerank_by_word_overlap(semantic_hits, overlap), limit=limit)
    movies = {movie.id: movie for movie in movies_in_order_one_query([hit.movie_id for hit in fused])}
    # A movie the vector store still has after Postgres deleted it is dropped (the sync lag).
    results = [SearchResult(movies[hit.movie_id], hit) for hit in fused if hit.movie_id in movies]
    return SearchAnswer(results, semantic_available)
