"""An import's events reach the real graph and vector engines through the sync, like any write."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

import vectors
from backend.catalog.models import Movie
from backend.projector import reconcile
from backend.social.models import Follow, Like, Rating
from backend.sync.models import Delivery
from graph import projection

pytestmark = pytest.mark.usefixtures("stores")


def keys(rows, *fields: str) -> set[str]:
    return {":".join(str(value) for value in values) for values in rows.values_list(*fields)}


def test_an_import_is_projected_into_the_graph_and_the_vectors(movielens_csv, on_commit):
    with on_commit():
        call_command("import_movielens", str(movielens_csv), "--synthesize-follows", stdout=StringIO())

    assert not Delivery.objects.exclude(status=Delivery.DONE).exists()
    assert set(projection.projected_versions("rating")) == keys(Rating.objects, "user_id", "movie_id")
    assert set(projection.projected_versions("like")) == keys(Like.objects, "user_id", "movie_id")
    assert set(projection.projected_versions("follow")) == keys(Follow.objects, "follower_id", "followee_id")
    movie_ids = list(Movie.objects.values_list("id", flat=True))
    assert set(vectors.get_vector_store().stored_versions(movie_ids)) == set(movie_ids)
    assert sum(drift.total for drift in reconcile.reconcile(repair=False)) == 0
