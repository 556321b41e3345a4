"""`import_catalog`: the TMDB 5000 layout with and without credits, the IMDb top-1000 layout,
missing columns, dates, idempotence and matching against what is already there."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from backend.catalog.models import Credit, Movie, Person
from backend.sync.models import OutboxEvent
from tests.backend.importers.conftest import report_counts
from tests.factories import MovieFactory

pytestmark = pytest.mark.django_db

GENRES = json.dumps([{"id": 28, "name": "Action"}, {"id": 878, "name": "Science Fiction"}])
TMDB = (
    "budget,genres,id,keywords,original_language,original_title,overview,popularity,release_date,runtime,title,vote_average,vote_count\n"
    f'237000000,"{GENRES.replace(chr(34), chr(34) * 2)}",19995,"[]",en,Avatar,"A marine on an alien moon.",150.4,2009-12-10,162,Avatar,7.2,11800\n'
    '0,"[]",603,"[]",en,The Matrix,"A hacker learns the truth.",104.3,3/30/1999,136,The Matrix,7.9,8900\n'
)
CAST = json.dumps(
    [
        {"cast_id": 2, "character": "Neytiri", "name": "Zoe Saldana", "order": 1},
        {"cast_id": 1, "character": "Jake Sully", "name": "Sam Worthington", "order": 0},
    ]
)
CREW = json.dumps([{"job": "Director", "name": "James Cameron"}, {"job": "Producer", "name": "Jon Landau"}])
CREDITS = f'movie_id,title,cast,crew\n19995,Avatar,"{CAST.replace(chr(34), chr(34) * 2)}","{CREW.replace(chr(34), chr(34) * 2)}"\n'
IMDB = (
    "Poster_Link,Series_Title,Released_Year,Certificate,Runtime,Genre,IMDB_Rating,Overview,Meta_score,Director,Star1,Star2,Star3,Star4,No_of_Votes,Gross\n"
    'https://img/1.jpg,"Godfather, The",1972,A,175 min,"Crime, Drama",9.2,A crime dynasty.,100,Francis Ford Coppola,Marlon Brando,Al Pacino,James Caan,Diane Keaton,1620367,"134,966,411"\n'
    'https://img/2.jpg,Apollo 13,PG,U,140 min,"Adventure, Drama",7.6,Houston has a problem.,77,Ron Howard,Tom Hanks,Bill Paxton,Kevin Bacon,Gary Sinise,269197,"173,837,933"\n'
)


def run(path, *flags: str) -> str:
    out = StringIO()
    call_command("import_catalog", str(path), *flags, stdout=out)
    return out.getvalue()


@pytest.fixture
def tmdb(tmp_path):
    (tmp_path / "tmdb_5000_movies.csv").write_text(TMDB)
    (tmp_path / "tmdb_5000_credits.csv").write_text(CREDITS)
    return tmp_path


def test_tmdb_layout_with_credits(tmdb):
    run(tmdb / "tmdb_5000_movies.csv", "--credits", str(tmdb / "tmdb_5000_credits.csv"))

    avatar = Movie.objects.get(tmdb_id=19995)
    assert (avatar.title, avatar.release_date, avatar.year, avatar.runtime, avatar.popularity) == (
        "Avatar",
        date(2009, 12, 10),
        2009,
        162,
        150.4,
    )
    assert set(avatar.genres.values_list("name", flat=True)) == {"Action", "Science Fiction"}
    assert list(avatar.credits.values_list("kind", "person__name", "character", "order", "job")) == [
        ("cast", "Sam Worthington", "Jake Sully", 0, ""),
        ("cast", "Zoe Saldana", "Neytiri", 1, ""),
        ("crew", "James Cameron", "", 0, "Director"),
    ]
    assert Movie.objects.get(tmdb_id=603).release_date == date(1999, 3, 30)  # M/D/YYYY
    event = OutboxEvent.objects.get(kind="movie", key=str(avatar.id))
    assert event.event_type == "movie.created"
    assert {p["role"] for p in event.payload["people"]} == {"ACTED_IN", "DIRECTED"}


def test_a_reduced_tmdb_file_without_json_columns(tmp_path):
    path = tmp_path / "reduced.csv"
    path.write_text("id,title,release_date\n11,Star Wars,1977-05-25\n")
    run(path)
    assert Movie.objects.get(tmdb_id=11).year == 1977


def test_imdb_layout_restores_titles_and_keeps_a_film_without_a_readable_year(tmp_path):
    path = tmp_path / "imdb_top_1000.csv"
    path.write_text(IMDB)

    report = run(path)

    godfather = Movie.objects.get(title="The Godfather")
    assert (godfather.year, godfather.runtime, godfather.poster_url) == (1972, 175, "https://img/1.jpg")
    assert list(godfather.credits.values_list("kind", "person__name", "order", "job")) == [
        ("cast", "Marlon Brando", 0, ""),
        ("cast", "Al Pacino", 1, ""),
        ("cast", "James Caan", 2, ""),
        ("cast", "Diane Keaton", 3, ""),
        ("crew", "Francis Ford Coppola", 0, "Director"),
    ]
    assert Movie.objects.get(title="Apollo 13").year is None
    assert "imdb_top_1000.csv:3: Released_Year 'PG' is not a year" in report


@pytest.mark.parametrize(
    ("header", "missing"),
    [("title,overview", "id"), ("Series_Title,Overview", "Released_Year"), ("id,release_date", "title")],
)
def test_missing_required_columns_fail_at_once_naming_them(tmp_path, header, missing):
    path = tmp_path / "movies.csv"
    path.write_text(header + "\nx,y\n")
    with pytest.raises(CommandError, match=f"missing required column\\(s\\): {missing}$"):
        run(path)
    assert not Movie.objects.exists()


def test_a_missing_file_or_unknown_layout_fails_with_one_line(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "absent.csv")
    (tmp_path / "other.csv").write_text("a,b\n1,2\n")
    with pytest.raises(CommandError, match="unknown layout"):
        run(tmp_path / "other.csv")


def test_a_bad_date_is_reported_with_its_line_and_skipped(tmp_path):
    path = tmp_path / "movies.csv"
    path.write_text("id,title,release_date\n1,Good,2001-01-01\n2,Bad,31.12.2001\n")
    with pytest.raises(CommandError, match="movies.csv:3: date '31.12.2001' is neither"):
        run(path, "--strict")
    assert "movies.csv:3" in run(path)
    assert list(Movie.objects.values_list("title", flat=True)) == ["Good"]


def test_a_rerun_changes_nothing_and_a_changed_file_updates(tmdb):
    movies, credits = tmdb / "tmdb_5000_movies.csv", str(tmdb / "tmdb_5000_credits.csv")
    run(movies, "--credits", credits)
    events, people = OutboxEvent.objects.count(), Person.objects.count()

    assert report_counts(run(movies, "--credits", credits))["movies unchanged"] == 2
    assert (OutboxEvent.objects.count(), Person.objects.count(), Movie.objects.count()) == (events, people, 2)

    movies.write_text(TMDB.replace("A hacker learns the truth.", "Neo wakes up."))
    run(movies, "--credits", credits)
    assert Movie.objects.get(tmdb_id=603).overview == "Neo wakes up."
    assert list(
        OutboxEvent.objects.filter(id__gt=OutboxEvent.objects.order_by("id")[events - 1].id).values_list(
            "event_type", flat=True
        )
    ) == ["movie.updated"]
    assert Credit.objects.count() == 3


def test_a_catalogue_row_matches_a_movielens_film_by_title_and_year(tmp_path):
    existing = MovieFactory(title="The Godfather", release_date=date(1972, 3, 24), overview="")
    path = tmp_path / "imdb_top_1000.csv"
    path.write_text(IMDB)
    run(path)
    godfather = Movie.objects.get(id=existing.id)
    assert Movie.objects.filter(title="The Godfather").count() == 1
    assert godfather.overview == "A crime dynasty."
