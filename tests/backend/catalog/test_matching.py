"""The matcher: by external id, else title key and year (off by one only when unique); ambiguous
rows are reported, never guessed."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.catalog.matching import (
    BY_IMDB_ID,
    BY_TITLE,
    BY_TITLE_NEAR_YEAR,
    BY_TITLE_YEAR,
    MatchQuery,
    match_movies,
)
from backend.catalog.models import Movie
from tests.factories import MovieFactory

pytestmark = pytest.mark.django_db


def film(title: str, year: int | None, **ids) -> int:
    movie = MovieFactory(title=title, release_date=date(year, 6, 1) if year else None)
    if ids:
        Movie.objects.filter(id=movie.id).update(**ids)
    return movie.id


def test_matching_rules():
    matrix = film("The Matrix", 1999, imdb_id="tt0133093")
    seven = film("Seven (Se7en)", 1995)
    heat = film("Heat", 1995)
    film("Solaris", 1972)
    film("Solaris", 2002)
    film("Crash", 1996)
    film("Crash", 2004)

    queries = [
        MatchQuery("Anything", None, imdb_id="tt0133093"),  # the id decides, not the title
        MatchQuery("Matrix, The", 1999),  # library spelling
        MatchQuery("Se7en", 1995),  # the alternative title
        MatchQuery("Heat", 1996),  # one year off, one candidate
        MatchQuery("Solaris", 2002),
        MatchQuery("Solaris", None),  # two films of that title: ambiguous
        MatchQuery("Crash", 2005),  # 2004 only: near and unique
        MatchQuery("Crash", 2000),  # no year fits
        MatchQuery("The Matrix", 1999, imdb_id="tt9999999"),  # the title fits, the id contradicts
        MatchQuery("Heat", None),
    ]
    with CaptureQueriesContext(connection) as captured:
        results = match_movies(queries)
    assert len(captured) <= 4

    assert [(r.movie_id, r.by) for r in results[:5]] == [
        (matrix, BY_IMDB_ID),
        (matrix, BY_TITLE_YEAR),
        (seven, BY_TITLE_YEAR),
        (heat, BY_TITLE_NEAR_YEAR),
        (Movie.objects.get(title="Solaris", year=2002).id, BY_TITLE_YEAR),
    ]
    assert results[5].movie_id is None and results[5].ambiguous
    assert results[6].by == BY_TITLE_NEAR_YEAR
    assert results[7].movie_id is None and not results[7].ambiguous
    assert results[8].movie_id is None
    assert (results[9].movie_id, results[9].by) == (heat, BY_TITLE)


def test_year_off_by_one_is_refused_when_not_unique():
    film("Hamlet", 1990)
    film("Hamlet", 1992)
    [result] = match_movies([MatchQuery("Hamlet", 1991)])
    assert result.movie_id is None and result.ambiguous and "2 movies fit" in (result.reason or "")
