"""Bringing a history in: POST /api/me/imports/ with a Letterboxd or IMDb export; matching by IMDb
id, else title key and year; dates kept; idempotent; bad files refused with nothing written."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.catalog.models import Movie
from backend.personal_data import import_files
from backend.personal_data.models import ImportJob
from backend.social import services as social
from backend.social.models import FilmList, Like, Rating, Review, WatchlistEntry
from backend.social.services.lists import list_create, list_entry_add
from backend.social.services.reviews import review_write
from backend.social.services.watchlist import watchlist_add
from backend.sync.models import OutboxEvent
from tests.factories import MovieFactory, UserFactory

IMPORTS = "/api/me/imports/"
LB_HEADER = "Date,Name,Year,Letterboxd URI,Rating\n"
IMDB_HEADER = (
    "Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,"
    "Genres,Num Votes,Release Date,Directors\n"
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    films = {
        "matrix": MovieFactory(title="The Matrix", release_date=date(1999, 3, 31), imdb_id="tt0133093"),
        "heat": MovieFactory(title="Heat", release_date=date(1995, 12, 15)),
        "amelie": MovieFactory(title="Amélie", release_date=date(2001, 4, 25)),
        "twin_a": MovieFactory(title="Twins", release_date=date(1988, 12, 9)),
        "twin_b": MovieFactory(title="Twins", release_date=date(1988, 6, 1)),
        "solaris": MovieFactory(title="Solaris", release_date=date(1972, 3, 20)),
    }
    return {name: movie.id for name, movie in films.items()}


def upload(client, name: str, content: bytes, on_commit=None):
    def post():
        return client.post(IMPORTS, {"file": SimpleUploadedFile(name, content)}, format="multipart")

    if on_commit is None:
        return post()
    with on_commit():
        return post()


def finished(client, response) -> dict:
    assert response.status_code == 202, response.content
    body = client.get(f"{IMPORTS}{response.json()['id']}/").json()
    assert body["status"] == "done", body
    return body


def scores(user) -> dict[int, tuple[Decimal, date]]:
    return {r.movie_id: (r.score, r.updated_at.date()) for r in Rating.objects.filter(user=user)}


def test_letterboxd_ratings_match_by_title_and_year_and_report_the_rest(catalogue, user, client_of, on_commit):
    csv_text = LB_HEADER + (
        '2020-01-02,"Matrix, The",1999,https://boxd.it/a,4.5\n'  # a library-style article
        "2020-01-03,Heat,1996,https://boxd.it/b,3\n"  # a year off by one, unique
        "2020-01-04,AMELIE,2001,,5\n"  # case and accents
        "2020-01-05,Twins,1988,,2.5\n"  # two films: ambiguous, never guessed
        "2020-01-06,Stalker,1979,,5\n"  # absent
    )
    client = client_of(user)

    body = finished(client, upload(client, "ratings.csv", csv_text.encode(), on_commit))

    assert body["origin"] == "letterboxd"
    assert body["counts"] == {
        "read": 5, "matched": 3, "unmatched": 2, "watched": 0, "created": 3, "updated": 0, "kept": 0, "skipped": 0
    }  # fmt: skip
    assert [(u["line"], u["name"], u["reason"]) for u in body["unmatched"]] == [
        (5, "Twins", "ambiguous: several films have this title and year"),
        (6, "Stalker", "not in the catalogue"),
    ]
    assert scores(user) == {
        catalogue["matrix"]: (Decimal("4.5"), date(2020, 1, 2)),
        catalogue["heat"]: (Decimal("3.0"), date(2020, 1, 3)),
        catalogue["amelie"]: (Decimal("5.0"), date(2020, 1, 4)),
    }
    assert OutboxEvent.objects.filter(kind="rating", event_type="rating.imported").count() == 3


def test_imdb_export_matches_by_id_halves_scores_and_counts_only_films(catalogue, user, client_of, on_commit):
    csv_text = IMDB_HEADER + (
        "tt0133093,9,2019-05-01,Matrix,,https://imdb.com/title/tt0133093/,Movie,8.7,136,1999,Action,1,1999-03-31,W\n"
        "tt9999999,1,2019-05-02,Solaris,,u,Movie,8.1,167,1972,Drama,1,1972-03-20,T\n"
        "tt0903747,10,2019-05-03,Breaking Bad,,u,TV Series,9.5,49,2008,Crime,1,2008-01-20,\n"
    )
    client = client_of(user)

    body = finished(client, upload(client, "imdb.csv", csv_text.encode(), on_commit))

    assert body["origin"] == "imdb" and body["counts"]["read"] == 2
    # By id (the file's title differs), then by title where the id is not in the catalogue.
    assert scores(user) == {
        catalogue["matrix"]: (Decimal("4.5"), date(2019, 5, 1)),
        catalogue["solaris"]: (Decimal("0.5"), date(2019, 5, 2)),
    }


def test_reimporting_the_same_file_changes_nothing(catalogue, user, client_of, on_commit):
    csv_text = (LB_HEADER + "2020-01-02,Heat,1995,,4\n").encode()
    client = client_of(user)
    finished(client, upload(client, "ratings.csv", csv_text, on_commit))
    events = OutboxEvent.objects.count()

    again = finished(client, upload(client, "ratings.csv", csv_text, on_commit))

    assert again["counts"]["created"] == 0 and again["counts"]["skipped"] == 1
    assert OutboxEvent.objects.count() == events
    assert Rating.objects.filter(user=user).count() == 1


def test_the_newer_of_a_hand_rating_and_the_imported_one_wins(catalogue, user, client_of, on_commit):
    social.rate_movie(user, catalogue["heat"], Decimal("1.0"))  # rated now: newer than the file
    social.rate_movie(user, catalogue["amelie"], Decimal("1.0"))
    Rating.objects.filter(user=user, movie_id=catalogue["amelie"]).update(updated_at=datetime(2010, 1, 1, tzinfo=UTC))
    csv_text = LB_HEADER + "2020-01-02,Heat,1995,,4\n2020-01-02,Amélie,2001,,4\n"
    client = client_of(user)

    body = finished(client, upload(client, "ratings.csv", csv_text.encode(), on_commit))

    assert body["counts"]["kept"] == 1 and body["counts"]["updated"] == 1
    assert scores(user)[catalogue["heat"]][0] == Decimal("1.0")
    assert scores(user)[catalogue["amelie"]] == (Decimal("4.0"), date(2020, 1, 2))


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_letterboxd_zip_brings_ratings_and_likes_and_lists_what_it_skipped(catalogue, user, client_of, on_commit):
    content = zipped({
        "ratings.csv": (LB_HEADER + "2020-01-02,Heat,1995,,4\n").encode(),
        "likes/films.csv": b"Date,Name,Year,Letterboxd URI\n2020-02-03,Solaris,1972,\n",
        "profile.csv": b"Date Joined,Username\n",
    })  # fmt: skip
    client = client_of(user)

    body = finished(client, upload(client, "letterboxd-export.zip", content, on_commit))

    assert body["skipped_files"] == ["profile.csv"]
    like = Like.objects.get(user=user)
    assert (like.movie_id, like.created_at.date()) == (catalogue["solaris"], date(2020, 2, 3))


DIARY_HEADER = "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"
REVIEWS_HEADER = "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date\n"
LIST_FILE = (
    "Letterboxd list export v7\nDate,Name,Tags,URL,Description\n2021-05-06,Slow cinema,,,Long takes\n\n"
    "Position,Name,Year,URL,Description\n1,Solaris,1972,,the station\n2,Heat,1995,,\n3,Stalker,1979,,\n"
)


def test_a_full_letterboxd_zip_brings_diary_watchlist_reviews_and_lists(catalogue, user, client_of, on_commit):
    content = zipped({
        "ratings.csv": (LB_HEADER + "2020-03-01,Heat,1995,,4\n").encode(),
        # An older diary rating of Heat loses to ratings.csv; Amélie's diary rating is the only one.
        "diary.csv": (DIARY_HEADER + "2019-01-01,Heat,1995,,2,,,2019-01-01\n2020-04-01,Amélie,2001,,3.5,,,\n"
                      "2020-04-02,Solaris,1972,,,,,\n").encode(),
        "watched.csv": b"Date,Name,Year,Letterboxd URI\n2020-04-03,Solaris,1972,\n",
        "watchlist.csv": b"Date,Name,Year,Letterboxd URI\n2020-05-01,The Matrix,1999,\n2020-05-02,Stalker,1979,\n",
        "reviews.csv": (REVIEWS_HEADER + '2020-06-01,Solaris,1972,,5,,"Slow, and\nsublime.",,\n').encode(),
        "lists/slow-cinema.csv": LIST_FILE.encode(),
    })  # fmt: skip
    client = client_of(user)

    body = finished(client, upload(client, "letterboxd.zip", content, on_commit))

    assert scores(user) == {
        catalogue["heat"]: (Decimal("4.0"), date(2020, 3, 1)),
        catalogue["amelie"]: (Decimal("3.5"), date(2020, 4, 1)),
        catalogue["solaris"]: (Decimal("5.0"), date(2020, 6, 1)),
    }
    watchlist = {(e.movie_id, e.created_at.date()) for e in WatchlistEntry.objects.filter(user=user)}
    assert watchlist == {(catalogue["matrix"], date(2020, 5, 1))}
    review = Review.objects.get(user=user)
    assert (review.movie_id, review.body, review.created_at.date()) == (
        catalogue["solaris"], "Slow, and\nsublime.", date(2020, 6, 1)
    )  # fmt: skip
    slow = FilmList.objects.get(owner=user)
    assert (slow.name, slow.description, slow.is_public) == ("Slow cinema", "Long takes", False)
    assert list(slow.entries.order_by("position").values_list("movie_id", "position", "note")) == [
        (catalogue["solaris"], 0, "the station"),
        (catalogue["heat"], 1, ""),
    ]
    assert body["counts"]["watched"] == 2
    assert [(u["file"], u["name"]) for u in body["unmatched"]] == [
        ("watchlist.csv", "Stalker"),
        ("lists/slow-cinema.csv", "Stalker"),
    ]

    again = finished(client, upload(client, "letterboxd.zip", content, on_commit))

    assert again["counts"]["created"] == again["counts"]["updated"] == 0
    assert FilmList.objects.filter(owner=user).count() == 1 and slow.entries.count() == 2


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("ratings.csv", b"Title,Stars\nHeat,4\n", "expected one of: Date,Name,Year,Letterboxd URI,Rating"),
        ("ratings.csv", (LB_HEADER + "2020-01-02,Am\xe9lie,2001,,4\n").encode("latin-1"), "not UTF-8"),
        ("ratings.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8"),
        ("ratings.csv", (LB_HEADER + "2020-01-02,Heat,1995,,7\n").encode(), "half steps"),
        ("export.zip", zipped({"../ratings.csv": LB_HEADER.encode()}), "unsafe entry name"),
        ("export.zip", zipped({"/etc/ratings.csv": LB_HEADER.encode()}), "unsafe entry name"),
        ("export.zip", zipped({f"lists/{i}.csv": b"" for i in range(201)}), "more than 200 entries"),
        ("export.zip", b"PK\x03\x04 not really a zip", "not a readable zip"),
    ],
    ids=[
        "unknown-columns",
        "latin-1",
        "binary-named-csv",
        "bad-score",
        "dot-dot",
        "absolute",
        "many-entries",
        "bad-zip",
    ],
)
def test_bad_files_are_refused_with_400_and_nothing_written(catalogue, user, client_of, name, content, message):
    response = upload(client_of(user), name, content)

    assert response.status_code == 400, response.content
    assert any(message in text for text in response.json()["error"]["fields"]["file"])
    assert not ImportJob.objects.exists() and not Rating.objects.exists()


def test_a_zip_bomb_is_refused_by_what_it_inflates_to(user, client_of, monkeypatch):
    monkeypatch.setattr(import_files, "ZIP_MAX_UNCOMPRESSED_BYTES", 100_000)
    bomb = zipped({"ratings.csv": LB_HEADER.encode() + b"2020-01-02,Heat,1995,,4\n" * 10_000})

    response = upload(client_of(user), "export.zip", bomb)

    assert response.status_code == 400
    assert "inflates to too much data" in response.json()["error"]["message"] + str(response.json())
    assert not ImportJob.objects.exists()


def test_a_file_over_the_limit_is_413(user, client_of, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024

    response = upload(client_of(user), "ratings.csv", (LB_HEADER + "2020-01-02,Heat,1995,,4\n" * 100).encode())

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert not ImportJob.objects.exists()


def test_one_import_per_user_at_a_time_and_others_are_not_blocked(catalogue, client_of):
    ada, bob = UserFactory(), UserFactory()
    csv_text = (LB_HEADER + "2020-01-02,Heat,1995,,4\n").encode()
    first = upload(client_of(ada), "ratings.csv", csv_text)  # no on_commit: it stays queued

    assert first.status_code == 202
    second = upload(client_of(ada), "ratings.csv", csv_text)
    assert second.status_code == 409 and second.json()["error"]["code"] == "import_in_progress"
    assert upload(client_of(bob), "ratings.csv", csv_text).status_code == 202
    assert client_of(bob).get(f"{IMPORTS}{first.json()['id']}/").status_code == 404


def test_export_then_import_into_a_new_account_reproduces_ratings_likes_watchlist_reviews_and_lists(
    catalogue, client_of, on_commit
):
    ada, newcomer = UserFactory(), UserFactory()
    for name, score in (("matrix", "4.5"), ("heat", "0.5"), ("amelie", "3.0"), ("twin_a", "2.0")):
        social.rate_movie(ada, catalogue[name], Decimal(score))
    social.like_movie(ada, catalogue["solaris"])
    social.like_movie(ada, catalogue["heat"])
    watchlist_add(ada, catalogue["solaris"])
    watchlist_add(ada, catalogue["twin_a"])
    review_write(ada, catalogue["heat"], body="Too long,\nby half.", has_spoilers=False, score=None)
    heists = list_create(ada, name="Heists & more", description="Crime")
    list_entry_add(ada, heists.id, catalogue["heat"], note="the best")
    list_entry_add(ada, heists.id, catalogue["matrix"])
    with on_commit():
        started = client_of(ada).post("/api/me/exports/")
    download = client_of(ada).get(f"/api/me/exports/{started.json()['id']}/").json()["download"]
    archive = client_of(ada).get(download).content
    Movie.objects.filter(id=catalogue["twin_b"]).delete()  # Twins (1988) is unique again

    # The export's zip as it is: likes.csv is read as likes, profile.json and follows.json skipped.
    body = finished(client_of(newcomer), upload(client_of(newcomer), "export.zip", archive, on_commit))

    assert body["unmatched"] == [] and sorted(body["skipped_files"]) == ["follows.json", "profile.json"]
    assert scores(newcomer) == scores(ada)

    def dated(rows, field="created_at") -> set[tuple[int, date]]:
        return {(row.movie_id, getattr(row, field).date()) for row in rows}

    assert dated(Like.objects.filter(user=newcomer)) == dated(Like.objects.filter(user=ada))
    assert dated(WatchlistEntry.objects.filter(user=newcomer)) == dated(WatchlistEntry.objects.filter(user=ada))
    assert list(Review.objects.filter(user=newcomer).values_list("movie_id", "body")) == [
        (catalogue["heat"], "Too long,\nby half.")
    ]
    copied = FilmList.objects.get(owner=newcomer)
    assert (copied.name, copied.description) == ("Heists & more", "Crime")
    assert list(copied.entries.order_by("position").values_list("movie_id", "note")) == [
        (catalogue["heat"], "the best"),
        (catalogue["matrix"], ""),
    ]


def test_a_lone_watchlist_csv_goes_to_the_watchlist_not_the_likes(catalogue, user, client_of, on_commit):
    client = client_of(user)
    csv_text = b"Date,Name,Year,Letterboxd URI\n2020-05-01,Heat,1995,\n"

    finished(client, upload(client, "watchlist.csv", csv_text, on_commit))

    assert list(WatchlistEntry.objects.filter(user=user).values_list("movie_id", flat=True)) == [catalogue["heat"]]
    assert not Like.objects.filter(user=user).exists()


# Claim, match (id and title queries), then per kind a read and bulk writes, the list's creation,
# the outbox's state reads and the final update: a fixed number, whatever the number of rows. The
# outbox's own three statements per record run on a psycopg cursor of their own (binary arrays,
# backend/sync/outbox.py), which Django's query capture does not see.
QUERIES_PER_IMPORT = 31


@pytest.mark.parametrize("count", [5, 50])
def test_an_import_of_every_kind_takes_the_same_queries_at_5_and_50_rows(count):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from backend.personal_data import imports

    user = UserFactory()
    Movie.objects.bulk_create(Movie(title=f"Bulk film {i}", year=2000) for i in range(count))
    films = "".join(f"2020-01-0{1 + i % 9},Bulk film {i},2000,\n" for i in range(count))
    rated = "".join(f"2020-01-0{1 + i % 9},Bulk film {i},2000,,4\n" for i in range(count))
    entries = "".join(f"{i + 1},Bulk film {i},2000,,\n" for i in range(count))
    content = zipped({
        "ratings.csv": (LB_HEADER + rated).encode(),
        "likes/films.csv": ("Date,Name,Year,Letterboxd URI\n" + films).encode(),
        "watchlist.csv": ("Date,Name,Year,Letterboxd URI\n" + films).encode(),
        "reviews.csv": (REVIEWS_HEADER + "".join(
            f"2020-02-01,Bulk film {i},2000,,,,Good.,,\n" for i in range(count)
        )).encode(),
        "lists/bulk.csv": (LIST_FILE.split("Position")[0] + "Position,Name,Year,URL,Description\n" + entries).encode(),
    })  # fmt: skip
    parsed = import_files.parse_upload("export.zip", content, 10**7)
    job = ImportJob.objects.create(user=user, source="letterboxd", file_name="export.zip",
                                   rows=[row.as_json() for row in parsed.rows])  # fmt: skip

    with CaptureQueriesContext(connection) as queries:
        assert imports.run_import(job.id) == ImportJob.DONE

    done = ImportJob.objects.get(id=job.id)
    assert done.counts["created"] == 5 * count + 1, (done.counts, done.unmatched[:3])  # and the list
    assert len(queries) == QUERIES_PER_IMPORT, [q["sql"] for q in queries]
