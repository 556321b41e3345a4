"""The vector-backed discovery endpoints (similar, semantic search, by example) through the API,
against the real Qdrant Edge shard and the bundled embedder."""

from __future__ import annotations

from datetime import date

import pytest

import vectors
from backend.catalog.models import Movie
from tests.backend.discovery.helpers import titles
from tests.factories import MovieFactory
from vectors.types import SearchFilter

pytestmark = pytest.mark.usefixtures("stores")

SEMANTIC = "/api/search/semantic/"
BY_EXAMPLE = "/api/search/semantic/by-example/"

# (title, genres, year, overview)
SMALL_CATALOG = [
    ("Rain Street", ["Film Noir"], 1950, "A tired detective follows a widow through rainy city streets."),
    ("Harbor Lies", ["Film Noir"], 1955, "A private eye uncovers a smuggling ring at the harbor at night."),
    ("The Cobalt Alibi", ["Film Noir", "Crime"], 1960, "A nightclub singer is framed for murder by a corrupt cop."),
    ("Pie Fight", ["Comedy"], 1950, "Two bakers compete in a chaotic village pie contest."),
    ("Office Chaos", ["Comedy"], 2000, "An office prank war spirals out of control before the holidays."),
    ("Wedding Mixup", ["Comedy"], 2010, "Two weddings booked at the same hotel on the same day collide."),
]


@pytest.fixture
def small_catalog(on_commit) -> dict:
    with on_commit():
        return {
            title: MovieFactory(title=title, genres=genres, release_date=date(year, 6, 1), overview=overview)
            for title, genres, year, overview in SMALL_CATALOG
        }


# Seed "Wedding Mixup" (Comedy, 2010) is itself excluded from its similar movies.
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"genre": "Film Noir"}, {"Rain Street", "Harbor Lies", "The Cobalt Alibi"}),
        ({"genre": "Crime"}, {"The Cobalt Alibi"}),
        ({"genre": "Comedy"}, {"Pie Fight", "Office Chaos"}),
        ({"genre": "Western"}, set()),
        ({"year_min": 1955, "year_max": 2000}, {"Harbor Lies", "The Cobalt Alibi", "Office Chaos"}),
        ({"year_max": 1950}, {"Rain Street", "Pie Fight"}),
        ({"year_min": 1990}, {"Office Chaos"}),
        ({"genre": "Film Noir", "year_min": 1951}, {"Harbor Lies", "The Cobalt Alibi"}),
        ({}, {"Rain Street", "Harbor Lies", "The Cobalt Alibi", "Pie Fight", "Office Chaos"}),
    ],
)
def test_similar_returns_every_match_of_the_filters_but_itself_when_limit_exceeds_them(
    small_catalog, api_client, params, expected
):
    seed = small_catalog["Wedding Mixup"]

    response = api_client.get(f"/api/movies/{seed.id}/similar/", {**params, "limit": 10})

    assert response.status_code == 200
    found = titles(response.json())
    assert len(found) == len(expected)
    assert set(found) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"genre": "Film Noir"}, {"Rain Street", "Harbor Lies", "The Cobalt Alibi"}),
        ({"year_min": 1955, "year_max": 2000}, {"Harbor Lies", "The Cobalt Alibi", "Office Chaos"}),
        ({"genre": "Comedy", "year_max": 2000}, {"Pie Fight", "Office Chaos"}),
        ({}, {title for title, *_ in SMALL_CATALOG}),
    ],
)
def test_semantic_search_returns_every_match_of_the_filters_when_limit_exceeds_them(
    small_catalog, api_client, params, expected
):
    response = api_client.get(SEMANTIC, {**params, "q": "a detective investigates a murder", "limit": 10})

    assert response.status_code == 200
    found = titles(response.json())
    assert len(found) == len(expected)
    assert set(found) == expected


def test_semantic_search_ranks_the_closest_plot_first(small_catalog, api_client):
    rows = api_client.get(SEMANTIC, {"q": "bakers competing at a pie contest", "limit": 3}).json()

    assert titles(rows)[0] == "Pie Fight"


def test_similar_follows_qdrants_order_and_scores(small_catalog, api_client):
    seed = small_catalog["Rain Street"]
    store = vectors.get_vector_store()
    nearest = store.search(store.get_vector(seed.id), 10, SearchFilter(), exclude_ids=[seed.id])

    rows = api_client.get(f"/api/movies/{seed.id}/similar/", {"limit": 10}).json()

    assert [(row["movie"]["id"], row["score"]) for row in rows] == [
        (hit.movie_id, pytest.approx(hit.score)) for hit in nearest
    ]
    assert [row["score"] for row in rows] == sorted((row["score"] for row in rows), reverse=True)


PLOT_NOUNS = (
    "lighthouse", "keeper", "baker", "pilot", "farmer", "sailor", "miner", "nurse", "teacher", "painter", "judge",
    "clown", "spy", "chef", "boxer", "poet", "thief", "monk", "dancer", "pirate", "witch", "robot",
)  # fmt: skip


@pytest.fixture
def twenty_two_movies(on_commit) -> list:
    with on_commit():
        return [
            MovieFactory(
                title=f"Film {n}", genres=["Drama", f"Tag {n % 3}"], overview=f"Story number {n} about a {word}."
            )
            for n, word in enumerate(PLOT_NOUNS)
        ]


@pytest.mark.parametrize("limit", [5, 20])
def test_similar_and_semantic_hydrate_in_a_fixed_number_of_queries(
    twenty_two_movies, api_client, django_assert_max_num_queries, limit
):
    seed = twenty_two_movies[0]

    # One: the movie and its neighbours, genres included.
    with django_assert_max_num_queries(1):
        similar = api_client.get(f"/api/movies/{seed.id}/similar/", {"limit": limit}).json()
    # One for the movies, one for their genres.
    with django_assert_max_num_queries(2):
        searched = api_client.get(SEMANTIC, {"q": "a pirate at sea", "limit": limit}).json()

    for rows in (similar, searched):
        assert len(rows) == limit
        scores = [row["score"] for row in rows]
        assert scores == sorted(scores, reverse=True)
        assert all(row["movie"]["genres"] for row in rows)
    assert seed.id not in {row["movie"]["id"] for row in similar}


def test_by_example_recommends_nearest_to_positives_away_from_negatives_without_the_examples(small_catalog, api_client):
    positive = [small_catalog["Rain Street"].id]
    negative = [small_catalog["Pie Fight"].id]

    response = api_client.post(BY_EXAMPLE, {"positive": positive, "negative": negative, "limit": 10}, format="json")

    assert response.status_code == 200
    found = titles(response.json())
    assert len(found) == len(SMALL_CATALOG) - 2
    assert "Rain Street" not in found and "Pie Fight" not in found
    assert set(found[:2]) == {"Harbor Lies", "The Cobalt Alibi"}
    scores = [row["score"] for row in response.json()]
    assert scores == sorted(scores, reverse=True)


def test_by_example_applies_filters(small_catalog, api_client):
    response = api_client.post(
        BY_EXAMPLE, {"positive": [small_catalog["Rain Street"].id], "genre": "Comedy", "year_min": 1990}, format="json"
    )

    assert set(titles(response.json())) == {"Office Chaos", "Wedding Mixup"}


# ---------------------------------------------------------------- not yet embedded


@pytest.fixture
def pending_movie(stores):
    """A movie whose vector event is still pending: created without running the on-commit hooks."""
    return MovieFactory(title="Pending", overview="Not embedded yet.")


def test_similar_of_a_movie_not_yet_embedded_answers_409_indexing(pending_movie, api_client):
    response = api_client.get(f"/api/movies/{pending_movie.id}/similar/")

    assert response.status_code == 409
    error = response.json()["error"]
    assert (error["code"], error["status"], error["fields"]) == (
        "not_indexed",
        "indexing",
        {"movie_ids": [str(pending_movie.id)]},
    )


def test_similar_of_a_movie_deleted_from_postgres_but_still_indexed_answers_404(small_catalog, api_client):
    seed = small_catalog["Pie Fight"]
    Movie.objects.filter(id=seed.id).delete()  # no service: the vector stays, as while the sync lags
    assert vectors.get_vector_store().has(seed.id)

    response = api_client.get(f"/api/movies/{seed.id}/similar/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_similar_of_an_unknown_movie_answers_404(db, api_client):
    assert api_client.get("/api/movies/987654/similar/").status_code == 404


@pytest.mark.parametrize("role", ["positive", "negative"])
def test_by_example_with_an_example_not_yet_embedded_answers_409_naming_it(
    small_catalog, pending_movie, api_client, role
):
    indexed = small_catalog["Rain Street"].id
    body = (
        {"positive": [indexed], role: [pending_movie.id]}
        if role == "negative"
        else {"positive": [indexed, pending_movie.id]}
    )

    response = api_client.post(BY_EXAMPLE, body, format="json")

    assert response.status_code == 409
    error = response.json()["error"]
    assert (error["status"], error["fields"]) == ("indexing", {"movie_ids": [str(pending_movie.id)]})
