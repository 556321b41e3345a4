"""Who may write what: only staff change the catalog; a user changes only their own profile,
ratings, likes and follows. Every write endpoint is tried by someone who must not succeed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from backend.accounts.models import Profile
from backend.catalog.models import Movie
from backend.social.models import Follow, Like, Rating
from tests.factories import MovieFactory, UserFactory


@pytest.fixture
def world(client_of, db):
    """An owner with a profile bio, a rating, a like and a follow; a movie; an intruder."""
    owner, friend, intruder = UserFactory(), UserFactory(), UserFactory()
    movie = MovieFactory(title="Owned")
    client_of(owner).patch("/api/me/", {"bio": "Mine."})
    client_of(owner).put(f"/api/movies/{movie.id}/rating/", {"score": 4})
    client_of(owner).post(f"/api/movies/{movie.id}/like/")
    client_of(owner).post(f"/api/users/{friend.id}/follow/")
    return {"owner": owner, "friend": friend, "intruder": intruder, "movie": movie}


def _snapshot(world) -> tuple:
    owner = world["owner"]
    return (
        list(Movie.objects.values_list("id", "title", "overview", "popularity").order_by("id")),
        Profile.objects.values_list("display_name", "bio", "is_private").get(user=owner),
        list(Rating.objects.filter(user=owner).values_list("movie_id", "score")),
        list(Like.objects.filter(user=owner).values_list("movie_id", flat=True)),
        list(Follow.objects.filter(follower=owner).values_list("followee_id", flat=True)),
    )


CATALOG_WRITES = [
    ("post", "/api/movies/", {"title": "Injected"}),
    ("put", "/api/movies/{movie}/", {"title": "Defaced"}),
    ("patch", "/api/movies/{movie}/", {"popularity": 99}),
    ("delete", "/api/movies/{movie}/", None),
]
SELF_WRITES = [
    ("patch", "/api/me/", {"bio": "Defaced."}),
    ("put", "/api/movies/{movie}/rating/", {"score": 1}),
    ("delete", "/api/movies/{movie}/rating/", None),
    ("post", "/api/movies/{movie}/like/", None),
    ("delete", "/api/movies/{movie}/like/", None),
    ("post", "/api/users/{friend}/follow/", None),
    ("delete", "/api/users/{friend}/follow/", None),
]
# Endpoints that name another user: none of them accepts a write.
OTHERS_RESOURCES = [
    "/api/users/{owner}/",
    "/api/users/{owner}/ratings/",
    "/api/users/{owner}/likes/",
    "/api/users/{owner}/followers/",
    "/api/users/{owner}/following/",
]


def _path(template: str, world) -> str:
    return template.format(movie=world["movie"].id, friend=world["friend"].id, owner=world["owner"].id)


@pytest.mark.parametrize("method, path, payload", CATALOG_WRITES + SELF_WRITES)
def test_anonymous_writes_are_401_and_change_nothing(api_client, world, outbox_counts, method, path, payload):
    before, counts = _snapshot(world), outbox_counts()

    response = getattr(api_client, method)(_path(path, world), payload)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert _snapshot(world) == before
    assert outbox_counts() == counts


@pytest.mark.parametrize("method, path, payload", CATALOG_WRITES)
def test_catalog_writes_by_a_non_staff_user_are_403_and_change_nothing(
    client_of, world, outbox_counts, method, path, payload
):
    before, counts = _snapshot(world), outbox_counts()

    response = getattr(client_of(world["owner"]), method)(_path(path, world), payload)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert _snapshot(world) == before
    assert outbox_counts() == counts


@pytest.mark.parametrize("method, path, payload", SELF_WRITES)
def test_an_intruders_write_changes_only_the_intruders_own_rows(client_of, world, method, path, payload):
    before = _snapshot(world)

    response = getattr(client_of(world["intruder"]), method)(_path(path, world), payload)

    assert response.status_code in (200, 201, 204)
    assert _snapshot(world) == before
    assert Rating.objects.get(user=world["owner"]).score == Decimal("4.0")


@pytest.mark.parametrize("method", ["put", "patch", "post", "delete"])
@pytest.mark.parametrize("path", OTHERS_RESOURCES)
@pytest.mark.parametrize("as_intruder", [False, True], ids=["anonymous", "intruder"])
def test_nothing_that_names_another_user_accepts_a_write(
    api_client, client_of, world, outbox_counts, method, path, as_intruder
):
    client = client_of(world["intruder"]) if as_intruder else api_client
    before, counts = _snapshot(world), outbox_counts()

    response = getattr(client, method)(_path(path, world), {"bio": "Defaced.", "score": 1})

    # Read-only resources: the method is not allowed for anyone, signed in or not.
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert _snapshot(world) == before
    assert outbox_counts() == counts


@pytest.mark.parametrize("method, path, payload", CATALOG_WRITES)
def test_staff_may_write_the_catalog(client_of, staff, world, method, path, payload):
    response = getattr(client_of(staff), method)(_path(path, world), payload)

    assert response.status_code == {"post": 201, "put": 200, "patch": 200, "delete": 204}[method]


def test_a_forged_token_cannot_write(api_client, world, outbox_counts):
    counts = outbox_counts()
    api_client.credentials(HTTP_AUTHORIZATION="Bearer eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.forged")

    response = api_client.put(f"/api/movies/{world['movie'].id}/rating/", {"score": 1})

    assert response.status_code == 401
    assert outbox_counts() == counts
