"""The fused recommendation list: candidates from every source, fused, filtered, explained.

Per request: the user's taste from Postgres (one query), each source's candidates (a source whose
store is down is reported missing and the others answer), weighted reciprocal rank fusion
(recommender.fusion), the filters and the genre cap on the first page, then one page hydrated with
its reasons. Pages are cached per user under a key made of the user's own state, so their own
rating, like, hide or preference change is a new key (a new list at once), and a retrain too.
"""

from __future__ import annotations

import hashlib
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from rest_framework.renderers import JSONRenderer

from backend.catalog.models import Movie
from backend.catalog.selectors import movies_in_order_one_query
from backend.recommendations.history import UserTaste, excluded_movie_ids, user_taste
from backend.recommendations.sources import SOURCES, Candidate, Filters, closest_positive
from backend.social.privacy import visible_owners
from graph.errors import GraphError
from recommender.diversity import cap_genres_first_page
from recommender.fusion import fuse
from vectors.errors import VectorStoreError

logger = logging.getLogger(__name__)
User = get_user_model()

SOURCE_OK = "ok"
SOURCE_UNAVAILABLE = "unavailable"
SOURCE_EMPTY = "empty"
SHOWN_FRIENDS = 3


@dataclass(frozen=True)
class Reason:
    source: str
    text: str
    movie: dict[str, Any] | None = None
    users: list[Any] = field(default_factory=list)
    count: int | None = None
    genre: str | None = None


@dataclass
class Recommendation:
    movie: Any
    score: float
    sources: list[str]
    reasons: list[Reason]


@dataclass
class RecommendationPage:
    sources: dict[str, str]
    page: int
    has_next: bool
    results: list[Recommendation]


# The graph and the vector store answer over a socket or in native code, so their sources run on
# these threads while the Postgres sources run on the request's (they use no Django connection).
_CONCURRENT_STORES = frozenset({"graph", "vectors"})
_store_threads = ThreadPoolExecutor(max_workers=len(_CONCURRENT_STORES), thread_name_prefix="recommendation-source")


def _candidates(taste: UserTaste, excluded: set[int], filters: Filters):
    pending = {
        source.name: _store_threads.submit(source.candidates, taste, excluded, filters)
        for source in SOURCES
        if source.store in _CONCURRENT_STORES
    }
    by_source: dict[str, list[Candidate]] = {}
    status: dict[str, str] = {}
    for source in SOURCES:
        try:
            if source.name in pending:
                found = pending[source.name].result()
            else:
                found = source.candidates(taste, excluded, filters)
        except (GraphError, VectorStoreError) as error:
            logger.warning("recommendation source %s unavailable: %s", source.name, error)
            status[source.name] = SOURCE_UNAVAILABLE
            continue
        by_source[source.name] = found
        status[source.name] = SOURCE_OK if found else SOURCE_EMPTY
    return by_source, status


_FACTS = """
    SELECT m.id, m.year, coalesce(array_agg(g.name ORDER BY g.name) FILTER (WHERE g.name IS NOT NULL), '{}')
    FROM catalog_movie m
    LEFT JOIN catalog_movie_genres mg ON mg.movie_id = m.id
    LEFT JOIN catalog_genre g ON g.id = mg.genre_id
    WHERE m.id = ANY(%s)
    GROUP BY m.id
"""


def _facts(movie_ids: list[int]) -> dict[int, tuple[int | None, list[str]]]:
    """Year and genres of each candidate still in the catalogue, in one query."""
    if not movie_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_FACTS, [movie_ids])
        return {movie_id: (year, list(genres)) for movie_id, year, genres in cursor.fetchall()}


def _passes(facts: tuple[int | None, list[str]], filters: Filters) -> bool:
    year, genres = facts
    if filters.genre and filters.genre not in genres:
        return False
    if filters.year_min is not None and (year is None or year < filters.year_min):
        return False
    return not (filters.year_max is not None and (year is None or year > filters.year_max))


def fused_ranking(taste: UserTaste, filters: Filters, page_size: int):
    """(ranked movie ids, per-source candidates by movie, source status, genres by movie)."""
    excluded = excluded_movie_ids(taste)
    by_source, status = _candidates(taste, excluded, filters)
    weights = {source.name: source.weight for source in SOURCES}
    fused = fuse({name: [c.movie_id for c in found] for name, found in by_source.items()}, weights)
    facts = _facts([movie_id for movie_id, _ in fused])
    ranked = [m for m, _ in fused if m in facts and m not in excluded and _passes(facts[m], filters)]
    genres = {m: facts[m][1] for m in ranked}
    if not filters.genre:
        ranked = cap_genres_first_page(ranked, genres, page_size)
    scores = dict(fused)
    proposals: dict[int, dict[str, Candidate]] = {}
    for name, found in by_source.items():
        for candidate in found:
            proposals.setdefault(candidate.movie_id, {}).setdefault(name, candidate)
    return ranked, scores, proposals, status, genres


def _cache_key(taste: UserTaste, filters: Filters, page: int, page_size: int) -> str:
    state = repr((taste.fingerprint, filters, page, page_size)).encode()
    return f"recommendations:{taste.user_id}:{hashlib.sha1(state).hexdigest()}"


def recommendations_body(viewer, filters: Filters, *, page: int, page_size: int) -> bytes:
    """One page of the fused list as its JSON body (RecommendationPageSerializer), from the cache
    when the user's state has not changed since it was made: a hit is one state query and one
    cache read, with nothing to serialize or render."""
    taste = user_taste(viewer.id)
    key = _cache_key(taste, filters, page, page_size)
    cached = cache.get(key)
    if cached is not None:
        return cached
    data, status = _page(viewer, taste, filters, page, page_size)
    body = JSONRenderer().render(data)
    # A page missing a source is not cached: the store's return should show at once.
    if all(s != SOURCE_UNAVAILABLE for s in status.values()):
        cache.set(key, body, settings.RECOMMENDATIONS_CACHE_SECONDS)
    return body


def _page(viewer, taste: UserTaste, filters: Filters, page: int, page_size: int) -> tuple[dict[str, Any], dict]:
    from backend.recommendations.serializers import RecommendationPageSerializer

    ranked, scores, proposals, status, genres = fused_ranking(taste, filters, page_size)
    start = (page - 1) * page_size
    page_ids = ranked[start : start + page_size]
    answer = RecommendationPage(
        sources=status,
        page=page,
        has_next=len(ranked) > start + page_size,
        results=_explain(viewer, taste, filters, page_ids, scores, proposals, genres),
    )
    return RecommendationPageSerializer(answer).data, status


def _explain(viewer, taste, filters, page_ids, scores, proposals, genres) -> list[Recommendation]:
    movies = movies_in_order_one_query(page_ids)
    content_ids = [m for m in page_ids if "content" in proposals.get(m, {})]
    try:
        plot_like = closest_positive(taste, content_ids)
    except VectorStoreError:
        plot_like = {}
    # Only the page's reasons are named: the titles of the films behind them, in one narrow query.
    because_ids = {c.because_movie_id for m in page_ids for c in proposals.get(m, {}).values() if c.because_movie_id}
    because_ids |= set(plot_like.values())
    titles = dict(Movie.objects.filter(id__in=because_ids).values_list("id", "title")) if because_ids else {}
    friend_ids = {uid for m in page_ids for c in proposals.get(m, {}).values() for uid in c.friend_ids}
    # The graph applied the privacy rule; Postgres applies it again, so a privacy change the graph
    # has not caught up with still never names a private user.
    friends = (
        User.objects.filter(visible_owners(viewer), id__in=friend_ids).select_related("profile").in_bulk()
        if friend_ids
        else {}
    )
    results = []
    for movie in movies:
        found = proposals.get(movie.id, {})
        reasons = []
        collaborative = found.get("collaborative")
        if collaborative and collaborative.because_movie_id in titles:
            title = titles[collaborative.because_movie_id]
            verb = "liked" if collaborative.because_movie_id in taste.likes else "rated"
            reasons.append(
                Reason(
                    "collaborative",
                    f"because you {verb} {title}",
                    movie={"id": collaborative.because_movie_id, "title": title},
                )
            )
        social = found.get("social")
        if social:
            people = "person" if social.friend_count == 1 else "people"
            named = [friends[uid] for uid in social.friend_ids if uid in friends][:SHOWN_FRIENDS]
            reasons.append(
                Reason(
                    "social",
                    f"{social.friend_count} {people} you follow liked it",
                    users=named,
                    count=social.friend_count,
                )
            )
        if "content" in found and plot_like.get(movie.id) in titles:
            title = titles[plot_like[movie.id]]
            reasons.append(Reason("content", f"a plot like {title}", movie={"id": plot_like[movie.id], "title": title}))
        if "popularity" in found:
            genre = _popular_genre(filters, taste, genres.get(movie.id, []))
            text = f"top rated in {genre}" if genre else "top rated"
            reasons.append(Reason("popularity", text, genre=genre))
        results.append(Recommendation(movie, scores.get(movie.id, 0.0), sorted(found), reasons))
    return results


def _popular_genre(filters: Filters, taste: UserTaste, movie_genres: list[str]) -> str | None:
    if filters.genre:
        return filters.genre
    for genre in taste.favourite_genres:
        if genre in movie_genres:
            return genre
    return movie_genres[0] if movie_genres else None
