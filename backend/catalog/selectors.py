"""Reads of the catalog, shaped so list and detail run a fixed number of queries."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Value

from backend.catalog.models import Credit, Genre, Movie
from backend.catalog.titles import normalize_title
from backend.core.errors import NotFound

MAIN_CAST_SIZE = 5
DIRECTOR_JOB = "Director"
# Generated for search, read by SQL only: lists and search results leave them in the database.
UNSHOWN_SEARCH_FIELDS = ("search_document", "title_words")
# Shorter prefixes match too much of a catalogue to be worth suggesting from.
SUGGEST_MIN_KEY_LENGTH = 2


def movie_list() -> QuerySet[Movie]:
    return Movie.objects.defer(*UNSHOWN_SEARCH_FIELDS).prefetch_related("genres").order_by("rank_position", "id")


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


def movies_in_order_one_query(movie_ids: list[int]) -> list[Movie]:
    """Like movies_in_order, in one query: genre names come as `genre_names` (sorted, for
    MovieRowSerializer) instead of a prefetch, and the search columns, which no answer shows,
    stay in the database."""
    genre_names = Genre.objects.filter(movies=OuterRef("pk")).order_by("name").values("name")
    found = (
        Movie.objects.defer(*UNSHOWN_SEARCH_FIELDS).annotate(genre_names=ArraySubquery(genre_names)).in_bulk(movie_ids)
    )
    return [found[movie_id] for movie_id in movie_ids if movie_id in found]


def word_overlap(movie_ids: list[int], text: str) -> dict[int, float]:
    """How many of the text's words each movie's title and overview share: Postgres's
    cover-density rank of any of the words, damped by the document's length (0 for none).
    Movies Postgres no longer has are absent. One query over these rows only."""
    words = [f"'{word}'" for word in re.findall(r"\w+", text.lower())]
    if not words or not movie_ids:
        return {}
    any_word = SearchQuery(" | ".join(words), search_type="raw", config="english")
    rank = SearchRank(F("search_document"), any_word, cover_density=True, normalization=Value(1))
    return dict(Movie.objects.filter(id__in=movie_ids).annotate(overlap=rank).values_list("id", "overlap"))


def title_suggestions(text: str, *, limit: int) -> list[dict]:
    """Up to `limit` movies for a search box being typed in, most popular first: those whose title
    (or alternative or original title) starts with the text, then those with a title word that
    does ("kni" -> "The Dark Knight"). [] for fewer than two letters or digits. One query, answered
    by the text_pattern_ops prefix indexes and the GIN index of title words."""
    key = normalize_title(text)
    if len(key) < SUGGEST_MIN_KEY_LENGTH:
        return []
    fields = ("id", "title", "year", "poster_url", "popularity")
    starts = (
        Movie.objects.filter(
            Q(title_key__startswith=key) | Q(title_alt_key__startswith=key) | Q(original_title_key__startswith=key)
        )
        .annotate(band=Value(0))
        .order_by("-popularity", "id")
        .values(*fields, "band")[:limit]
    )
    # The last word is still being typed: a prefix; the ones before it are whole words.
    words = [f"'{word}'" for word in key.split()]
    word_query = SearchQuery(" & ".join(words) + ":*", search_type="raw", config="simple")
    word_starts = (
        Movie.objects.filter(title_words=word_query)
        .annotate(band=Value(1))
        .order_by("-popularity", "id")
        .values(*fields, "band")[:limit]
    )
    rows = starts.union(word_starts, all=True).order_by("band", "-popularity", "id")
    unique: dict[int, dict] = {}
    for row in rows:
        unique.setdefault(row["id"], row)
    return list(unique.values())[:limit]
