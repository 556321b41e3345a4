"""Similarity quality on the demo catalog (~100 films embedded by the real model): what a user of
the demo would try first. The catalog is loaded ONCE for this module (embedding takes tens of
seconds) inside one outer transaction that is rolled back at the end, as Django's
TestCase.setUpTestData does; each test runs in a savepoint inside it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.test import TestCase

import vectors
from backend.catalog.models import Movie
from backend.demo.loader import DEMO_CATALOG, load_demo
from graph import driver, projection
from tests.backend.discovery.helpers import titles

pytestmark = pytest.mark.django_db

SEMANTIC = "/api/search/semantic/"
DEMO_MOVIES = json.loads(DEMO_CATALOG.read_text())["movies"]
SPACE_OPERAS = sorted(m["title"] for m in DEMO_MOVIES if "Space Opera" in m["genres"])
HEISTS = {m["title"] for m in DEMO_MOVIES if "Heist" in m["genres"]}


def year_of(movie: dict) -> int:
    return int(movie["release_date"][:4])


def demo_titles(genre: str | None = None, year_min: int = 0, year_max: int = 9999) -> set[str]:
    return {
        m["title"]
        for m in DEMO_MOVIES
        if (genre is None or genre in m["genres"]) and year_min <= year_of(m) <= year_max
    }


@pytest.fixture(scope="module")
def demo_ids(django_db_setup, django_db_blocker, graph_server, vector_shard_settings) -> Iterator[dict[str, int]]:
    """Title -> id of the demo catalog, loaded into Postgres, the graph and the vector shard."""
    with django_db_blocker.unblock():
        driver.configure(graph_server.settings())
        projection.clear_all()
        vectors.configure(vector_shard_settings)
        vectors.get_vector_store().clear()
        atomics = TestCase._enter_atomics()
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                load_demo()
            yield dict(Movie.objects.values_list("title", "id"))
        finally:
            TestCase._rollback_atomics(atomics)


def test_every_demo_movie_is_embedded(demo_ids):
    assert len(demo_ids) == len(DEMO_MOVIES)
    assert vectors.get_vector_store().stored_versions(list(demo_ids.values())).keys() == set(demo_ids.values())


@pytest.mark.parametrize("title", SPACE_OPERAS)
def test_similar_movies_of_a_space_opera_are_mostly_space_operas(demo_ids, api_client, title):
    rows = api_client.get(f"/api/movies/{demo_ids[title]}/similar/", {"limit": 5}).json()

    found = titles(rows)
    assert len(found) == 5 and title not in found
    assert sum(found_title in SPACE_OPERAS for found_title in found) >= 3, found


def test_a_casino_vault_robbery_ranks_the_casino_heist_first(demo_ids, api_client):
    rows = api_client.get(SEMANTIC, {"q": "a crew plans to rob a casino vault", "limit": 5}).json()

    found = titles(rows)
    assert found[0] == "The Meridian Casino Job"
    assert sum(found_title in HEISTS for found_title in found) >= 3, found


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"genre": "Heist", "year_min": 2000}, demo_titles("Heist", year_min=2000)),
        ({"genre": "Space Opera", "year_max": 1990}, demo_titles("Space Opera", year_max=1990)),
        ({"year_min": 2021, "year_max": 2022}, demo_titles(year_min=2021, year_max=2022)),
        ({"genre": "Western", "year_min": 1960, "year_max": 1970}, demo_titles("Western", 1960, 1970)),
    ],
    ids=["heists-since-2000", "space-operas-until-1990", "2021-2022", "westerns-of-the-60s"],
)
def test_filters_hold_on_the_demo_catalog(demo_ids, api_client, params, expected):
    seed = "The Meridian Casino Job"
    limit = {"limit": len(expected) + 5}

    similar = titles(api_client.get(f"/api/movies/{demo_ids[seed]}/similar/", {**params, **limit}).json())
    searched = titles(api_client.get(SEMANTIC, {**params, **limit, "q": "a daring plan"}).json())

    assert sorted(similar) == sorted(expected - {seed})
    assert sorted(searched) == sorted(expected)


def test_by_example_of_space_operas_away_from_romance_recommends_space_operas(demo_ids, api_client):
    positive = [demo_ids["Admiral of Nine Suns"], demo_ids["Crown of the Void"]]
    negative = [demo_ids["Love in Aisle Nine"]]

    rows = api_client.post(
        "/api/search/semantic/by-example/", {"positive": positive, "negative": negative, "limit": 5}, format="json"
    ).json()

    found = titles(rows)
    assert sum(found_title in SPACE_OPERAS for found_title in found) >= 3, found
    assert not {"Admiral of Nine Suns", "Crown of the Void", "Love in Aisle Nine"} & set(found)
