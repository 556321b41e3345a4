"""Title keys (backend/catalog/titles.py), their SQL twin (migration 0002) and the typo index that
triggers keep beside catalog_movie."""

from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.catalog import services
from backend.catalog.models import Movie
from backend.catalog.titles import (
    FOLD_TABLE,
    alternative_title_key,
    display_title,
    normalize_title,
    split_title_year,
    title_keys,
    title_trigrams,
)
from tests.factories import MovieFactory

SPELLINGS = [
    ("Matrix, The (1999)", "The Matrix", "matrix"),
    ("Usual Suspects, The", "the usual suspects", "usual suspects"),
    ("Haine, La", "La Haine", "la haine"),
    ("Avventura, L'", "L’Avventura", "lavventura"),
    ("Amélie", "AMELIE", "amelie"),
    ("Léon: The Professional", "leon the professional", "leon the professional"),
    ("Schindler's List", "Schindler’s list", "schindlers list"),
    ("L.A. Confidential", "LA Confidential", "la confidential"),
    ("WALL·E", "Wall-E", None),
    ("Fast & Furious", "fast and furious", "fast and furious"),
    ("Æon Flux", "aeon flux", "aeon flux"),
    ("Die Straße", "die strasse", "die strasse"),
    ("Ёжик в тумане", "ежик в тумане", "ежик в тумане"),
    ("Star Wars: Episode IV – A New Hope", "star wars episode iv a new hope", "star wars episode iv a new hope"),
    ("  Heat  ", "heat (1995)", "heat"),
]


@pytest.mark.parametrize(("written", "typed", "key"), SPELLINGS, ids=[s[0] for s in SPELLINGS])
def test_two_spellings_of_one_title_have_one_key(written, typed, key):
    if key is None:  # "WALL·E" joins, "Wall-E" separates: close (a typo apart), not equal.
        assert normalize_title(written) == "walle" and normalize_title(typed) == "wall e"
        return
    assert normalize_title(written) == normalize_title(typed) == key


@pytest.mark.parametrize(
    ("written", "keys"),
    [
        ("Seven (Se7en) (1995)", ("seven", "se7en")),
        ("Hate (Haine, La) (1995)", ("hate", "la haine")),
        ("Grand Day Out, A (a.k.a. Wallace)", ("grand day out", "wallace")),
        (
            "City of Lost Children, The (Cité des enfants perdus, La)",
            ("city of lost children", "la cite des enfants perdus"),
        ),
        ("(500) Days of Summer", ("500 days of summer",)),
        ("A", ("a",)),
    ],
)
def test_an_alternative_title_in_parentheses_is_a_second_key(written, keys):
    assert title_keys(written) == keys
    assert alternative_title_key(written) == (keys[1] if len(keys) > 1 else None)


@pytest.mark.parametrize(
    ("written", "title", "year", "display"),
    [
        ("Usual Suspects, The (1995)", "Usual Suspects, The", 1995, "The Usual Suspects"),
        ("Hate (Haine, La) (1995)", "Hate (Haine, La)", 1995, "Hate (Haine, La)"),
        ("Avventura, L' (1960)", "Avventura, L'", 1960, "L'Avventura"),
        ("Blade Runner 2049", "Blade Runner 2049", None, "Blade Runner 2049"),
        ("1917 (2019)", "1917", 2019, "1917"),
    ],
)
def test_catalogue_titles_split_into_title_and_year_and_read_as_written(written, title, year, display):
    assert (split_title_year(written).title, split_title_year(written).year) == (title, year)
    assert display_title(written) == display


def test_normalizing_twice_changes_nothing():
    for written, typed, _key in SPELLINGS:
        for title in (written, typed):
            assert normalize_title(normalize_title(title)) == normalize_title(title)


def test_trigrams_are_made_as_pg_trgm_makes_them():
    assert title_trigrams("heat") == {"  h", " he", "hea", "eat", "at "}
    assert title_trigrams("la haine") == title_trigrams("la") | title_trigrams("haine")


# ------------------------------------------------------------------ the SQL twin


def _sql_keys(titles: list[str]) -> list[tuple[str, str | None, list[str]]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT catalog_title_key(t), catalog_title_alt_key(t), catalog_title_trigrams(catalog_title_key(t)) "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS titles (t, position) ORDER BY position",
            [titles],
        )
        return cursor.fetchall()


def _python_keys(titles: list[str]) -> list[tuple[str, str | None, list[str]]]:
    return [(normalize_title(t), alternative_title_key(t), sorted(title_trigrams(normalize_title(t)))) for t in titles]


@pytest.mark.django_db
def test_sql_computes_the_same_keys_for_the_examples_and_every_folded_character():
    titles = [title for spelling in SPELLINGS for title in spelling[:2]]
    titles += [f"X{char}y, The (Alt {char}) (1999)" for char in FOLD_TABLE]

    assert _sql_keys(titles) == _python_keys(titles)


TITLE_ALPHABET = st.sampled_from(
    list("abcxyzABCXYZ019 ,.'&()-:!?")
    + ["The", "the", "A", "La", "L'", "a.k.a.", "(1999)", "é", "Æ", "ß", "’", "·", "Ж", "字"]
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(TITLE_ALPHABET, max_size=12).map("".join), min_size=1, max_size=40))
def test_sql_computes_the_same_keys_for_any_title(titles):
    assert _sql_keys(titles) == _python_keys(titles)


# ------------------------------------------------------------------ the typo index


def _indexed_trigrams(movie_id: int) -> dict[int, set[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT variant, trigram FROM catalog_title_trigram WHERE movie_id = %s", [movie_id])
        found: dict[int, set[str]] = {}
        for variant, trigram in cursor.fetchall():
            found.setdefault(variant, set()).add(trigram)
        return found


@pytest.mark.django_db
def test_the_write_service_indexes_title_alternative_and_original_title():
    movie = MovieFactory(title="Seven (Se7en)", original_title="Sieben")

    assert _indexed_trigrams(movie.id) == {
        0: title_trigrams("seven"),
        1: title_trigrams("se7en"),
        2: title_trigrams("sieben"),
    }


@pytest.mark.django_db
def test_a_title_change_reindexes_and_a_delete_unindexes():
    movie = MovieFactory(title="Heat")

    services.update_movie(movie.id, services.MovieInput(fields={"title": "Ronin", "original_title": "Ronin"}))
    assert _indexed_trigrams(movie.id) == {0: title_trigrams("ronin")}

    services.delete_movie(movie.id)
    assert _indexed_trigrams(movie.id) == {}


@pytest.mark.django_db
def test_bulk_create_and_copy_are_indexed_like_single_writes():
    created = Movie.objects.bulk_create([Movie(title="Matrix, The"), Movie(title="Amélie", original_title="Amélie")])
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY catalog_movie (title, original_title, overview, original_language, poster_url, popularity, "
            "rating_count, rating_mean, rank_score, created_at, updated_at) FROM STDIN"
        ) as copy,
    ):
        copy.write_row(("Godfather, The", "", "", "en", "", 1.0, 0, 0.0, 0.0, "2024-01-01", "2024-01-01"))
    copied = Movie.objects.get(title="Godfather, The")

    assert [_indexed_trigrams(m.id) for m in (*created, copied)] == [
        {0: title_trigrams("matrix")},
        {0: title_trigrams("amelie")},
        {0: title_trigrams("godfather")},
    ]
    assert Movie.objects.get(id=copied.id).title_key == "godfather"


@pytest.mark.django_db
def test_an_update_that_leaves_titles_alone_does_not_touch_the_index():
    movie = MovieFactory(title="Heat")
    with connection.cursor() as cursor:
        cursor.execute("SELECT ctid FROM catalog_title_trigram WHERE movie_id = %s ORDER BY ctid", [movie.id])
        before = cursor.fetchall()
        Movie.objects.filter(id=movie.id).update(popularity=42)
        cursor.execute("SELECT ctid FROM catalog_title_trigram WHERE movie_id = %s ORDER BY ctid", [movie.id])

        assert cursor.fetchall() == before


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Godfather, The", ("The Godfather", "", None)),
        ("Usual Suspects, The (1995)", ("The Usual Suspects", "", 1995)),
        ("Seven (Se7en) (1995)", ("Seven", "Se7en", 1995)),
        ("Hate (Haine, La) (1995)", ("Hate", "La Haine", 1995)),
        ("Avventura, L' (1960)", ("L'Avventura", "", 1960)),
        ("Heat", ("Heat", "", None)),
    ],
)
def test_split_catalogue_title_restores_articles(written, expected):
    from backend.catalog.titles import split_catalogue_title

    split = split_catalogue_title(written)
    assert (split.title, split.alternative, split.year) == expected


def test_restore_article_leaves_other_titles_alone():
    from backend.catalog.titles import restore_article

    assert restore_article("Godfather, The") == "The Godfather"
    assert restore_article("Crouching Tiger, Hidden Dragon") == "Crouching Tiger, Hidden Dragon"
