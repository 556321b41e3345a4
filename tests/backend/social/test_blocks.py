"""Blocking through the HTTP API, from the owner, a follower, the blocked user and an anonymous
viewer: follows removed both ways, no follow back, no activity, and no presence in the graph
answers (suggestions, also-liked, friends, connection paths), SQL and Cypher alike."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from backend.social.models import Block, Follow
from backend.social.services import follow_user, like_movie, rate_movie
from backend.social.services.blocks import block_user
from tests.factories import MovieFactory, UserFactory


def _block(user_id: int) -> str:
    return f"/api/users/{user_id}/block/"


@dataclass(frozen=True)
class BlockWorld:
    owner: object
    follower: object
    blocked: object
    movie: object


@pytest.fixture
def block_world(db, client_of) -> BlockWorld:
    """A public owner with a rating and a like, followed by `follower`; `blocked` and the owner
    follow each other until the owner blocks them."""
    owner, follower, blocked = UserFactory(), UserFactory(), UserFactory()
    movie = MovieFactory(title="Owner's Pick")
    rate_movie(owner, movie.id, Decimal("4.5"))
    like_movie(owner, movie.id)
    rate_movie(blocked, movie.id, Decimal("2.0"))
    follow_user(follower, owner.id)
    follow_user(blocked, owner.id)
    follow_user(owner, blocked.id)
    assert client_of(owner).post(_block(blocked.id)).status_code == 201
    return BlockWorld(owner, follower, blocked, movie)


def _client(api_client, client_of, viewer):
    return api_client if viewer is None else client_of(viewer)


@pytest.mark.django_db
def test_blocking_removes_the_follows_both_ways_with_their_events(client_of, latest_events):
    owner, blocked = UserFactory(), UserFactory()
    follow_user(owner, blocked.id)
    follow_user(blocked, owner.id)

    assert client_of(owner).post(_block(blocked.id)).status_code == 201

    assert not Follow.objects.filter(follower__in=[owner, blocked]).exists()
    assert sorted(latest_events(2)) == sorted(
        [
            ("follow", f"{owner.id}:{blocked.id}", "follow.deleted"),
            ("follow", f"{blocked.id}:{owner.id}", "follow.deleted"),
        ]
    )
    assert client_of(owner).post(_block(blocked.id)).status_code == 200
    assert Block.objects.count() == 1


@pytest.mark.django_db
def test_block_errors(api_client, client_of, user):
    self_block = client_of(user).post(_block(user.id))
    assert (self_block.status_code, self_block.json()["error"]["code"]) == (400, "self_block")
    assert client_of(user).post(_block(999_999)).status_code == 404
    assert client_of(user).delete(_block(999_999)).status_code == 404
    assert api_client.post(_block(user.id)).status_code == 401


@pytest.mark.parametrize("direction", ["blocked-follows-owner", "owner-follows-blocked"])
def test_neither_side_of_a_block_can_follow_the_other(block_world, client_of, direction):
    a, b = (
        (block_world.blocked, block_world.owner)
        if direction == "blocked-follows-owner"
        else (block_world.owner, block_world.blocked)
    )

    response = client_of(a).post(f"/api/users/{b.id}/follow/")

    assert (response.status_code, response.json()["error"]["code"]) == (403, "blocked")
    assert not Follow.objects.filter(follower=a, followee=b).exists()


def test_unblocking_lets_them_follow_again_but_restores_nothing(block_world, client_of):
    owner, blocked = block_world.owner, block_world.blocked
    for _ in range(2):
        assert client_of(owner).delete(_block(blocked.id)).status_code == 204

    assert not Follow.objects.filter(follower=owner).exists()
    assert client_of(blocked).post(f"/api/users/{owner.id}/follow/").status_code == 201


ANGLES = {"owner": True, "follower": True, "blocked": False, "anonymous": True}


@pytest.mark.parametrize("kind", ["ratings", "likes"])
@pytest.mark.parametrize("angle", ANGLES)
def test_a_blocked_user_cannot_see_the_owners_activity(block_world, api_client, client_of, angle, kind):
    viewer = None if angle == "anonymous" else getattr(block_world, angle)
    client = _client(api_client, client_of, viewer)

    response = client.get(f"/api/users/{block_world.owner.id}/{kind}/")
    profile = client.get(f"/api/users/{block_world.owner.id}/").json()

    if ANGLES[angle]:
        assert response.status_code == 200
        assert [r["movie"]["title"] for r in response.json()["results"]] == ["Owner's Pick"]
        assert profile["like_count"] == 1
    else:
        assert (response.status_code, response.json()["error"]["code"]) == (403, "private_profile")
        assert profile["like_count"] is None


def test_the_blocker_cannot_see_the_blocked_users_activity_either(block_world, client_of):
    response = client_of(block_world.owner).get(f"/api/users/{block_world.blocked.id}/ratings/")

    assert response.status_code == 403


# ---------------------------------------------------------------- the graph answers


@dataclass(frozen=True)
class GraphWorld:
    owner: object
    friend: object
    blocked: object
    beyond: object
    seed: object
    other: object


@pytest.fixture
def graph_world(stores, on_commit) -> GraphWorld:
    """owner -> friend -> blocked -> beyond (follows). blocked and owner like `seed`; blocked also
    likes `other`. Then owner blocks blocked (which follows nobody of owner's, so no follow goes)."""
    with on_commit():
        owner, friend, blocked, beyond = (UserFactory() for _ in range(4))
        follow_user(owner, friend.id)
        follow_user(friend, blocked.id)
        follow_user(blocked, beyond.id)
        seed, other = MovieFactory(title="Seed"), MovieFactory(title="Other")
        like_movie(owner, seed.id)
        like_movie(blocked, seed.id)
        like_movie(blocked, other.id)
        like_movie(friend, other.id)
    return GraphWorld(owner, friend, blocked, beyond, seed, other)


def _block_in(world, on_commit) -> None:
    with on_commit():
        block_user(world.owner, world.blocked.id)


@pytest.mark.parametrize("blocked", [False, True])
def test_a_blocked_user_is_never_suggested_nor_on_a_connection_path(graph_world, client_of, on_commit, blocked):
    w = graph_world
    if blocked:
        _block_in(w, on_commit)
    owner = client_of(w.owner)

    suggested = {row["user"]["id"] for row in owner.get("/api/me/suggestions/follow/").json()}
    to_blocked = owner.get(f"/api/users/{w.blocked.id}/connection/").json()
    through_blocked = owner.get(f"/api/users/{w.beyond.id}/connection/").json()
    from_blocked = client_of(w.blocked).get(f"/api/users/{w.owner.id}/connection/").json()

    assert (w.blocked.id in suggested) is not blocked
    assert to_blocked["connected"] is not blocked
    assert through_blocked["connected"] is not blocked
    assert from_blocked["connected"] is False  # nobody follows back to owner


@pytest.mark.parametrize("blocked", [False, True])
def test_a_blocked_users_likes_do_not_count_in_also_liked_or_friends(graph_world, client_of, on_commit, blocked):
    w = graph_world
    if blocked:
        _block_in(w, on_commit)

    also = client_of(w.owner).get(f"/api/movies/{w.seed.id}/also-liked/").json()
    seen_by_blocked = client_of(w.blocked).get(f"/api/movies/{w.other.id}/also-liked/").json()

    assert [row["movie"]["title"] for row in also] == ([] if blocked else ["Other"])
    # From the blocked side the owner's like of Seed no longer counts among Seed's likers:
    # Jaccard of {blocked, friend} and {blocked, owner} is 1/3, of {blocked, friend} and {blocked} 1/2.
    assert [(row["movie"]["title"], row["score"]) for row in seen_by_blocked] == [
        ("Seed", pytest.approx(0.5 if blocked else 1 / 3))
    ]
