"""A movie's rating aggregate is shown only when at least 3 people rated it: a lone rater's mean
is their score, which a private profile hides."""

from __future__ import annotations

from decimal import Decimal

import pytest

from backend.catalog import rankings
from backend.social import services as social
from tests.factories import MovieFactory, UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize("raters, shown", [(1, False), (2, False), (3, True)])
def test_the_aggregate_is_null_below_three_raters(api_client, raters, shown):
    movie = MovieFactory()
    for _ in range(raters):
        social.rate_movie(UserFactory(), movie.id, Decimal("4.5"))
    rankings.recompute_all()

    detail = api_client.get(f"/api/movies/{movie.id}/").json()
    listed = api_client.get("/api/movies/").json()["results"][0]

    for body in (detail, listed):
        if shown:
            assert (body["rating_count"], body["rating_mean"]) == (3, pytest.approx(4.5))
        else:
            assert (body["rating_count"], body["rating_mean"]) == (None, None)
