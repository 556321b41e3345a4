"""Ratings, likes and follows through the HTTP API: status codes, bodies, idempotent repeats (no
extra outbox event) and fixed query counts on the lists."""

from __future__ import annotations

from decimal import Decimal

import pytest

from backend.social.models import Follow, Like, Rating
from tests.factories import GenreFactory, MovieFactory, UserFactory


def _rating(movie_id: int) -> str:
    return f"/api/movies/{movie_id}/rating/"


def _like(movie_id: int) -> str:
    return f"/api/movies/{movie_id}/like/"


def _follow(user_id: int) -> str:
    return f"/api/users/{user_id}/follow/"


# ------------------------------------------------------------------ ratings


@pytest.mark.django_db
def test_put_rating_creates_then_updates_with_one_event_each(client_of, user, outbox_counts, latest_events):
    movie = MovieFactory()
    client = client_of(user)
    before = outbox_counts()

    created = client.put(_rating(movie.id), {"score": 4.5})
    assert (created.status_code, created.json()) == (201, {"score": "4.5", "on_watchlist": False})
    changed = client.put(_rating(movie.id), {"score": 3})
    assert (changed.status_code, changed.json()) == (200, {"score": "3.0", "on_watchlist": False})

    assert Rating.objects.get(user=user, movie=movie).score == Decimal("3.0")
    assert outbox_counts().events == before.events + 2
    assert outbox_counts().deliveries == before.deliveries + 2  # graph only
    assert latest_events(2) == [("rating", f"{user.id}:{movie.id}", "rating.set")] * 2


@pytest.mark.django_db
def test_repeating_the_same_rating_put_records_no_extra_event(client_of, user, outbox_counts):
    movie = MovieFactory()
    client = client_of(user)
    client.put(_rating(movie.id), {"score": 2.5})
    before = outbox_counts()

    response = client.put(_rating(movie.id), {"score": "2.5"})

    assert (response.status_code, response.json()) == (200, {"score": "2.5", "on_watchlist": False})
    assert outbox_counts() == before
    assert Rating.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_delete_rating_is_idempotent_with_one_event(client_of, user, outbox_counts, latest_events):
    movie = MovieFactory()
    client = client_of(user)
    client.put(_rating(movie.id), {"score": 1})
    before = outbox_counts()

    for _ in range(2):
        response = client.delete(_rating(movie.id))
        assert response.status_code == 204

    assert not Rating.objects.filter(user=user).exists()
    assert outbox_counts().events == before.events + 1
    assert latest_events(1) == [("rating", f"{user.id}:{movie.id}", "rating.deleted")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload, message",
    [
        ({"score": 7}, "Ensure this value is less than or equal to 5.0."),
        ({"score": 0}, "Ensure this value is greater than or equal to 0.5."),
        ({"score": -1}, "Ensure this value is greater than or equal to 0.5."),
        ({"score": 3.3}, "Scores go in steps of 0.5."),
        ({"score": 3.25}, "Ensure that there are no more than 2 digits in total."),
        ({"score": 0.25}, "Ensure that there are no more than 1 decimal places."),
        ({"score": "NaN"}, "A valid number is required."),
        ({"score": "Infinity"}, "A valid number is required."),
        ({"score": "four"}, "A valid number is required."),
        ({"score": None}, "This field may not be null."),
        ({}, "This field is required."),
    ],
    ids=[
        "seven",
        "zero",
        "negative",
        "three-point-three",
        "three-digits",
        "two-decimals",
        "nan",
        "infinity",
        "word",
        "null",
        "missing",
    ],
)
def test_an_invalid_score_is_400_and_writes_nothing(client_of, user, outbox_counts, payload, message):
    movie = MovieFactory()
    client = client_of(user)
    client.put(_rating(movie.id), {"score": 2})
    before = outbox_counts()

    response = client.put(_rating(movie.id), payload)

    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "invalid", "message": "Invalid input.", "fields": {"score": [message]}}
    }
    assert Rating.objects.get(user=user, movie=movie).score == Decimal("2.0")
    assert outbox_counts() == before


# ------------------------------------------------------------------ likes


@pytest.mark.django_db
def test_like_then_repeat_then_unlike_then_repeat(client_of, user, outbox_counts, latest_events):
    movie = MovieFactory()
    client = client_of(user)
    before = outbox_counts()
    pair = f"{user.id}:{movie.id}"

    assert client.post(_like(movie.id)).status_code == 201
    assert client.post(_like(movie.id)).status_code == 200
    assert Like.objects.filter(user=user, movie=movie).count() == 1
    assert outbox_counts().events == before.events + 1
    assert latest_events(1) == [("like", pair, "like.created")]

    assert client.delete(_like(movie.id)).status_code == 204
    assert client.delete(_like(movie.id)).status_code == 204
    assert not Like.objects.filter(user=user).exists()
    assert outbox_counts().events == before.events + 2
    assert latest_events(1) == [("like", pair, "like.deleted")]


# ------------------------------------------------------------------ follows


@pytest.mark.django_db
def test_follow_then_repeat_then_unfollow_then_repeat(client_of, user, outbox_counts, latest_events):
    other = UserFactory()
    client = client_of(user)
    before = outbox_counts()
    pair = f"{user.id}:{other.id}"

    assert client.post(_follow(other.id)).status_code == 201
    assert client.post(_follow(other.id)).status_code == 200
    assert Follow.objects.filter(follower=user, followee=other).count() == 1
    assert outbox_counts().events == before.events + 1
    assert latest_events(1) == [("follow", pair, "follow.created")]

    assert client.delete(_follow(other.id)).status_code == 204
    assert client.delete(_follow(other.id)).status_code == 204
    assert not Follow.objects.exists()
    assert outbox_counts().events == before.events + 2
    assert latest_events(1) == [("follow", pair, "follow.deleted")]


@pytest.mark.django_db
def test_following_yourself_is_400_and_writes_nothing(client_of, user, outbox_counts):
    before = outbox_counts()

    response = client_of(user).post(_follow(user.id))

    assert response.status_code == 400
    assert response.json() == {"error": {"code": "self_follow", "message": "You cannot follow yourself.", "fields": {}}}
    assert not Follow.objects.exists()
    assert outbox_counts() == before


@pytest.mark.django_db
def test_following_an_inactive_user_is_404(client_of, user):
    from django.contrib.auth import get_user_model

    gone = UserFactory()
    get_user_model().objects.filter(id=gone.id).update(is_active=False)

    response = client_of(user).post(_follow(gone.id))

    assert response.status_code == 404
    assert not Follow.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method, path, payload, message",
    [
        ("put", "/api/movies/987654/rating/", {"score": 3}, "No such movie."),
        ("delete", "/api/movies/987654/rating/", None, "No such movie."),
        ("post", "/api/movies/987654/like/", None, "No such movie."),
        ("delete", "/api/movies/987654/like/", None, "No such movie."),
        ("post", "/api/users/987654/follow/", None, "No such user."),
        ("delete", "/api/users/987654/follow/", None, "No such user."),
        ("get", "/api/users/987654/followers/", None, "No such user."),
        ("get", "/api/users/987654/following/", None, "No such user."),
        ("get", "/api/users/987654/ratings/", None, "No such user."),
        ("get", "/api/users/987654/likes/", None, "No such user."),
        ("put", "/api/movies/99999999999999999999/rating/", {"score": 3}, "No such movie."),
        ("post", "/api/users/99999999999999999999/follow/", None, "No such user."),
    ],
)
def test_unknown_ids_are_404_and_write_nothing(client_of, user, outbox_counts, method, path, payload, message):
    before = outbox_counts()

    response = getattr(client_of(user), method)(path, payload)

    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": message, "fields": {}}}
    assert outbox_counts() == before


# ------------------------------------------------------------------ lists


@pytest.mark.django_db
def test_followers_and_following_list_users_newest_first(api_client, client_of):
    star, first, second = UserFactory(), UserFactory(), UserFactory()
    client_of(first).post(_follow(star.id))
    client_of(second).post(_follow(star.id))
    client_of(star).post(_follow(first.id))

    followers = api_client.get(f"/api/users/{star.id}/followers/")
    following = api_client.get(f"/api/users/{star.id}/following/")

    assert followers.status_code == following.status_code == 200
    assert [f["user"] for f in followers.json()["results"]] == [
        {"id": u.id, "username": u.username, "display_name": u.username} for u in (second, first)
    ]
    assert [f["user"]["id"] for f in following.json()["results"]] == [first.id]
    assert set(followers.json()["results"][0]) == {"user", "since"}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["ratings", "likes"])
def test_my_ratings_and_likes_list_movies_newest_first(client_of, user, kind):
    movies = [MovieFactory(title=f"M{n}") for n in range(3)]
    client = client_of(user)
    for movie in movies:
        if kind == "ratings":
            client.put(_rating(movie.id), {"score": 4})
        else:
            client.post(_like(movie.id))
    client_of(UserFactory()).post(_like(movies[0].id))

    response = client.get(f"/api/me/{kind}/")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["movie"]["title"] for r in results] == ["M2", "M1", "M0"]
    if kind == "ratings":
        assert {r["score"] for r in results} == {"4.0"}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["ratings", "likes"])
def test_my_lists_require_sign_in(api_client, kind):
    response = api_client.get(f"/api/me/{kind}/")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["ratings", "likes"])
def test_a_public_users_ratings_and_likes_are_listed_for_anyone(api_client, client_of, user, kind):
    movie = MovieFactory(title="Shared")
    client_of(user).put(_rating(movie.id), {"score": 5})
    client_of(user).post(_like(movie.id))

    response = api_client.get(f"/api/users/{user.id}/{kind}/")

    assert response.status_code == 200
    assert [r["movie"]["title"] for r in response.json()["results"]] == ["Shared"]


# ------------------------------------------------------------------ query counts


@pytest.fixture
def busy_user(db):
    """`busy_user(n)`: a user with n followers, n followees, and n rated and liked movies with genres."""
    from backend.catalog.models import Genre, Movie
    from backend.social.models import Follow, Like, Rating

    def build(n: int):
        owner = UserFactory()
        genres = [GenreFactory(name="Drama"), GenreFactory(name="Crime")]
        movies = Movie.objects.bulk_create(Movie(title=f"Busy {i}") for i in range(n))
        for movie in movies:
            movie.genres.set(genres)
        others = UserFactory.create_batch(n)
        Follow.objects.bulk_create(Follow(follower=o, followee=owner) for o in others)
        Follow.objects.bulk_create(Follow(follower=owner, followee=o) for o in others)
        Rating.objects.bulk_create(Rating(user=owner, movie=m, score=Decimal("3.5")) for m in movies)
        Like.objects.bulk_create(Like(user=owner, movie=m) for m in movies)
        assert Genre.objects.count() == 2
        return owner

    return build


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
@pytest.mark.parametrize(
    "path, signed_in, queries",
    [
        ("/api/me/ratings/", True, 3),  # count, page, genres
        ("/api/me/likes/", True, 3),
        ("/api/users/{id}/ratings/", False, 4),  # + the owner
        ("/api/users/{id}/likes/", False, 4),
        ("/api/users/{id}/followers/", False, 3),  # owner, count, page
        ("/api/users/{id}/following/", False, 3),
        ("/api/users/{id}/", False, 1),
    ],
)
def test_social_reads_run_a_fixed_number_of_queries(
    api_client, client_of, busy_user, django_assert_num_queries, size, path, signed_in, queries
):
    owner = busy_user(size)
    client = client_of(owner) if signed_in else api_client

    with django_assert_num_queries(queries):
        response = client.get(path.format(id=owner.id), {"page_size": size})

    assert response.status_code == 200
    body = response.json()
    if "results" in body:
        assert len(body["results"]) == size
    else:
        assert (body["follower_count"], body["following_count"], body["like_count"]) == (size, size, size)
