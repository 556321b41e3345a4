"""Reads of the catalog, shaped so list and detail run a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from backend.catalog.models import Credit, Movie
from backend.core.errors import NotFound

MAIN_CAST_SIZE = 5
DIRECTOR_JOB = "Director"


def movie_list() -> QuerySet[Movie]:
    return Movie.objects.prefetch_related("genres").order_by("rank_position", "id")


def movie_detail(movie_id: int) -> Movie:
    """The movie with genres, main cast and directors (the viewer's own activity: social.selectors)."""
    credits = Credit.objects.select_related("person").order_by("order", "id")
    prefetches: list[str | Prefetch[Any]] = [
        "genres",
        Prefetch("credits", queryset=credits.filter(kind=Credit.CAST), to_attr="cast"),
        Prefetch("credits", queryset=credits.filter(kind=Credit.CREW, job=DIRECTOR_JOB), to_attr="directors"),
    ]
    try:
        movie = Movie.objects.prefetch_related(*prefetches).get(pk=movie_id)
    except Movie.DoesNotExist:
        raise NotFound("No such movie.") from None
    movie.cast = movie.cast[:MAIN_CAST_SIZE]  # type: ignore[attr-defined]  # the Prefetch to_attr
    return movie


def movies_in_order(movie_ids: list[int]) -> list[Movie]:
    """Hydrate ids answered by a projection in one query, keeping the projection's order and
    dropping ids Postgres no longer has (a projection may lag a delete)."""
    found = Movie.objects.prefetch_related("genres").in_bulk(movie_ids)
    return [found[movie_id] for movie_id in movie_ids if movie_id in found]
