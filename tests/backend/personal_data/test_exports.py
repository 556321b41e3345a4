"""Taking it out: POST /api/me/exports/ builds a zip in a worker; only its owner downloads it,
through a signed link that expires."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.accounts.services import update_profile
from backend.catalog.models import Movie
from backend.personal_data import exports
from backend.personal_data.models import Export
from backend.social import services as social
from backend.social.models import FilmList, Like, ListEntry, Rating, Review, WatchlistEntry
from backend.social.services.lists import list_create, list_entry_add
from backend.social.services.reviews import review_write
from backend.social.services.watchlist import watchlist_add
from tests.factories import MovieFactory, UserFactory

EXPORTS = "/api/me/exports/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def film_lover():
    """A user with two ratings, one like, one follow each way, a bio with non-ASCII text, a film on
    the watchlist, a review and a list of two films."""
    ada, grace, linus = UserFactory(), UserFactory(), UserFactory()
    update_profile(ada, display_name="Ada", bio="Kinéma, ça va")
    heat = MovieFactory(title='Heat, Part 2: "Los Angeles"')
    amelie = MovieFactory(title="Le Fabuleux Destin d'Amélie Poulain")
    social.rate_movie(ada, heat.id, Decimal("4.5"))
    social.rate_movie(ada, amelie.id, Decimal("0.5"))
    social.like_movie(ada, amelie.id)
    social.follow_user(ada, grace.id)
    social.follow_user(linus, ada.id)
    solaris = MovieFactory(title="Solaris", release_date=date(1972, 3, 20))
    watchlist_add(ada, solaris.id)
    review_write(ada, heat.id, body='Long, "loud",\nand good.', has_spoilers=False, score=None)
    favourites = list_create(ada, name="Best of, 2001!", description="Two I love")
    list_entry_add(ada, favourites.id, amelie.id, note="the first")
    list_entry_add(ada, favourites.id, heat.id)
    return ada, grace, linus, heat, amelie


def finished_export(client, on_commit) -> dict:
    with on_commit():
        started = client.post(EXPORTS)
    assert started.status_code == 202
    assert set(started.json()) == {"id", "status"}
    status = client.get(f"{EXPORTS}{started.json()['id']}/")
    assert status.status_code == 200
    return status.json()


def rows(archive: zipfile.ZipFile, name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(archive.read(name).decode("utf-8"))))


def test_export_zip_holds_profile_ratings_likes_and_follows_in_letterboxd_layout(film_lover, client_of, on_commit):
    ada, grace, linus, heat, amelie = film_lover
    client = client_of(ada)

    body = finished_export(client, on_commit)
    assert body["status"] == "done" and body["download"].startswith("http://testserver/api/me/exports/")
    response = client.get(body["download"])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == [
        "follows.json",
        "likes.csv",
        "lists/best-of-2001.csv",
        "profile.json",
        "ratings.csv",
        "reviews.csv",
        "watchlist.csv",
    ]
    profile = json.loads(archive.read("profile.json"))
    assert profile | {"date_joined": None} == {
        "id": ada.id,
        "username": ada.username,
        "email": ada.email,
        "date_joined": None,
        "display_name": "Ada",
        "bio": "Kinéma, ça va",
        "is_private": False,
    }
    ratings = rows(archive, "ratings.csv")
    assert ratings[0] == ["Date", "Name", "Year", "Letterboxd URI", "Rating"]
    assert [(r[1], r[2], r[4]) for r in ratings[1:]] == [(heat.title, "2001", "4.5"), (amelie.title, "2001", "0.5")]
    likes = rows(archive, "likes.csv")
    assert likes[0] == ["Date", "Name", "Year", "Letterboxd URI"]
    assert [(r[1], r[2]) for r in likes[1:]] == [(amelie.title, "2001")]
    watchlist = rows(archive, "watchlist.csv")
    assert watchlist[0] == ["Date", "Name", "Year", "Letterboxd URI"]
    assert [(r[1], r[2]) for r in watchlist[1:]] == [("Solaris", "1972")]
    reviews = rows(archive, "reviews.csv")
    assert reviews[0] == [
        "Date", "Name", "Year", "Letterboxd URI", "Rating", "Rewatch", "Review", "Tags", "Watched Date"
    ]  # fmt: skip
    assert [(r[1], r[4], r[6]) for r in reviews[1:]] == [(heat.title, "4.5", 'Long, "loud",\nand good.')]
    assert rows(archive, "lists/best-of-2001.csv") == [
        ["Letterboxd list export v7"],
        ["Date", "Name", "Tags", "URL", "Description"],
        [ada.film_lists.get().created_at.date().isoformat(), "Best of, 2001!", "", "", "Two I love"],
        [],
        ["Position", "Name", "Year", "URL", "Description"],
        ["1", amelie.title, "2001", "", "the first"],
        ["2", heat.title, "2001", "", ""],
    ]
    follows = json.loads(archive.read("follows.json"))
    assert [p["username"] for p in follows["following"]] == [grace.username]
    assert [p["username"] for p in follows["followers"]] == [linus.username]


def test_only_the_owner_sees_the_export_or_downloads_it(film_lover, client_of, on_commit):
    ada, grace = film_lover[:2]
    body = finished_export(client_of(ada), on_commit)
    other = client_of(grace)

    assert other.get(f"{EXPORTS}{body['id']}/").status_code == 404
    assert other.get(body["download"]).status_code == 404
    anonymous = client_of(None)
    assert anonymous.get(body["download"]).status_code == 401


def test_a_tampered_or_missing_token_is_refused(film_lover, client_of, on_commit):
    client = client_of(film_lover[0])
    body = finished_export(client, on_commit)
    url = body["download"].split("?")[0]

    assert client.get(url, {"token": "1:2:forged"}).status_code == 404
    missing = client.get(url)
    assert missing.status_code == 400
    assert missing.json()["error"]["fields"] == {"token": ["This field is required."]}


def test_the_download_link_expires(film_lover, client_of, on_commit, settings):
    client = client_of(film_lover[0])
    body = finished_export(client, on_commit)
    settings.EXPORT_LINK_MAX_AGE_SECONDS = -1  # any age is past it

    response = client.get(body["download"])

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "link_expired"


def test_a_second_export_while_one_is_queued_is_409(user, client_of):
    client = client_of(user)
    first = client.post(EXPORTS)  # no on_commit: the job is not run, the export stays queued

    second = client.post(EXPORTS)

    assert first.status_code == 202
    assert client.get(f"{EXPORTS}{first.json()['id']}/").json() | {"created_at": None} == {
        "id": first.json()["id"],
        "status": "queued",
        "created_at": None,
        "finished_at": None,
        "download": None,
    }
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "export_in_progress"


def test_exports_require_sign_in(api_client):
    assert api_client.post(EXPORTS).status_code == 401
    assert api_client.get(f"{EXPORTS}1/").status_code == 401


QUERIES_PER_EXPORT = 14


@pytest.mark.parametrize("count", [5, 50])
def test_building_an_export_takes_the_same_queries_at_5_and_50_rows(count):
    user, other = UserFactory(), UserFactory()
    # Rows in bulk: the export reads Postgres only, so the rows need no events here.
    movies = Movie.objects.bulk_create(Movie(title=f"Bulk {i}") for i in range(count))
    Rating.objects.bulk_create(Rating(user=user, movie=movie, score=Decimal("3.0")) for movie in movies)
    Like.objects.bulk_create(Like(user=user, movie=movie) for movie in movies)
    WatchlistEntry.objects.bulk_create(WatchlistEntry(user=user, movie=movie) for movie in movies)
    Review.objects.bulk_create(Review(user=user, movie=movie, body="Good.") for movie in movies)
    lists = FilmList.objects.bulk_create(FilmList(owner=user, name=f"List {i}") for i in range(count))
    ListEntry.objects.bulk_create(
        ListEntry(film_list=film_list, movie=movie, position=p) for film_list in lists for p, movie in enumerate(movies)
    )
    social.follow_user(user, other.id)
    export = Export.objects.create(user=user)

    with CaptureQueriesContext(connection) as queries:
        assert exports.build_export(export.id) == "done"

    # Claim it and mark it running, one query per section (the profile with a join), the final update.
    assert len(queries) == QUERIES_PER_EXPORT, [q["sql"] for q in queries]
    archive = zipfile.ZipFile(io.BytesIO(bytes(Export.objects.get(id=export.id).archive)))
    assert len(rows(archive, "ratings.csv")) == count + 1
    assert len(rows(archive, "reviews.csv")) == count + 1
    assert len([name for name in archive.namelist() if name.startswith("lists/")]) == count


def test_a_job_queued_too_long_is_sent_again_and_finishes(user):
    from datetime import timedelta

    from django.utils import timezone

    from backend.personal_data import jobs

    export = Export.objects.create(user=user)  # its message was lost: nothing ran it
    assert jobs.resend_queued() == 0
    Export.objects.filter(id=export.id).update(created_at=timezone.now() - timedelta(minutes=5))

    assert jobs.resend_queued() == 1  # the tasks run inline in the tests
    assert Export.objects.get(id=export.id).status == Export.DONE
