"""GET /api/me/recommendations/ and its writes, on planted taste clusters, against the real stores.

The world: ten Action films and ten Romance films; eight users rate within Action, eight within
Romance (ratings written in bulk: training reads Postgres only). A viewer who rated Action films
must be recommended Action films."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import vectors
from backend.accounts.serializers import UserSummarySerializer
from backend.catalog import rankings
from backend.catalog.selectors import movies_in_order_one_query
from backend.catalog.serializers import MovieRowSerializer
from backend.recommendations.history import user_taste
from backend.recommendations.models import ItemNeighbour
from backend.recommendations.neighbour_rows import served_lists
from backend.recommendations.serializers import RecommendationSerializer
from backend.recommendations.training import train_recommender
from backend.social.models import Rating
from backend.social.services import follow_user, like_movie
from graph import driver
from tests.factories import MovieFactory, UserFactory
from tests.fixtures_vectors import movie_point
from vectors.settings import VectorSettings

pytestmark = pytest.mark.usefixtures("stores")

RECS = "/api/me/recommendations/"
HIDDEN = "/api/me/recommendations/hidden/"
PREFS = "/api/me/preferences/"


def movie_ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["movie"]["id"] for row in response.json()["results"]]


@pytest.fixture
def world(db):
    action = [MovieFactory(title=f"Action {i}", genres=["Action"]) for i in range(10)]
    romance = [MovieFactory(title=f"Romance {i}", genres=["Romance"]) for i in range(10)]
    rng = np.random.default_rng(7)
    rows = []
    for films in (action, romance):
        for _ in range(8):
            member = UserFactory()
            for index in rng.choice(len(films), size=6, replace=False):
                rows.append(Rating(user=member, movie=films[int(index)], score=Decimal("4.5")))
    Rating.objects.bulk_create(rows)
    rankings.recompute_all()
    train_recommender(ease_lambda=5.0)
    return {"action": action, "romance": romance}


def rate(client, movie, score="4.5"):
    assert client.put(f"/api/movies/{movie.id}/rating/", {"score": score}, format="json").status_code in (200, 201)


def test_a_viewer_who_rated_action_films_is_recommended_action_films(world, client_of):
    viewer = UserFactory()
    client = client_of(viewer)
    for movie in world["action"][:3]:
        rate(client, movie)

    response = client.get(RECS, {"page_size": 4})

    action_ids = {m.id for m in world["action"][3:]}
    assert set(movie_ids(response)) <= action_ids
    first = response.json()["results"][0]
    assert "collaborative" in first["sources"]
    because = next(r for r in first["reasons"] if r["source"] == "collaborative")
    assert because["text"].startswith("because you rated Action ")
    assert because["movie"]["id"] in {m.id for m in world["action"][:3]}


def test_rated_liked_and_hidden_films_are_never_recommended(world, client_of):
    viewer = UserFactory()
    client = client_of(viewer)
    rate(client, world["action"][0])
    assert client.post(f"/api/movies/{world['action'][1].id}/like/").status_code in (200, 201)
    assert client.post(HIDDEN, {"movie_id": world["action"][2].id}, format="json").status_code == 201

    assert client.put(f"/api/me/watchlist/{world['action'][3].id}/").status_code in (200, 201)

    shown = set(movie_ids(client.get(RECS, {"page_size": 50})))

    assert shown and not shown & {film.id for film in world["action"][:4]}


def test_a_new_rating_or_hide_changes_the_next_answer_at_once(world, client_of):
    viewer = UserFactory()
    client = client_of(viewer)
    rate(client, world["romance"][0])
    before = movie_ids(client.get(RECS, {"page_size": 4}))
    assert client.get(RECS, {"page_size": 4}).json() == client.get(RECS, {"page_size": 4}).json()  # cached

    assert client.post(HIDDEN, {"movie_id": before[0]}, format="json").status_code == 201
    after_hide = movie_ids(client.get(RECS, {"page_size": 4}))
    rate(client, world["romance"][after_hide[0] and 1], "5.0")
    after_rate = movie_ids(client.get(RECS, {"page_size": 4}))

    assert before[0] not in after_hide
    assert world["romance"][1].id not in after_rate


def test_the_first_page_holds_at_most_four_films_of_a_genre_unless_filtered(world, client_of):
    client = client_of(UserFactory())
    rate(client, world["action"][0])

    page = client.get(RECS, {"page_size": 8}).json()["results"]
    filtered = client.get(RECS, {"page_size": 8, "genre": "Action"}).json()["results"]

    assert sum("Action" in row["movie"]["genres"] for row in page) <= 4
    assert len(filtered) == 8 and all("Action" in row["movie"]["genres"] for row in filtered)


def test_a_new_user_with_favourite_genres_gets_the_top_rated_in_them(world, client_of):
    client = client_of(UserFactory())
    response = client.put(PREFS, {"favourite_genres": ["Romance"]}, format="json")
    assert response.json() == {"favourite_genres": ["Romance"]}

    results = client.get(RECS, {"page_size": 5}).json()["results"]

    assert len(results) == 5
    assert all(row["movie"]["genres"] == ["Romance"] for row in results)
    assert results[0]["reasons"] == [
        {
            "source": "popularity",
            "text": "top rated in Romance",
            "movie": None,
            "users": [],
            "count": None,
            "genre": "Romance",
        }
    ]


def test_hidden_list_undo_and_errors(world, client_of):
    client = client_of(UserFactory())
    movie = world["action"][0]
    assert client.post(HIDDEN, {"movie_id": movie.id}, format="json").status_code == 201
    assert client.post(HIDDEN, {"movie_id": movie.id}, format="json").status_code == 200
    assert [row["movie"]["id"] for row in client.get(HIDDEN).json()] == [movie.id]

    assert client.delete(f"{HIDDEN}?movie_id={movie.id}").status_code == 204
    assert client.get(HIDDEN).json() == []
    missing = client.post(HIDDEN, {"movie_id": 999_999}, format="json")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")
    invalid = client.post(HIDDEN, {"movie_id": "x"}, format="json")
    assert invalid.status_code == 400 and "movie_id" in invalid.json()["error"]["fields"]
    unknown = client.put(PREFS, {"favourite_genres": ["Nope"]}, format="json")
    assert unknown.status_code == 400 and "favourite_genres" in unknown.json()["error"]["fields"]
    # An empty year range is a valid question with an empty answer, as on /api/movies/.
    inverted = client.get(RECS, {"year_min": 2000, "year_max": 1990})
    assert inverted.status_code == 200 and inverted.json()["results"] == []
    assert client.get(RECS, {"genre": ""}).status_code == 400
    assert client_of(None).get(RECS).status_code == 401


def test_query_count_does_not_grow_with_the_page(world, client_of):
    client = client_of(UserFactory())
    rate(client, world["action"][0])
    # The first request after a training reads that run's neighbour lists into memory, once.
    assert client.get(RECS, {"page_size": 1}).status_code == 200
    counts = []
    for size in (5, 18):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(RECS, {"page_size": size, "genre": "Action"}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_retrain_is_served_at_the_next_request(world, client_of):
    client = client_of(UserFactory())
    rate(client, world["action"][0])
    before = user_taste(UserFactory().id).model_key
    assert served_lists(before) is not None
    Rating.objects.filter(movie__in=world["romance"]).delete()
    train_recommender(ease_lambda=5.0)
    after = user_taste(UserFactory().id).model_key
    served = served_lists(after)

    assert after != before
    romance = {m.id for m in world["romance"]}
    assert served is not None and not romance & set(served.item_ids.tolist())
    assert ItemNeighbour.objects.count() == served.weights.nnz
    assert all(
        row["movie"]["id"] not in romance or "collaborative" not in row["sources"]
        for row in client.get(RECS).json()["results"]
    )


def test_a_store_down_leaves_its_source_out_not_the_list(world, client_of, vector_shard_settings, graph):
    client = client_of(UserFactory())
    rate(client, world["action"][0])
    driver.configure(None)
    vectors.configure(VectorSettings(url="http://127.0.0.1:9"))
    try:
        response = client.get(RECS, {"page_size": 4})
    finally:
        driver.configure(graph.settings())
        vectors.configure(vector_shard_settings)

    assert response.status_code == 200
    body = response.json()
    assert body["sources"]["social"] == "unavailable" and body["sources"]["content"] == "unavailable"
    assert body["sources"]["collaborative"] == "ok"
    assert len(body["results"]) == 4


def test_content_reason_names_the_liked_film_with_the_closest_plot(world, client_of):
    store = vectors.get_vector_store()
    dimension = vectors.get_embedder().dimension
    basis = np.eye(dimension)
    points = [movie_point(m.id, basis[0] + 0.01 * i * basis[2], ("Action",)) for i, m in enumerate(world["action"])]
    points += [movie_point(m.id, basis[1] + 0.01 * i * basis[2], ("Romance",)) for i, m in enumerate(world["romance"])]
    store.upsert(points)
    client = client_of(UserFactory())
    assert client.post(f"/api/movies/{world['romance'][0].id}/like/").status_code in (200, 201)

    results = client.get(RECS, {"page_size": 20, "genre": "Romance"}).json()["results"]

    plot = [r for row in results for r in row["reasons"] if r["source"] == "content"]
    assert plot and all(r["text"] == "a plot like Romance 0" for r in plot)


def test_social_reasons_count_and_name_only_followees_the_viewer_may_see(on_commit, client_of):
    with on_commit():
        viewer = UserFactory(username="viewer")
        public = UserFactory(username="open_friend")
        secret = UserFactory(username="secret_friend", is_private=True)
        mutual = UserFactory(username="mutual_friend", is_private=True)
        film = MovieFactory(title="Heat")
        for person in (public, secret, mutual):
            follow_user(viewer, person.id)
            like_movie(person, film.id)
        follow_user(mutual, viewer.id)

    row = next(r for r in client_of(viewer).get(RECS).json()["results"] if r["movie"]["id"] == film.id)

    social = next(r for r in row["reasons"] if r["source"] == "social")
    assert social["count"] == 2 and social["text"] == "2 people you follow liked it"
    assert sorted(u["username"] for u in social["users"]) == ["mutual_friend", "open_friend"]
    assert "secret_friend" not in str(row)
    # Built from plain values, the row is what the serializers the schema reads render.
    shown = sorted(social["users"], key=lambda u: u["id"])
    assert shown == UserSummarySerializer(sorted([public, mutual], key=lambda u: u.id), many=True).data
    assert row["movie"] == MovieRowSerializer(movies_in_order_one_query([film.id])[0]).data
    assert RecommendationSerializer(data=row).is_valid(), row


def test_a_block_either_way_keeps_that_person_out_of_the_reasons(on_commit, client_of):
    with on_commit():
        viewer = UserFactory(username="viewer")
        friend = UserFactory(username="friend")
        blocker = UserFactory(username="blocker")
        film = MovieFactory(title="Heat")
        for person in (friend, blocker):
            follow_user(viewer, person.id)
            like_movie(person, film.id)
    client = client_of(viewer)
    client.get(RECS)  # a cached page must not outlive the block
    assert client_of(blocker).post(f"/api/users/{viewer.id}/block/").status_code in (200, 201)

    row = next(r for r in client.get(RECS).json()["results"] if r["movie"]["id"] == film.id)

    social = next(r for r in row["reasons"] if r["source"] == "social")
    assert social["count"] == 1 and [u["username"] for u in social["users"]] == ["friend"]
    assert "blocker" not in str(row)
