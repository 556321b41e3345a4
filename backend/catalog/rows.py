"""Movie rows in the API's summary shape (MovieSummarySerializer, MovieRowSerializer), read as plain
columns and built as dicts, for read paths that show many rows per request (recommendations, the
feed): no model instance and no serializer per row. The serializers stay the shape's declaration
(the OpenAPI schema reads them); tests/backend/catalog/test_rows.py holds these dicts equal to
what the serializers render for the same movies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from backend.catalog.serializers import MIN_RATERS_SHOWN
from backend.core.sql import int_array

# The columns of a row, in this order, for a query that reads `catalog_movie` as `m`; the genre
# names come last, sorted as the serializers list them (Genre's ordering).
MOVIE_ROW_SELECT = """
    m.id, m.title, m.year, m.release_date, m.original_language, m.poster_url, m.popularity,
    m.rating_count, m.rating_mean, m.rank_score, m.rank_position,
    coalesce((SELECT array_agg(g.name ORDER BY g.name) FROM catalog_movie_genres mg
              JOIN catalog_genre g ON g.id = mg.genre_id WHERE mg.movie_id = m.id), '{}')
"""
MOVIE_ROW_WIDTH = 12
YEAR, GENRES = 2, 11

_ROWS = f"SELECT {MOVIE_ROW_SELECT} FROM catalog_movie m WHERE m.id = ANY(%s::bigint[])"


def movie_values(movie_ids: Sequence[int]) -> dict[int, tuple[Any, ...]]:
    """The row columns (MOVIE_ROW_SELECT) of each movie still in the catalogue, by id, in one query."""
    if not movie_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_ROWS, [int_array(movie_ids)])
        return {row[0]: row for row in cursor.fetchall()}


def movie_row(values: Sequence[Any]) -> dict[str, Any]:
    """The summary of one movie from its row columns, as MovieRowSerializer renders it."""
    (movie_id, title, year, release_date, language, poster_url, popularity, count, mean, rank_score, position,
     genres) = values[:MOVIE_ROW_WIDTH]  # fmt: skip
    shown = count >= MIN_RATERS_SHOWN
    return {
        "id": movie_id,
        "title": title,
        "year": year,
        "release_date": release_date.isoformat() if release_date is not None else None,
        "original_language": language,
        "genres": list(genres),
        "poster_url": poster_url,
        "popularity": popularity,
        "rating_count": count if shown else None,
        "rating_mean": mean if shown else None,
        "rank_score": rank_score,
        "rank_position": position,
    }
