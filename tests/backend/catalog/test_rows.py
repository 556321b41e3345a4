"""Movie rows built from plain columns (backend.catalog.rows) are exactly what the summary
serializers render for the same movies: the hot read paths use the one, the schema the other."""

from __future__ import annotations

from datetime import date

import pytest

from backend.catalog.models import Movie
from backend.catalog.rows import movie_row, movie_values
from backend.catalog.selectors import movies_in_order, movies_in_order_one_query
from backend.catalog.serializers import MovieRowSerializer, MovieSummarySerializer
from tests.factories import MovieFactory


@pytest.mark.django_db
def test_rows_equal_what_the_summary_serializers_render():
    ranked = MovieFactory(title="Heat", genres=["Drama", "Crime", "Action"], release_date=date(1995, 12, 15))
    unranked = MovieFactory(title="Alien", genres=[], release_date=None, original_language="", popularity=0.0)
    few_raters = MovieFactory(title="Ran", genres=["Drama"])
    Movie.objects.filter(id=ranked.id).update(rating_count=7, rating_mean=4.25, rank_score=3.9, rank_position=1)
    Movie.objects.filter(id=few_raters.id).update(rating_count=2, rating_mean=5.0, rank_score=3.1, rank_position=2)
    ids = [unranked.id, ranked.id, few_raters.id]

    values = movie_values([*ids, 999_999])  # a film no longer in the catalogue is absent
    rows = [movie_row(values[movie_id]) for movie_id in ids]

    assert sorted(values) == sorted(ids)
    assert rows == MovieRowSerializer(movies_in_order_one_query(ids), many=True).data
    assert rows == MovieSummarySerializer(movies_in_order(ids), many=True).data
    assert rows[1]["genres"] == ["Action", "Crime", "Drama"] and rows[2]["rating_mean"] is None
