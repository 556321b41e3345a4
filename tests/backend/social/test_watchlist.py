"""The watchlist through the HTTP API: add/remove, the catalogue's filters and ordering, the
flag a rating answers with, and friends who want to watch a film under the privacy rule."""

from __future__ import annotations

from datetime import date

import pytest

from backend.social.models import Follow, WatchlistEntry
from tests.factories import MovieFactory, UserFactory


def _entry(movie_id: int) -> str:
    return f"/api/me/watchlist/{movie_id}/"


@pytest.mark.django_db
def test_put_adds_once_and_delete_removes_repeatably(client_of, user, outbox_counts):
    movie = MovieFactory()
    client = client_of(user)
    before = outbox_counts()

    assert client.put(_entry(movie.id)).status_code == 201
    again = client.put(_entry(movie.id))
    assert again.status_code == 200
    assert again.json()["movie_id"] == movie.id
    assert WatchlistEntry.objects.filter(user=user).count() == 1
    for _ in range(2):
        assert client.delete(_entry(movie.id)).status_code == 204
    assert not WatchlistEntry.objects.exists()
    assert outbox_counts() == before  # no projection reads the watchlist


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "delete"])
def test_unknown_movie_is_404_and_anonymous_is_401(api_client, client_of, user, method):
    response = getattr(client_of(user), method)(_entry(999_999))
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    assert getattr(api_client, method)(_entry(999_999)).status_code == 401
    assert api_client.get("/api/me/watchlist/").status_code == 401


@pytest.mark.django_db
def test_list_is_newest_first_and_takes_the_catalogue_filters_and_ordering(client_of, user):
    old = MovieFactory(title="Alpha", genres=("Drama",), release_date=date(1999, 1, 1))
    new = MovieFactory(title="Beta", genres=("Comedy",), release_date=date(2010, 1, 1))
    MovieFactory(title="Not listed", genres=("Drama",))
    client = client_of(user)
    client.put(_entry(old.id))
    client.put(_entry(new.id))

    def titles(**params):
        response = client.get("/api/me/watchlist/", params)
        assert response.status_code == 200, response.json()
        return [m["title"] for m in response.json()["results"]]

    assert titles() == ["Beta", "Alpha"]
    assert titles(ordering="added") == ["Alpha", "Beta"]
    assert titles(ordering="-title") == ["Beta", "Alpha"]
    assert titles(genre="Drama") == ["Alpha"]
    assert titles(year_max=2000) == ["Alpha"]
    assert client.get("/api/me/watchlist/").json()["results"][0]["added_at"]
    bad = client.get("/api/me/watchlist/", {"ordering": "nonsense"})
    assert bad.status_code == 400 and "ordering" in bad.json()["error"]["fields"]


@pytest.mark.django_db
def test_rating_a_watchlisted_film_offers_removal_without_removing(client_of, user):
    listed, other = MovieFactory(), MovieFactory()
    client = client_of(user)
    client.put(_entry(listed.id))

    assert client.put(f"/api/movies/{listed.id}/rating/", {"score": 4}).json() == {"score": "4.0", "on_watchlist": True}
    assert client.put(f"/api/movies/{other.id}/rating/", {"score": 4}).json() == {"score": "4.0", "on_watchlist": False}
    assert WatchlistEntry.objects.filter(user=user, movie=listed).exists()


@pytest.mark.django_db
def test_friends_who_want_to_watch_follow_the_privacy_rule(client_of, api_client):
    viewer = UserFactory()
    movie = MovieFactory()
    public_friend = UserFactory()
    private_friend_following_back = UserFactory(is_private=True)
    private_friend_not_following_back = UserFactory(is_private=True)
    stranger = UserFactory()
    for friend in (public_friend, private_friend_following_back, private_friend_not_following_back):
        Follow.objects.create(follower=viewer, followee=friend)
    Follow.objects.create(follower=private_friend_following_back, followee=viewer)
    for person in (public_friend, private_friend_following_back, private_friend_not_following_back, stranger):
        client_of(person).put(_entry(movie.id))

    response = client_of(viewer).get(f"/api/movies/{movie.id}/watchlisted-by-friends/")

    assert response.status_code == 200
    assert {row["user"]["id"] for row in response.json()} == {public_friend.id, private_friend_following_back.id}
    assert client_of(viewer).get("/api/movies/999999/watchlisted-by-friends/").status_code == 404
    assert api_client.get(f"/api/movies/{movie.id}/watchlisted-by-friends/").status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
def test_watchlist_reads_run_a_fixed_number_of_queries(client_of, django_assert_num_queries, size):
    owner = UserFactory()
    movies = [MovieFactory(genres=("Drama",)) for _ in range(size)]
    WatchlistEntry.objects.bulk_create(WatchlistEntry(user=owner, movie=m) for m in movies)
    friends = UserFactory.create_batch(size)
    Follow.objects.bulk_create(Follow(follower=owner, followee=f) for f in friends)
    WatchlistEntry.objects.bulk_create(WatchlistEntry(user=f, movie=movies[0]) for f in friends)
    client = client_of(owner)

    with django_assert_num_queries(3):  # count, page, genres
        response = client.get("/api/me/watchlist/", {"page_size": size})
    assert len(response.json()["results"]) == size
    with django_assert_num_queries(2):  # the movie, the friends
        response = client.get(f"/api/movies/{movies[0].id}/watchlisted-by-friends/")
    assert len(response.json()) == size
