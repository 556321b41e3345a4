"""Questions answered by the projections (graph and vectors), hydrated from Postgres.

Ids come from the projection in its order; one query per kind of row turns them into movies and
users. The projections trail Postgres by the sync lag, so an id Postgres no longer has is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

import vectors
from backend.catalog.models import Movie
from backend.catalog.selectors import movies_in_order, movies_in_order_one_query
from backend.core.errors import ApplicationError, Conflict, NotFound
from backend.social.privacy import hidden_user_ids
from graph import queries
from vectors.errors import PointsNotFound, VectorStoreUnavailable
from vectors.types import SearchFilter

User = get_user_model()


@dataclass(frozen=True)
class Scored:
    movie: Movie
    score: float


def users_by_id(user_ids: Sequence[int]) -> dict[int, Any]:
    return User.objects.select_related("profile").in_bulk(list(set(user_ids)))


def require_movie(movie_id: int) -> None:
    if not Movie.objects.filter(id=movie_id).exists():
        raise NotFound("No such movie.")


# ---------------------------------------------------------------- graph


def friends_liked(viewer_id: int, *, genre, since, limit: int, offset: int):
    """Returns (items, users) where items are graph answers whose movie still exists."""
    answers = queries.friends_liked(
        viewer_id, genre=genre, since=since, limit=limit, offset=offset, hidden_ids=hidden_user_ids(viewer_id)
    )
    movies = {m.id: m for m in movies_in_order([a.movie_id for a in answers])}
    users = users_by_id([uid for a in answers for uid in a.friend_ids])
    return [(a, movies[a.movie_id]) for a in answers if a.movie_id in movies], users


def movie_friends(viewer_id: int, movie_id: int):
    require_movie(movie_id)
    answers = queries.movie_friends(viewer_id, movie_id, hidden_ids=hidden_user_ids(viewer_id))
    users = users_by_id([a.user_id for a in answers])
    return [(a, users[a.user_id]) for a in answers if a.user_id in users]


def follow_suggestions(viewer_id: int, *, limit: int):
    answers = queries.follow_suggestions(viewer_id, limit=limit, hidden_ids=hidden_user_ids(viewer_id))
    users = users_by_id([a.user_id for a in answers])
    return [(a, users[a.user_id]) for a in answers if a.user_id in users]


def also_liked(movie_id: int, *, viewer_id: int | None, limit: int):
    require_movie(movie_id)
    answers = queries.also_liked(movie_id, viewer_id=viewer_id, limit=limit, hidden_ids=hidden_user_ids(viewer_id))
    movies = {m.id: m for m in movies_in_order([a.movie_id for a in answers])}
    return [(a, movies[a.movie_id]) for a in answers if a.movie_id in movies]


def connection(viewer_id: int, target_id: int, *, max_hops: int):
    if not User.objects.filter(id=target_id, is_active=True).exists():
        raise NotFound("No such user.")
    hidden = hidden_user_ids(viewer_id)
    if target_id in hidden:
        return None
    path = queries.connection(viewer_id, target_id, max_hops=max_hops, hidden_ids=hidden)
    if path is None:
        return None
    users = users_by_id(path)
    if any(uid not in users for uid in path):
        # A user on the path is gone from Postgres (the graph lags the delete), and their follows
        # with it: dropping them would claim follows that do not exist, so the path does not count.
        return None
    return [users[uid] for uid in path]


# ---------------------------------------------------------------- vectors


def _hydrate(scored) -> list[Scored]:
    movies = {m.id: m for m in movies_in_order([s.movie_id for s in scored])}
    return [Scored(movies[s.movie_id], s.score) for s in scored if s.movie_id in movies]


def _not_indexed(movie_ids: Sequence[int]) -> Conflict:
    return Conflict(
        "Not in the similarity index yet; it is being indexed. Try again shortly.",
        code="not_indexed",
        fields={"movie_ids": [str(movie_id) for movie_id in movie_ids]},
        extra={"status": "indexing"},
    )


def similar_movies(movie_id: int, *, limit: int, search_filter: SearchFilter) -> list[Scored]:
    """The `limit` movies nearest to this one, for MovieRowSerializer, in one SQL query.

    The movie's own row is read with its neighbours' rows, so one it has been deleted from
    Postgres (while its vector waits for the sync) is still a 404 without a query of its own.
    """
    try:
        store = vectors.get_vector_store()
        vector = store.get_vector(movie_id)
    except VectorStoreUnavailable:
        require_movie(movie_id)  # a movie Postgres does not know is a 404 whatever the store's state
        raise
    if vector is None:
        require_movie(movie_id)
        raise _not_indexed([movie_id])
    hits = store.search(vector, limit, search_filter, exclude_ids=[movie_id])
    movies = {m.id: m for m in movies_in_order_one_query([movie_id, *(hit.movie_id for hit in hits)])}
    if movie_id not in movies:
        raise NotFound("No such movie.")
    return [Scored(movies[hit.movie_id], hit.score) for hit in hits if hit.movie_id in movies]


def semantic_search(text: str, *, limit: int, search_filter: SearchFilter) -> list[Scored]:
    query = vectors.get_embedder().encode([text])[0]
    return _hydrate(vectors.get_vector_store().search(query, limit, search_filter))


def by_example(
    positive: Sequence[int], negative: Sequence[int], *, limit: int, search_filter: SearchFilter
) -> list[Scored]:
    wanted = set(positive) | set(negative)
    unknown = sorted(wanted - set(Movie.objects.filter(id__in=wanted).values_list("id", flat=True)))
    if unknown:
        raise ApplicationError("Unknown movie ids.", fields={"movie_ids": [str(i) for i in unknown]})
    try:
        return _hydrate(vectors.get_vector_store().recommend(positive, negative, limit, search_filter))
    except PointsNotFound as error:
        raise _not_indexed(error.missing_ids) from None
