"""Title-first ranking of /api/movies/?q= (backend/catalog/title_search.py): the film typed first,
then prefixes and whole words, then typos, then overview matches; a trailing year preferred."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.catalog.models import Movie
from backend.catalog.title_search import (
    TYPO_MIN_SIMILARITY,
    TitleMatch,
    parse_title_query,
    refresh_trigram_frequencies,
    typo_matches,
)
from backend.catalog.titles import title_trigrams
from tests.factories import MovieFactory

MOVIES = "/api/movies/"

# (title, year, popularity, overview): popular decoys that a plain full-text ranking puts first.
SHELF = [
    ("The Dark Knight", 2008, 50, "Batman faces the Joker in Gotham."),
    ("The Dark Knight Rises", 2012, 90, "Batman returns to face Bane; the dark knight rises again."),
    ("Alien", 1979, 40, "The crew of a towing ship meets a deadly creature."),
    ("Aliens", 1986, 45, "Ripley returns to the moon where the alien creatures nest."),
    ("Alien", 2024, 5, "A remake nobody asked for."),
    ("Star Wars", 1977, 60, "A farm boy joins rebels against an empire."),
    ("Star Wars Fans", 2010, 70, "Fans of star wars camp outside a cinema for star wars tickets."),
    ("Galaxy Quest", 1999, 80, "Actors from a show like star wars are taken for real heroes."),
    ("Matrix, The", 1999, 55, "A hacker learns that the world is a simulation."),
    ("Amélie", 2001, 30, "A shy waitress in Paris decides to change the lives of others."),
    ("Seven (Se7en)", 1995, 35, "Two detectives hunt a killer who uses the seven deadly sins."),
    ("The Godfather", 1972, 65, "The aging patriarch of a crime dynasty hands it to his son."),
    ("The Godfather Part II", 1974, 58, "The early life of a crime boss and his son's rise."),
    ("Interstellar", 2014, 75, "Explorers travel through a wormhole to save humanity."),
    ("Knight Moves", 1992, 10, "A chess master is suspected of murder."),
    ("The Chess Game", 1990, 99, "A knight takes a queen and a pawn becomes a star."),
]


@pytest.fixture
def shelf(db) -> dict[tuple[str, int], int]:
    return {
        (title, year): MovieFactory(
            title=title, release_date=date(year, 6, 1), popularity=popularity, overview=overview
        ).id
        for title, year, popularity, overview in SHELF
    }


def _search(api_client, q: str, **params) -> list[tuple[str, int]]:
    response = api_client.get(MOVIES, {"q": q, **params})
    assert response.status_code == 200, response.content
    return [(movie["title"], movie["year"]) for movie in response.json()["results"]]


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("The Dark Knight", ("The Dark Knight", 2008)),
        ("the dark knight!", ("The Dark Knight", 2008)),
        ("Aliens", ("Aliens", 1986)),
        ("Star Wars", ("Star Wars", 1977)),
        ("the matrix", ("Matrix, The", 1999)),
        ("Matrix, The", ("Matrix, The", 1999)),
        ("amelie", ("Amélie", 2001)),
        ("AMÉLIE", ("Amélie", 2001)),
        ("se7en", ("Seven (Se7en)", 1995)),
        ("seven", ("Seven (Se7en)", 1995)),
        ("godfather", ("The Godfather", 1972)),
    ],
)
def test_an_exact_title_comes_first_whatever_the_case_accents_punctuation_or_article(api_client, shelf, q, first):
    assert _search(api_client, q)[0] == first


def test_prefix_then_word_matches_rank_above_overview_only_matches_whatever_their_popularity(api_client, shelf):
    assert _search(api_client, "knight") == [
        ("Knight Moves", 1992),  # prefix
        ("The Dark Knight Rises", 2012),  # a word of the title, the more popular first
        ("The Dark Knight", 2008),
        ("The Chess Game", 1990),  # the overview only, though the most popular
    ]
    assert _search(api_client, "star wars") == [("Star Wars", 1977), ("Star Wars Fans", 2010), ("Galaxy Quest", 1999)]


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("godfater", ("The Godfather", 1972)),
        ("interstelar", ("Interstellar", 2014)),
        ("the dark knigth", ("The Dark Knight", 2008)),
        ("amelei", ("Amélie", 2001)),
    ],
)
def test_a_typo_still_finds_the_film(api_client, shelf, q, first):
    assert _search(api_client, q)[0] == first


@pytest.mark.parametrize(
    ("q", "first"),
    [("alien 1979", ("Alien", 1979)), ("alien (2024)", ("Alien", 2024)), ("alien", ("Alien", 1979))],
)
def test_a_trailing_year_prefers_the_film_of_that_year(api_client, shelf, q, first):
    assert _search(api_client, q)[0] == first


def test_a_year_that_is_the_whole_title_stays_a_title(api_client, db):
    MovieFactory(title="1917", release_date=date(2019, 12, 25))
    MovieFactory(title="Blade Runner 2049", release_date=date(2017, 10, 6))

    assert _search(api_client, "1917") == [("1917", 2019)]
    assert _search(api_client, "blade runner 2049")[0] == ("Blade Runner 2049", 2017)


def test_filters_apply_to_title_matches_too(api_client, shelf):
    assert _search(api_client, "alien", year_max=2000) == [("Alien", 1979), ("Aliens", 1986)]


def test_a_title_query_answers_in_a_fixed_number_of_queries(api_client, shelf):
    with CaptureQueriesContext(connection) as queries:
        _search(api_client, "godfater")

    # typo candidates, page count, page, genres
    assert len(queries) == 4, [q["sql"][:120] for q in queries.captured_queries]


@pytest.mark.parametrize(
    ("text", "title_text", "year"),
    [
        ("alien 1979", "alien", 1979),
        ("heat (1995)", "heat", 1995),
        ("1917", "1917", None),
        ("blade runner 2049", "blade runner 2049", None),
        ("  star   wars ", "star wars", None),
    ],
)
def test_a_trailing_year_is_read_apart_from_the_title(text, title_text, year):
    query = parse_title_query(text, today=date(2026, 1, 1))

    assert (query.title_text, query.year) == (title_text, year)


def test_typo_similarity_is_pg_trgm_similarity(shelf):
    matches = typo_matches("godfater")

    assert matches[shelf[("The Godfather", 1972)]] == pytest.approx(7 / 12)
    assert matches[shelf[("The Godfather", 1972)]] > matches.get(shelf[("The Godfather Part II", 1974)], 0)
    assert typo_matches("zz") == {}


def _full_scan_typos(key: str) -> dict[int, float]:
    """What typo_matches answers, computed in Python over every title key of the catalogue."""
    query = title_trigrams(key)
    best: dict[int, float] = {}
    for movie_id, *keys in Movie.objects.values_list("id", "title_key", "title_alt_key", "original_title_key"):
        for title_key in filter(None, keys):
            trigrams = title_trigrams(title_key)
            similarity = len(query & trigrams) / len(query | trigrams)
            if similarity >= TYPO_MIN_SIMILARITY:
                best[movie_id] = max(best.get(movie_id, 0.0), similarity)
    return best


def _trigram_counts() -> dict[str, int]:
    """How many title keys have each trigram (a movie's keys counted once each when they differ)."""
    counts: dict[str, int] = {}
    for keys in Movie.objects.values_list("title_key", "title_alt_key", "original_title_key"):
        for title_key in dict.fromkeys(filter(None, keys)):
            for trigram in title_trigrams(title_key):
                counts[trigram] = counts.get(trigram, 0) + 1
    return counts


def _set_frequencies(rows: list[tuple[str, int]]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalog_title_trigram_frequency")
        for trigram, movies in rows:
            cursor.execute("INSERT INTO catalog_title_trigram_frequency VALUES (%s, %s)", [trigram, movies])


TYPOS = ["godfater", "the dark knigth", "interstelar", "star warz", "knigt moves", "alienz", "godfather prt ii"]


@pytest.mark.parametrize("frequencies", ["none", "refreshed", "backwards"])
def test_typo_matches_are_those_of_a_full_scan_whatever_the_trigram_frequencies(shelf, frequencies):
    # The lookup reads the rarest trigrams' posting lists only; which ones it takes for rare (none
    # known, the true counts, or the rarest called the most common) may change its cost, never its answer.
    if frequencies == "none":
        _set_frequencies([])
    elif frequencies == "refreshed":
        assert refresh_trigram_frequencies(keep=20) == 20
    else:
        _set_frequencies([(trigram, 1000 - movies) for trigram, movies in _trigram_counts().items()])

    for key in TYPOS:
        expected = _full_scan_typos(key)
        found = typo_matches(key)
        assert expected, key
        assert found.keys() == expected.keys(), key
        assert found == pytest.approx(expected), key


def test_refreshing_the_trigram_frequencies_keeps_the_most_common_with_their_counts(shelf):
    assert refresh_trigram_frequencies(keep=3) == 3

    with connection.cursor() as cursor:
        cursor.execute("SELECT trigram, movies FROM catalog_title_trigram_frequency ORDER BY movies DESC, trigram")
        kept = cursor.fetchall()
    counts = sorted(_trigram_counts().items(), key=lambda item: (-item[1], item[0]))
    assert kept == counts[:3]


def test_match_kinds_are_ordered_best_first():
    assert sorted(TitleMatch, reverse=True) == [
        TitleMatch.EXACT,
        TitleMatch.PREFIX,
        TitleMatch.WORDS,
        TitleMatch.TYPO,
        TitleMatch.OVERVIEW,
    ]
