"""Cached public reads (backend/core/response_cache.py) through the API, on the real Postgres and
vector shard: a repeated read is answered from the cache, and a write makes the next read fresh."""

from __future__ import annotations

from datetime import date

import pytest

from backend.catalog import rankings
from backend.catalog.models import Credit, Person
from backend.catalog.services import CreditInput
from tests.factories import MovieFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

MOVIES = "/api/movies/"


def _detail(movie_id: int) -> str:
    return f"{MOVIES}{movie_id}/"


def _similar(movie_id: int) -> str:
    return f"{MOVIES}{movie_id}/similar/"


def test_a_movie_edit_makes_the_next_list_and_detail_fresh(api_client, client_of, staff, on_commit,
                                                           django_assert_num_queries):  # fmt: skip
    movie = MovieFactory(title="Before")
    api_client.get(MOVIES), api_client.get(_detail(movie.id))

    with django_assert_num_queries(0):
        assert api_client.get(MOVIES).json()["results"][0]["title"] == "Before"
        assert api_client.get(_detail(movie.id)).json()["title"] == "Before"
    with on_commit():
        assert client_of(staff).patch(_detail(movie.id), {"title": "After"}).status_code == 200

    assert api_client.get(MOVIES).json()["results"][0]["title"] == "After"
    assert api_client.get(_detail(movie.id)).json()["title"] == "After"


def test_the_ranking_recompute_makes_the_next_list_show_the_new_counts(api_client, client_of, on_commit):
    movie = MovieFactory()
    assert api_client.get(MOVIES).json()["results"][0]["rating_count"] is None

    with on_commit():
        for rater in UserFactory.create_batch(3):
            client_of(rater).put(f"{_detail(movie.id)}rating/", {"score": 4.0})
    rankings.recompute_pending()

    row = api_client.get(MOVIES).json()["results"][0]
    assert (row["rating_count"], row["rating_mean"]) == (3, 4.0)
    assert api_client.get(_detail(movie.id)).json()["rating_count"] == 3


def test_a_person_renamed_in_the_admin_is_renamed_in_the_next_detail(api_client, on_commit):
    person = PersonFactory(name="Old Name")
    movie = MovieFactory(credits=[CreditInput(person.id, Credit.CAST, order=0)])
    assert api_client.get(_detail(movie.id)).json()["cast"][0]["name"] == "Old Name"

    with on_commit():
        renamed = Person.objects.get(pk=person.id)
        renamed.name = "New Name"
        renamed.save()  # what the admin's change form does

    assert api_client.get(_detail(movie.id)).json()["cast"][0]["name"] == "New Name"


def test_the_viewer_part_of_a_cached_detail_is_each_viewers_own_and_fresh(api_client, client_of, user,
                                                                          on_commit, django_assert_num_queries):  # fmt: skip
    movie = MovieFactory()
    rater, other = client_of(user), client_of(UserFactory())
    assert rater.get(_detail(movie.id)).json()["viewer"] == {"rating": None, "liked": False}

    with on_commit():
        rater.put(f"{_detail(movie.id)}rating/", {"score": 4.5})
        rater.post(f"{_detail(movie.id)}like/")

    assert rater.get(_detail(movie.id)).json()["viewer"] == {"rating": "4.5", "liked": True}
    with django_assert_num_queries(1):  # the viewer's rating and like; the rest is cached
        assert rater.get(_detail(movie.id)).json()["viewer"] == {"rating": "4.5", "liked": True}
    assert other.get(_detail(movie.id)).json()["viewer"] == {"rating": None, "liked": False}
    assert api_client.get(_detail(movie.id)).json()["viewer"] is None


@pytest.mark.usefixtures("stores")
def test_similar_movies_follow_an_edit_and_a_delete_of_a_neighbour(api_client, client_of, staff, on_commit,
                                                                  django_assert_num_queries):  # fmt: skip
    with on_commit():
        seed, near, far = (
            MovieFactory(title=title, overview=overview, release_date=date(2000, 1, 1))
            for title, overview in [
                ("Rain Street", "A tired detective follows a widow through rainy city streets."),
                ("Harbor Lies", "A private eye uncovers a smuggling ring at the harbor at night."),
                ("Pie Fight", "Two bakers compete in a chaotic village pie contest."),
            ]
        )
    assert [row["movie"]["title"] for row in api_client.get(_similar(seed.id)).json()] == ["Harbor Lies", "Pie Fight"]
    with django_assert_num_queries(0):
        assert len(api_client.get(_similar(seed.id)).json()) == 2

    with on_commit():
        client_of(staff).patch(_detail(near.id), {"title": "Harbour Lies"})
    assert [row["movie"]["title"] for row in api_client.get(_similar(seed.id)).json()] == ["Harbour Lies", "Pie Fight"]

    with on_commit():
        assert client_of(staff).delete(_detail(far.id)).status_code == 204
    assert [row["movie"]["title"] for row in api_client.get(_similar(seed.id)).json()] == ["Harbour Lies"]


def test_with_the_cache_off_every_read_runs_its_queries(api_client, settings, django_assert_num_queries):
    settings.RESPONSE_CACHE_SECONDS = 0
    movie = MovieFactory()
    api_client.get(_detail(movie.id))

    with django_assert_num_queries(4):  # movie, genres, cast, directors
        assert api_client.get(_detail(movie.id)).status_code == 200
