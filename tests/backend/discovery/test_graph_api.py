"""The graph-backed discovery endpoints (backend/discovery/views.py) through the API, against the real
Bolt engine: data is written through the services inside `on_commit()` so it reaches the graph."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from backend.social.services import follow_user, like_movie, rate_movie
from tests.backend.discovery.helpers import summary, titles
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.usefixtures("stores")

FEED = "/api/me/feed/friends-liked/"
SUGGESTIONS = "/api/me/suggestions/follow/"


def follow_all(follower, followees) -> None:
    for followee in followees:
        follow_user(follower, followee.id)


# ---------------------------------------------------------------- friends-liked feed


@dataclass(frozen=True)
class FeedWorld:
    viewer: object
    friends: list
    movies: dict
    between_m3_and_m8: datetime


@pytest.fixture
def feed_world(on_commit) -> FeedWorld:
    """Viewer follows F1..F4. Endorsements, in this order:
    M1 liked by F1, F2, F3, F4 (4 friends); M2 liked by F1, rated 4.0 by F2 (2);
    M3 rated 5.0 by F1 (1); M8 liked by F3 after that (1, more recent).
    Not endorsements the viewer may get: M4 rated 3.5 by F1; M5 liked by F1 but liked by the viewer;
    M6 liked by F1 but rated by the viewer; M7 liked by a stranger."""
    with on_commit():
        viewer, stranger = UserFactory(), UserFactory()
        friends = [UserFactory() for _ in range(4)]
        follow_all(viewer, friends)
        movies = {
            "M1": MovieFactory(title="M1", genres=["Drama"]),
            "M2": MovieFactory(title="M2", genres=["Comedy"]),
            "M3": MovieFactory(title="M3", genres=["Comedy", "Drama"]),
            "M4": MovieFactory(title="M4", genres=["Drama"]),
            "M5": MovieFactory(title="M5", genres=["Drama"]),
            "M6": MovieFactory(title="M6", genres=["Drama"]),
            "M7": MovieFactory(title="M7", genres=["Drama"]),
            "M8": MovieFactory(title="M8", genres=["Comedy"]),
        }
        f1, f2, f3, f4 = friends
        for friend in friends:
            like_movie(friend, movies["M1"].id)
        like_movie(f1, movies["M2"].id)
        rate_movie(f2, movies["M2"].id, Decimal("4.0"))
        rate_movie(f1, movies["M3"].id, Decimal("5.0"))
        between = timezone.now()
        like_movie(f3, movies["M8"].id)
        rate_movie(f1, movies["M4"].id, Decimal("3.5"))
        like_movie(viewer, movies["M5"].id)
        like_movie(f1, movies["M5"].id)
        rate_movie(viewer, movies["M6"].id, Decimal("2.0"))
        like_movie(f1, movies["M6"].id)
        like_movie(stranger, movies["M7"].id)
    return FeedWorld(viewer, friends, movies, between)


def test_friends_liked_ranks_by_friend_count_then_recency_and_skips_what_i_rated_or_liked(feed_world, client_of):
    response = client_of(feed_world.viewer).get(FEED)

    assert response.status_code == 200
    body = response.json()
    assert (body["page"], body["has_next"]) == (1, False)
    ranked = [(row["movie"]["title"], row["friend_count"]) for row in body["results"]]
    assert ranked == [("M1", 4), ("M2", 2), ("M8", 1), ("M3", 1)]


def test_friends_liked_shows_three_friends_most_recent_first(feed_world, client_of):
    f1, f2, f3, f4 = feed_world.friends

    results = client_of(feed_world.viewer).get(FEED).json()["results"]

    assert [row["friends"] for row in results] == [
        [summary(f4), summary(f3), summary(f2)],
        [summary(f2), summary(f1)],
        [summary(f3)],
        [summary(f1)],
    ]
    assert results[0]["movie"]["id"] == feed_world.movies["M1"].id
    assert results[0]["movie"]["genres"] == ["Drama"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"genre": "Comedy"}, ["M2", "M8", "M3"]),
        ({"genre": "Drama"}, ["M1", "M3"]),
        ({"genre": "Western"}, []),
        ({"since": "between"}, ["M8"]),
        ({"since": "between", "genre": "Drama"}, []),
    ],
    ids=["genre-comedy", "genre-drama", "genre-none", "since", "since-and-genre"],
)
def test_friends_liked_filters_by_genre_and_since(feed_world, client_of, params, expected):
    if params.get("since") == "between":
        params = {**params, "since": feed_world.between_m3_and_m8.isoformat()}

    response = client_of(feed_world.viewer).get(FEED, params)

    assert response.status_code == 200
    assert titles(response.json()["results"]) == expected


@pytest.mark.parametrize(
    ("page", "page_size", "expected", "has_next"),
    [
        (1, 2, ["M1", "M2"], True),
        (2, 2, ["M8", "M3"], False),
        (1, 3, ["M1", "M2", "M8"], True),
        (2, 3, ["M3"], False),
        (3, 2, [], False),
        (1, 4, ["M1", "M2", "M8", "M3"], False),
    ],
)
def test_friends_liked_pages_with_has_next(feed_world, client_of, page, page_size, expected, has_next):
    body = client_of(feed_world.viewer).get(FEED, {"page": page, "page_size": page_size}).json()

    assert (body["page"], body["has_next"], titles(body["results"])) == (page, has_next, expected)


# ---------------------------------------------------------------- friends of a movie


def test_movie_friends_lists_followees_who_liked_or_rated_it_with_their_rating(client_of, on_commit):
    with on_commit():
        viewer, stranger = UserFactory(), UserFactory()
        liker, rater, both, idle = (UserFactory() for _ in range(4))
        follow_all(viewer, [liker, rater, both, idle])
        movie, other = MovieFactory(), MovieFactory()
        like_movie(liker, movie.id)
        rate_movie(rater, movie.id, Decimal("3.5"))
        like_movie(both, movie.id)
        rate_movie(both, movie.id, Decimal("5.0"))
        like_movie(idle, other.id)
        like_movie(stranger, movie.id)

    response = client_of(viewer).get(f"/api/movies/{movie.id}/friends/")

    assert response.status_code == 200
    assert response.json() == [
        {"user": summary(liker), "liked": True, "score": None},
        {"user": summary(rater), "liked": False, "score": 3.5},
        {"user": summary(both), "liked": True, "score": 5.0},
    ]


# ---------------------------------------------------------------- follow suggestions


def test_follow_suggestions_rank_mutual_follows_then_shared_likes_with_reasons(client_of, on_commit):
    with on_commit():
        viewer = UserFactory()
        friends = [UserFactory() for _ in range(3)]
        popular, mutual_and_taste, taste_twin, stranger = (UserFactory() for _ in range(4))
        movies = [MovieFactory() for _ in range(5)]
        follow_all(viewer, friends)
        for friend in friends:
            follow_user(friend, popular.id)
        follow_user(friends[0], mutual_and_taste.id)
        follow_user(friends[0], friends[1].id)  # already followed: never suggested
        follow_user(friends[0], viewer.id)  # the viewer: never suggested
        for movie in movies:
            like_movie(viewer, movie.id)
            like_movie(taste_twin, movie.id)
        like_movie(mutual_and_taste, movies[0].id)
        follow_user(stranger, viewer.id)  # follows me, but nothing in common

    response = client_of(viewer).get(SUGGESTIONS)

    assert response.status_code == 200
    assert response.json() == [
        {
            "user": summary(popular),
            "mutual_follows": 3,
            "shared_likes": 0,
            "reasons": ["followed by 3 people you follow"],
        },
        {
            "user": summary(mutual_and_taste),
            "mutual_follows": 1,
            "shared_likes": 1,
            "reasons": ["followed by 1 person you follow", "you both liked 1 movie"],
        },
        {"user": summary(taste_twin), "mutual_follows": 0, "shared_likes": 5, "reasons": ["you both liked 5 movies"]},
    ]
    limited = client_of(viewer).get(SUGGESTIONS, {"limit": 1}).json()
    assert [row["user"]["id"] for row in limited] == [popular.id]


# ---------------------------------------------------------------- also liked


def test_also_liked_normalises_by_likers_so_a_blockbuster_ranks_below_a_niche_movie(api_client, on_commit):
    with on_commit():
        fans = [UserFactory() for _ in range(2)]
        crowd = [UserFactory() for _ in range(6)]
        seed, niche, blockbuster, half = (MovieFactory(title=t) for t in ("Seed", "Niche", "Blockbuster", "Half"))
        for fan in fans:
            for movie in (seed, niche, blockbuster):
                like_movie(fan, movie.id)
        like_movie(fans[0], half.id)
        for person in crowd:
            like_movie(person, blockbuster.id)

    response = api_client.get(f"/api/movies/{seed.id}/also-liked/")

    assert response.status_code == 200
    scored = [(row["movie"]["title"], row["co_likes"], row["score"]) for row in response.json()]
    # Jaccard: co_likes / (seed likers + other likers - co_likes).
    assert scored == [("Niche", 2, 1.0), ("Half", 1, 0.5), ("Blockbuster", 2, 0.25)]
    limited = api_client.get(f"/api/movies/{seed.id}/also-liked/", {"limit": 1}).json()
    assert titles(limited) == ["Niche"]


# ---------------------------------------------------------------- connection


@pytest.fixture
def chain(on_commit) -> list:
    """u0 -> u1 -> u2 -> u3 -> u4 -> u5 -> u6, with a shortcut u1 -> u3."""
    with on_commit():
        users = [UserFactory() for _ in range(7)]
        for follower, followee in zip(users, users[1:], strict=False):
            follow_user(follower, followee.id)
        follow_user(users[1], users[3].id)
    return users


@pytest.mark.parametrize(
    ("viewer", "target", "path"),
    [
        (0, 0, [0]),
        (0, 1, [0, 1]),
        (0, 2, [0, 1, 2]),
        (0, 4, [0, 1, 3, 4]),
        (0, 5, [0, 1, 3, 4, 5]),
        (0, 6, None),
        (1, 0, None),
    ],
    ids=["self", "one-hop", "two-hops", "shortcut", "four-hops", "five-hops-is-too-far", "against-the-direction"],
)
def test_connection_is_a_shortest_follow_path_of_at_most_four_hops(chain, client_of, viewer, target, path):
    response = client_of(chain[viewer]).get(f"/api/users/{chain[target].id}/connection/")

    assert response.status_code == 200
    if path is None:
        assert response.json() == {"connected": False, "hops": None, "path": []}
    else:
        assert response.json() == {"connected": True, "hops": len(path) - 1, "path": [summary(chain[i]) for i in path]}


# ---------------------------------------------------------------- privacy


@dataclass(frozen=True)
class PrivateWorld:
    private: object
    one_way: object  # follows the private user, is not followed back
    mutual: object  # follows the private user and is followed back
    public: object
    liked: object
    rated: object
    shared: object


@pytest.fixture
def private_world(on_commit) -> PrivateWorld:
    """P is private and follows only B (and C). A and B follow P. P likes `liked` and `shared`, rates
    `rated` 4.5; the public user Q likes `shared` and `liked`."""
    with on_commit():
        private = UserFactory(is_private=True)
        one_way, mutual, public = UserFactory(), UserFactory(), UserFactory()
        liked, rated, shared = MovieFactory(title="Liked"), MovieFactory(title="Rated"), MovieFactory(title="Shared")
        follow_user(one_way, private.id)
        follow_user(mutual, private.id)
        follow_user(private, mutual.id)
        like_movie(private, shared.id)
        like_movie(private, liked.id)
        rate_movie(private, rated.id, Decimal("4.5"))
        like_movie(public, shared.id)
        like_movie(public, liked.id)
    return PrivateWorld(private, one_way, mutual, public, liked, rated, shared)


@pytest.mark.parametrize(("viewer", "expected"), [("one_way", []), ("mutual", ["Rated", "Liked", "Shared"])])
def test_friends_liked_shows_a_private_profile_only_to_those_it_follows(private_world, client_of, viewer, expected):
    body = client_of(getattr(private_world, viewer)).get(FEED).json()

    assert titles(body["results"]) == expected
    assert all(row["friends"] == [summary(private_world.private)] for row in body["results"])


@pytest.mark.parametrize("movie", ["liked", "rated"])
@pytest.mark.parametrize("viewer", ["one_way", "mutual"])
def test_movie_friends_shows_a_private_profile_only_to_those_it_follows(private_world, client_of, viewer, movie):
    movie_id = getattr(private_world, movie).id

    rows = client_of(getattr(private_world, viewer)).get(f"/api/movies/{movie_id}/friends/").json()

    if viewer == "one_way":
        assert rows == []
    else:
        liked, score = (True, None) if movie == "liked" else (False, 4.5)
        assert rows == [{"user": summary(private_world.private), "liked": liked, "score": score}]


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (None, [("Liked", 1, 1.0)]),
        ("one_way", [("Liked", 1, 1.0)]),
        ("mutual", [("Liked", 2, 1.0)]),
        ("private", [("Liked", 2, 1.0)]),
    ],
    ids=["anonymous", "one-way-follower", "followed-back", "the-private-user"],
)
def test_also_liked_counts_a_private_profile_only_for_those_it_follows(
    private_world, api_client, client_of, viewer, expected
):
    client = api_client if viewer is None else client_of(getattr(private_world, viewer))

    rows = client.get(f"/api/movies/{private_world.shared.id}/also-liked/").json()

    assert [(row["movie"]["title"], row["co_likes"], row["score"]) for row in rows] == expected


@pytest.mark.parametrize(
    ("followed_back", "expected_shared"), [(False, None), (True, 2)], ids=["not-followed-back", "followed-back"]
)
def test_follow_suggestions_count_a_private_profiles_likes_only_for_those_it_follows(
    private_world, client_of, on_commit, followed_back, expected_shared
):
    with on_commit():
        viewer = UserFactory()  # does not follow P, so P may be suggested
        like_movie(viewer, private_world.shared.id)
        like_movie(viewer, private_world.liked.id)
        if followed_back:
            follow_user(private_world.private, viewer.id)

    rows = client_of(viewer).get(SUGGESTIONS).json()

    shared = {row["user"]["id"]: row["shared_likes"] for row in rows}
    assert shared.get(private_world.private.id) == expected_shared
    assert shared[private_world.public.id] == 2


def test_follow_suggestions_never_reveal_a_private_profiles_likes_to_a_one_way_follower(
    private_world, client_of, on_commit
):
    with on_commit():
        candidate = UserFactory()
        follow_user(private_world.private, candidate.id)  # P follows the candidate, A does not
        like_movie(private_world.one_way, private_world.liked.id)

    rows = client_of(private_world.one_way).get(SUGGESTIONS).json()

    assert {row["user"]["id"]: (row["mutual_follows"], row["shared_likes"]) for row in rows} == {
        private_world.mutual.id: (1, 0),
        candidate.id: (1, 0),
        private_world.public.id: (0, 1),
    }


def test_health_answers_200_with_all_four_stores_up(api_client):
    response = api_client.get("/api/health/")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["down"]) == ("ok", [])
    assert {name: store["status"] for name, store in body["stores"].items()} == {
        "postgres": "up",
        "graph": "up",
        "vectors": "up",
        "broker": "up",
    }


def test_connection_through_a_user_deleted_in_postgres_is_not_reported_as_a_shorter_path(chain, client_of):
    # The graph still has u1 (its delete has not been projected yet); u0's only path to u2 runs through u1.
    type(chain[1]).objects.filter(id=chain[1].id).delete()

    response = client_of(chain[0]).get(f"/api/users/{chain[2].id}/connection/")

    assert response.json() == {"connected": False, "hops": None, "path": []}
