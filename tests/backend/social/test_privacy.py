"""The privacy rule (backend/social/selectors.can_see_activity): a private profile's ratings and
likes are visible to its owner and to the users it follows, from every angle."""

from __future__ import annotations

import pytest

from tests.factories import MovieFactory, UserFactory

VISIBLE = {"self", "followed-by-owner", "mutual"}
ANGLES = ["anonymous", "stranger", "follower-not-followed-back", "followed-by-owner", "mutual", "self"]


@pytest.fixture
def private_world(client_of, db):
    """A private owner with one rating and one like, and a viewer for each angle."""
    owner = UserFactory(is_private=True)
    movie = MovieFactory(title="Secret Pick")
    client_of(owner).put(f"/api/movies/{movie.id}/rating/", {"score": 5})
    client_of(owner).post(f"/api/movies/{movie.id}/like/")
    viewers = {
        "anonymous": None,
        "stranger": UserFactory(),
        "follower-not-followed-back": UserFactory(),
        "followed-by-owner": UserFactory(),
        "mutual": UserFactory(),
        "self": owner,
    }
    for follower in (viewers["follower-not-followed-back"], viewers["mutual"]):
        assert client_of(follower).post(f"/api/users/{owner.id}/follow/").status_code == 202  # a request
        assert client_of(owner).post(f"/api/me/follow-requests/{follower.id}/approve/").status_code == 204
    client_of(owner).post(f"/api/users/{viewers['followed-by-owner'].id}/follow/")
    client_of(owner).post(f"/api/users/{viewers['mutual'].id}/follow/")
    return owner, viewers


def _client(api_client, client_of, viewer):
    return api_client if viewer is None else client_of(viewer)


@pytest.mark.parametrize("kind", ["ratings", "likes"])
@pytest.mark.parametrize("angle", ANGLES)
def test_private_ratings_and_likes_are_shown_only_to_self_and_to_followed_users(
    api_client, client_of, private_world, angle, kind
):
    owner, viewers = private_world

    response = _client(api_client, client_of, viewers[angle]).get(f"/api/users/{owner.id}/{kind}/")

    if angle in VISIBLE:
        assert response.status_code == 200
        assert [r["movie"]["title"] for r in response.json()["results"]] == ["Secret Pick"]
    else:
        assert response.status_code == 403
        assert response.json() == {
            "error": {"code": "private_profile", "message": "This profile is private.", "fields": {}}
        }


@pytest.mark.parametrize("angle", ANGLES)
def test_private_profile_shows_its_like_count_only_to_self_and_to_followed_users(
    api_client, client_of, private_world, angle
):
    owner, viewers = private_world

    response = _client(api_client, client_of, viewers[angle]).get(f"/api/users/{owner.id}/")

    assert response.status_code == 200
    body = response.json()
    assert body["like_count"] == (1 if angle in VISIBLE else None)
    assert (body["is_private"], body["follower_count"], body["following_count"]) == (True, 2, 2)


def test_unfollowing_a_viewer_hides_the_private_activity_again(client_of, private_world):
    owner, viewers = private_world
    viewer = viewers["followed-by-owner"]
    assert client_of(viewer).get(f"/api/users/{owner.id}/ratings/").status_code == 200

    client_of(owner).delete(f"/api/users/{viewer.id}/follow/")

    assert client_of(viewer).get(f"/api/users/{owner.id}/ratings/").status_code == 403


def test_making_a_profile_private_hides_activity_from_strangers(client_of, api_client, user):
    movie = MovieFactory()
    client_of(user).post(f"/api/movies/{movie.id}/like/")
    assert api_client.get(f"/api/users/{user.id}/likes/").status_code == 200

    client_of(user).patch("/api/me/", {"is_private": True})

    assert api_client.get(f"/api/users/{user.id}/likes/").status_code == 403
    assert client_of(user).get("/api/me/likes/").status_code == 200


@pytest.mark.parametrize("kind", ["followers", "following"])
def test_follow_lists_of_a_private_profile_stay_public(api_client, private_world, kind):
    owner, _ = private_world

    response = api_client.get(f"/api/users/{owner.id}/{kind}/")

    assert response.status_code == 200
    assert response.json()["count"] == 2
