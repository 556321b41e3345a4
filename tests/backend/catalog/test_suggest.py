"""GET /api/search/suggest/: titles as a search box is typed in (catalog.selectors.title_suggestions)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MovieFactory

SUGGEST = "/api/search/suggest/"


@pytest.fixture
def shelf(db):
    for title, popularity in [
        ("The Dark Knight", 50),
        ("The Darjeeling Limited", 20),
        ("Dark City", 30),
        ("Knight and Day", 40),
        ("Amélie", 10),
        ("Seven (Se7en)", 35),
        ("Heat", 60),
    ]:
        MovieFactory(title=title, popularity=popularity, release_date=date(2000, 1, 1))


def _suggest(api_client, q: str, **params) -> list[str]:
    response = api_client.get(SUGGEST, {"q": q, **params})
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # The article does not count; then a word of the title starts with it.
        ("da", ["The Dark Knight", "Dark City", "The Darjeeling Limited", "Knight and Day"]),
        ("dar", ["The Dark Knight", "Dark City", "The Darjeeling Limited"]),
        ("dark k", ["The Dark Knight"]),
        ("kni", ["Knight and Day", "The Dark Knight"]),  # title prefix first, then a word's prefix
        ("AMÉ", ["Amélie"]),
        ("am", ["Amélie"]),
        ("se7", ["Seven (Se7en)"]),  # the alternative title
        ("zz", []),
    ],
)
def test_suggestions_start_with_the_typed_text_most_popular_first(api_client, shelf, q, expected):
    assert _suggest(api_client, q) == expected


def test_suggestions_are_few_and_carry_what_a_dropdown_shows(api_client, shelf):
    response = api_client.get(SUGGEST, {"q": "da", "limit": 2})

    rows = response.json()
    assert [row["title"] for row in rows] == ["The Dark Knight", "Dark City"]
    assert set(rows[0]) == {"id", "title", "year", "poster_url"}
    assert rows[0]["year"] == 2000


@pytest.mark.parametrize("q", ["d", "!", "  "])
def test_less_than_two_letters_suggests_nothing_or_is_refused_when_blank(api_client, shelf, q):
    response = api_client.get(SUGGEST, {"q": q})

    if q.strip():
        assert (response.status_code, response.json()) == (200, [])
    else:
        assert response.status_code == 400
        assert list(response.json()["error"]["fields"]) == ["q"]


@pytest.mark.parametrize(
    ("params", "field"),
    [({}, "q"), ({"q": "x" * 101}, "q"), ({"q": "da", "limit": 0}, "limit"), ({"q": "da", "limit": 21}, "limit")],
)
def test_bad_input_is_400_with_the_field_named(api_client, db, params, field):
    response = api_client.get(SUGGEST, params)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert list(response.json()["error"]["fields"]) == [field]


def test_a_suggestion_is_one_query(api_client, shelf):
    with CaptureQueriesContext(connection) as queries:
        _suggest(api_client, "da")

    assert len(queries) == 1
