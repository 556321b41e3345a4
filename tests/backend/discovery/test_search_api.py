"""GET /api/search/: one box for a title or a plot, fused from Postgres and the vector store,
against the real Qdrant Edge shard and the bundled embedder."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import vectors
from tests.factories import MovieFactory
from vectors.settings import VectorSettings

SEARCH = "/api/search/"

# (title, genres, year, language, overview)
CATALOG = [
    (
        "The Deep Blue",
        ["Thriller"],
        1975,
        "en",
        "A great white shark terrorizes a beach town until a police chief hunts it.",
    ),
    (
        "Lone Island",
        ["Drama"],
        2000,
        "en",
        "A courier survives a plane crash and lives alone for years on a deserted island.",
    ),
    (
        "Tower Siege",
        ["Action"],
        1988,
        "en",
        "A New York cop fights terrorists who seize a Los Angeles skyscraper at Christmas.",
    ),
    ("Tower Siege", ["Action"], 2021, "fr", "A remake: a cop fights thieves who seize a Paris office tower."),
    (
        "Amélie",
        ["Comedy", "Romance"],
        2001,
        "fr",
        "A shy Paris waitress secretly changes the lives of the people around her.",
    ),
    ("Matrix, The", ["Science Fiction"], 1999, "en", "A hacker learns that reality is a simulation run by machines."),
]


@pytest.fixture
def catalog(stores, on_commit) -> dict[tuple[str, int], int]:
    with on_commit():
        movies = {
            (title, year): MovieFactory(
                title=title, genres=genres, release_date=date(year, 6, 1), original_language=language, overview=overview
            ).id
            for title, genres, year, language, overview in CATALOG
        }
    assert vectors.get_vector_store().count() == len(CATALOG)
    return movies


def _search(api_client, q: str, **params) -> dict:
    response = api_client.get(SEARCH, {"q": q, **params})
    assert response.status_code == 200, response.content
    return response.json()


def _found(body: dict) -> list[tuple[str, int]]:
    return [(row["movie"]["title"], row["movie"]["year"]) for row in body["results"]]


@pytest.mark.parametrize(
    ("q", "first", "title_match"),
    [
        ("the matrix", ("Matrix, The", 1999), "exact"),
        ("AMELIE", ("Amélie", 2001), "exact"),
        ("lone isl", ("Lone Island", 2000), "prefix"),
        ("tower siege 2021", ("Tower Siege", 2021), "exact"),
        ("amelei", ("Amélie", 2001), "typo"),
    ],
)
def test_a_title_comes_first_and_says_how_it_matched(api_client, catalog, q, first, title_match):
    body = _search(api_client, q)

    assert _found(body)[0] == first
    assert body["results"][0]["title_match"] == title_match
    assert "title" in body["results"][0]["matched_by"]
    assert body["engines"] == {"title": "ok", "semantic": "ok"}


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("a man stranded alone after his aircraft goes down in the ocean", ("Lone Island", 2000)),
        ("killer fish attacks swimmers at the seaside", ("The Deep Blue", 1975)),
        ("computer programmer discovers the world is fake", ("Matrix, The", 1999)),
    ],
)
def test_a_plot_description_without_title_words_finds_the_film_by_meaning(api_client, catalog, q, first):
    body = _search(api_client, q)

    assert _found(body)[0] == first
    assert body["results"][0]["matched_by"] == ["semantic"]
    assert body["results"][0]["title_match"] is None


def test_a_film_both_engines_found_says_so(api_client, catalog):
    body = _search(api_client, "shark")  # in an overview, and what the film is about

    assert _found(body)[0] == ("The Deep Blue", 1975)
    assert body["results"][0]["matched_by"] == ["title", "semantic"]
    assert body["results"][0]["title_match"] == "overview"


@pytest.mark.parametrize(
    ("params", "allowed"),
    [
        ({"year_min": 2000}, {("Lone Island", 2000), ("Tower Siege", 2021), ("Amélie", 2001)}),
        ({"year_max": 1990, "genre": "Action"}, {("Tower Siege", 1988)}),
        ({"language": "fr"}, {("Tower Siege", 2021), ("Amélie", 2001)}),
    ],
    ids=["year-min", "year-max-and-genre", "language"],
)
def test_filters_hold_in_both_engines(api_client, catalog, params, allowed):
    title_side = _search(api_client, "tower siege", **params)
    semantic_side = _search(api_client, "a policeman battles criminals who take over a building", **params)

    assert set(_found(title_side)) <= allowed and set(_found(semantic_side)) <= allowed
    assert set(_found(semantic_side)) == allowed  # the limit exceeds them: every match comes back


def test_the_limit_caps_the_results(api_client, catalog):
    assert len(_search(api_client, "a story", limit=2)["results"]) == 2


def test_a_search_runs_four_queries_whatever_it_finds(api_client, catalog):
    for q in ("tower siege", "a courier survives a plane crash"):
        with CaptureQueriesContext(connection) as queries:
            body = _search(api_client, q, genre="Action")
        # typo candidates, the title ranking, the semantic candidates' word overlap, the hydration
        assert len(queries) == 4, [query["sql"][:100] for query in queries.captured_queries]
        assert body["results"][0]["movie"]["genres"] == ["Action"]


@pytest.fixture
def vectors_down(catalog, vector_shard_settings) -> Iterator[None]:
    vectors.configure(VectorSettings(url="http://127.0.0.1:9", timeout_seconds=0.5))
    try:
        yield
    finally:
        vectors.configure(vector_shard_settings)


def test_with_the_vector_store_down_postgres_answers_alone_and_says_so(api_client, vectors_down):
    title_query = _search(api_client, "the matrix")
    plot_query = _search(api_client, "a hacker learns about a simulation")

    assert title_query["engines"] == plot_query["engines"] == {"title": "ok", "semantic": "unavailable"}
    assert _found(title_query)[0] == ("Matrix, The", 1999)
    assert _found(plot_query) == [("Matrix, The", 1999)]  # the full-text match of its overview
    assert all(row["matched_by"] == ["title"] for row in title_query["results"] + plot_query["results"])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "heat", "limit": 0}, "limit"),
        ({"q": "heat", "limit": 51}, "limit"),
        ({"q": "heat", "year_min": "soon"}, "year_min"),
        ({"q": "heat", "genre": ""}, "genre"),
        ({"q": "heat", "limit": [5, 6]}, "limit"),
        ({"q": "heat", "language": "a-very-long-code"}, "language"),
    ],
)
def test_bad_input_is_400_in_the_error_shape(api_client, db, params, field):
    response = api_client.get(SEARCH, params)

    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], list(error["fields"])) == ("invalid", [field])
