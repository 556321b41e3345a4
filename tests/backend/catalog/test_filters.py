"""/api/movies/ filters, full-text search and ordering (backend/catalog/filters.py)."""

from __future__ import annotations

from datetime import date

import pytest

from backend.catalog.models import Credit, Movie
from backend.catalog.services import CreditInput
from tests.factories import MovieFactory, PersonFactory

MOVIES = "/api/movies/"


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [movie["title"] for movie in response.json()["results"]]


@pytest.fixture
def shelf(db):
    """Four movies that differ in every filtered field."""
    star, director = PersonFactory(name="Star"), PersonFactory(name="Boss")
    return {
        "Noir": MovieFactory(
            title="Noir",
            genres=("Crime",),
            release_date=date(1950, 1, 1),
            original_language="en",
            popularity=5,
            credits=(CreditInput(star.id, Credit.CAST),),
        ),
        "Amelie": MovieFactory(
            title="Amelie",
            genres=("Comedy", "Romance"),
            release_date=date(2001, 4, 25),
            original_language="fr",
            popularity=9,
        ),
        "Heat": MovieFactory(
            title="Heat",
            genres=("Crime", "Drama"),
            release_date=date(1995, 12, 15),
            original_language="en",
            popularity=7,
            credits=(CreditInput(director.id, Credit.CREW, job="Director"),),
        ),
        "Undated": MovieFactory(
            title="Undated", genres=("Drama",), release_date=None, original_language="ja", popularity=1
        ),
        "people": {"star": star, "director": director},
    }


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"genre": "Crime"}, {"Noir", "Heat"}),
        ({"genre": "Romance"}, {"Amelie"}),
        ({"year_min": 1990}, {"Amelie", "Heat"}),
        ({"year_max": 1995}, {"Noir", "Heat"}),
        ({"year_min": 1990, "year_max": 2000}, {"Heat"}),
        ({"language": "fr"}, {"Amelie"}),
        ({"genre": "Crime", "language": "en", "year_min": 1960}, {"Heat"}),
        ({"genre": "Drama", "year_min": 1900}, {"Heat"}),
    ],
    ids=[
        "genre",
        "second-genre",
        "year-min",
        "year-max",
        "year-range",
        "language",
        "combined",
        "undated-excluded-by-year",
    ],
)
def test_filters_select_the_matching_movies(api_client, shelf, params, expected):
    assert set(_titles(api_client.get(MOVIES, params))) == expected


@pytest.mark.parametrize("role, expected", [("star", {"Noir"}), ("director", {"Heat"})])
def test_person_filter_matches_cast_and_crew(api_client, shelf, role, expected):
    person = shelf["people"][role]

    assert set(_titles(api_client.get(MOVIES, {"person": person.id}))) == expected


@pytest.mark.parametrize(
    "params, field",
    [
        ({"genre": "Nope"}, "genre"),
        ({"person": 999999}, "person"),
        ({"year_min": "soon"}, "year_min"),
        ({"year_max": "NaN"}, "year_max"),
        ({"ordering": "budget"}, "ordering"),
        ({"q": "x" * 201}, "q"),
        ({"language": "a-very-long-code"}, "language"),
    ],
    ids=[
        "unknown-genre",
        "unknown-person",
        "non-numeric-year",
        "nan-year",
        "unknown-ordering",
        "long-query",
        "long-language",
    ],
)
def test_invalid_filters_are_400_with_the_field_named(api_client, shelf, params, field):
    response = api_client.get(MOVIES, params)

    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "invalid"
    assert list(body["fields"]) == [field]


@pytest.mark.parametrize(
    "ordering, expected",
    [
        ("title", ["Amelie", "Heat", "Noir", "Undated"]),
        ("-title", ["Undated", "Noir", "Heat", "Amelie"]),
        ("release_date", ["Noir", "Heat", "Amelie", "Undated"]),
        ("-release_date", ["Undated", "Amelie", "Heat", "Noir"]),
        ("popularity", ["Undated", "Noir", "Heat", "Amelie"]),
        ("-popularity", ["Amelie", "Heat", "Noir", "Undated"]),
    ],
)
def test_ordering_sorts_both_ways(api_client, shelf, ordering, expected):
    assert _titles(api_client.get(MOVIES, {"ordering": ordering})) == expected


def test_an_out_of_range_year_answers_an_empty_page_not_a_500(api_client, shelf):
    response = api_client.get(MOVIES, {"year_min": "9" * 30})

    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("year", ["1e30", "1999.5"])
def test_a_year_that_is_not_a_whole_number_is_400_naming_it(api_client, shelf, year):
    response = api_client.get(MOVIES, {"year_min": year})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["year_min"]


# ------------------------------------------------------------------ full-text search


@pytest.fixture
def library(db):
    return {
        "title": MovieFactory(title="The Vault", overview="Friends meet for dinner."),
        "overview": MovieFactory(title="Dinner Party", overview="A crew breaks into a vault."),
        "neither": MovieFactory(title="Meadow", overview="Cows graze quietly."),
    }


def test_search_finds_title_and_overview_matches_with_title_matches_first(api_client, library):
    assert _titles(api_client.get(MOVIES, {"q": "vault"})) == ["The Vault", "Dinner Party"]


def test_search_stems_english_words(api_client, library):
    assert _titles(api_client.get(MOVIES, {"q": "vaults"})) == ["The Vault", "Dinner Party"]
    assert _titles(api_client.get(MOVIES, {"q": "grazing"})) == ["Meadow"]


def test_search_takes_websearch_syntax(api_client, library):
    assert _titles(api_client.get(MOVIES, {"q": "vault -crew"})) == ["The Vault"]
    assert _titles(api_client.get(MOVIES, {"q": '"breaks into"'})) == ["Dinner Party"]


def test_search_with_an_ordering_uses_the_ordering(api_client, library):
    assert _titles(api_client.get(MOVIES, {"q": "vault", "ordering": "title"})) == ["Dinner Party", "The Vault"]


@pytest.mark.parametrize(
    "q", ["zebra", "!!!", "&|:*()", "' OR 1=1 --"], ids=["no-match", "punctuation", "tsquery-operators", "injection"]
)
def test_search_with_odd_or_unmatched_text_answers_an_empty_page(api_client, library, q):
    response = api_client.get(MOVIES, {"q": q})

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_search_combines_with_filters(api_client, library):
    MovieFactory(title="Vault 1970", overview="", release_date=date(1970, 1, 1))

    assert _titles(api_client.get(MOVIES, {"q": "vault", "year_max": 1980})) == ["Vault 1970"]


def test_search_document_is_maintained_on_update(client_of, staff, library):
    client_of(staff).patch(f"/api/movies/{library['neither'].id}/", {"overview": "A vault under the meadow."})

    assert Movie.objects.filter(search_document="vault").count() == 3
    assert "Meadow" in _titles(client_of(staff).get(MOVIES, {"q": "vault"}))
