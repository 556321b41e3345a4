"""The fused recommendation list: candidates from every source, fused, filtered, explained.

Per request: the user's taste from Postgres (one query), each source's candidates (a source whose
store is down is reported missing and the others answer), weighted reciprocal rank fusion
(recommender.fusion), then one Postgres read of every candidate's row and of the user's films a
reason may name (backend.catalog.rows), which serves the filters, the genre cap on the first page
and the page itself, built as plain values with its reasons. Pages are cached per user under a key made of the user's own state, so their own
rating, like, hide or preference change is a new key (a new list at once), and a retrain too.
"""

from __future__ import annotations

import hashlib
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from rest_framework.renderers import JSONRenderer

from backend.catalog.rows import GENRES, YEAR, movie_row, movie_values
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


def _passes(values: tuple[Any, ...], filters: Filters) -> bool:
    year, genres = values[YEAR], values[GENRES]
    if filters.genre and filters.genre not in genres:
        return False
    if filters.year_min is not None and (year is None or year < filters.year_min):
        return False
    return not (filters.year_max is not None and (year is None or year > filters.year_max))


def _named_ids(taste: UserTaste) -> list[int]:
    """The films of the user's own that a reason may name: the history scored against the
    neighbour lists (collaborative) and the positives whose plots are compared (content)."""
    return list(dict.fromkeys(taste.history() + taste.positives()))


def fused_ranking(taste: UserTaste, filters: Filters, page_size: int):
    """(ranked movie ids, fused scores, per-source candidates by movie, source status, movie row
    columns by id: every candidate's and every film a reason may name)."""
    excluded = excluded_movie_ids(taste)
    by_source, status = _candidates(taste, excluded, filters)
    weights = {source.name: source.weight for source in SOURCES}
    fused = fuse({name: [c.movie_id for c in found] for name, found in by_source.items()}, weights)
    # One read serves the filters and the genre cap (year, genres of each candidate still in the
    # catalogue), the page's rows and the titles its reasons name.
    rows = movie_values([movie_id for movie_id, _ in fused] + _named_ids(taste))
    ranked = [m for m, _ in fused if m in rows and m not in excluded and _passes(rows[m], filters)]
    if not filters.genre:
        ranked = cap_genres_first_page(ranked, {m: rows[m][GENRES] for m in ranked}, page_size)
    scores = dict(fused)
    proposals: dict[int, dict[str, Candidate]] = {}
    for name, found in by_source.items():
        for candidate in found:
            proposals.setdefault(candidate.movie_id, {}).setdefault(name, candidate)
    return ranked, scores, proposals, status, rows


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
    """The page as RecommendationPageSerializer renders it, built as plain values (the serializer
    declares the shape for the schema; tests hold the two equal)."""
    ranked, scores, proposals, status, rows = fused_ranking(taste, filters, page_size)
    start = (page - 1) * page_size
    page_ids = ranked[start : start + page_size]
    data = {
        "sources": {source.name: status[source.name] for source in SOURCES},
        "page": page,
        "has_next": len(ranked) > start + page_size,
        "results": _explain(viewer, taste, filters, page_ids, scores, proposals, rows),
    }
    return data, status


def _visible_friends(viewer, friend_ids: set[int]) -> dict[int, dict[str, Any]]:
    """UserSummarySerializer's shape of each of these users the viewer may see. The graph applied
    the privacy rule; Postgres applies it again, so a privacy change the graph has not caught up
    with still never names a private user."""
    if not friend_ids:
        return {}
    rows = User.objects.filter(visible_owners(viewer), id__in=friend_ids).values_list(
        "id", "username", "profile__display_name"
    )
    return {uid: {"id": uid, "username": username, "display_name": name} for uid, username, name in rows}


def _reason(source: str, text: str, *, movie=None, users=(), count=None, genre=None) -> dict[str, Any]:
    return {"source": source, "text": text, "movie": movie, "users": list(users), "count": count, "genre": genre}


def _explain(viewer, taste, filters, page_ids, scores, proposals, rows) -> list[dict[str, Any]]:
    content_ids = [m for m in page_ids if "content" in proposals.get(m, {})]
    try:
        plot_like = closest_positive(taste, content_ids)
    except VectorStoreError:
        plot_like = {}
    titles = {movie_id: values[1] for movie_id, values in rows.items()}
    friends = _visible_friends(
        viewer, {uid for m in page_ids for c in proposals.get(m, {}).values() for uid in c.friend_ids}
    )
    results = []
    for movie_id in page_ids:
        found = proposals.get(movie_id, {})
        reasons = []
        collaborative = found.get("collaborative")
        if collaborative and collaborative.because_movie_id in titles:
            title = titles[collaborative.because_movie_id]
            verb = "liked" if collaborative.because_movie_id in taste.likes else "rated"
            reasons.append(
                _reason(
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
                _reason(
                    "social",
                    f"{social.friend_count} {people} you follow liked it",
                    users=named,
                    count=social.friend_count,
                )
            )
        if "content" in found and plot_like.get(movie_id) in titles:
            title = titles[plot_like[movie_id]]
            reasons.append(
                _reason("content", f"a plot like {title}", movie={"id": plot_like[movie_id], "title": title})
            )
        if "popularity" in found:
            genre = _popular_genre(filters, taste, rows[movie_id][GENRES])
            text = f"top rated in {genre}" if genre else "top rated"
            reasons.append(_reason("popularity", text, genre=genre))
        results.append(
            {
                "movie": movie_row(rows[movie_id]),
                "score": float(scores.get(movie_id, 0.0)),
                "sources": sorted(found),
                "reasons": reasons,
            }
        )
    return results


def _popular_genre(filters: Filters, taste: UserTaste, movie_genres: list[str]) -> str | None:
    if filters.genre:
        return filters.genre
    for genre in taste.favourite_genres:
        if genre in movie_genres:
            return genre
    return movie_genres[0] if movie_genres else None
