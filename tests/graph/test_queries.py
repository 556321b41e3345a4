"""Read-side queries against the real engine, on small hand-built graphs with written-out answers."""

from __future__ import annotations

import pytest

from graph import queries
from graph.types import AlsoLikedMovie, FollowSuggestion, MovieFriend
from tests.graph.builders import apply_one, at, follow, like, movie, rate, user

VIEWER, PUBLIC_FRIEND, MUTUAL_PRIVATE, ONE_WAY_PRIVATE, STRANGER, LOW_RATER = (
    1,
    2,
    3,
    4,
    5,
    6,
)


# The same six users in each world: 3 and 4 are private.
USERS_PRIVATE = {1: False, 2: False, 3: True, 4: True, 5: False, 6: False}


@pytest.fixture
def social(graph):
    """Viewer 1 follows 2 (public), 3 (private, follows 1 back), 4 (private, does not), 6 (public)."""
    for user_id, private in USERS_PRIVATE.items():
        user(user_id, private=private)
    movie(10, "Drama")
    movie(11, "Comedy")
    movie(12, "Drama")
    movie(13, "Drama")
    movie(14)
    movie(15)
    for follower, followee in [(1, 2), (1, 3), (3, 1), (1, 4), (1, 6)]:
        follow(follower, followee)
    like(2, 10, 100)
    like(2, 11, 110)
    like(3, 10, 120)
    rate(3, 12, 4.5, 130)
    like(4, 13, 140)
    rate(4, 10, 5.0, 150)
    rate(6, 11, 3.0, 160)  # below the endorsing score
    like(6, 14, 90)
    like(5, 15, 10)
    like(1, 14, 5)  # the viewer's own like excludes movie 14
    return graph


def summary(rows):
    return [(r.movie_id, r.friend_count, r.last_at, r.friend_ids) for r in rows]


def test_friends_liked_ranks_by_friend_count_then_recency(social):
    assert summary(queries.friends_liked(VIEWER)) == [
        (10, 2, at(120), (3, 2)),
        (12, 1, at(130), (3,)),
        (11, 1, at(110), (2,)),
    ]


def test_friends_liked_filters_by_genre(social):
    assert [r.movie_id for r in queries.friends_liked(VIEWER, genre="Drama")] == [
        10,
        12,
    ]


def test_friends_liked_filters_by_since(social):
    assert summary(queries.friends_liked(VIEWER, since=at(115))) == [
        (12, 1, at(130), (3,)),
        (10, 1, at(120), (3,)),
    ]


def test_friends_liked_pages_with_limit_and_offset(social):
    assert [r.movie_id for r in queries.friends_liked(VIEWER, limit=1, offset=1)] == [12]


def test_friends_liked_shows_at_most_three_friends_most_recent_first(graph):
    for user_id in range(1, 6):
        user(user_id)
    movie(10)
    for friend in range(2, 6):
        follow(1, friend)
        like(friend, 10, 100 + friend)
    assert summary(queries.friends_liked(1)) == [(10, 4, at(105), (5, 4, 3))]


def test_private_friend_becomes_visible_when_following_back(social):
    follow(ONE_WAY_PRIVATE, VIEWER)
    assert summary(queries.friends_liked(VIEWER)) == [
        (10, 3, at(150), (4, 3, 2)),
        (13, 1, at(140), (4,)),
        (12, 1, at(130), (3,)),
        (11, 1, at(110), (2,)),
    ]


def test_private_friend_hidden_again_after_unfollowing_back(social):
    apply_one("follow", (MUTUAL_PRIVATE, VIEWER), 2, None)
    assert summary(queries.friends_liked(VIEWER)) == [
        (11, 1, at(110), (2,)),
        (10, 1, at(100), (2,)),
    ]
    assert queries.movie_friends(VIEWER, 12) == []


def test_user_turning_private_hides_their_likes(social):
    user(PUBLIC_FRIEND, private=True, version=2)
    assert summary(queries.friends_liked(VIEWER)) == [
        (12, 1, at(130), (3,)),
        (10, 1, at(120), (3,)),
    ]


def test_placeholder_user_of_unknown_privacy_counts_as_private(graph):
    user(1)
    follow(1, 7)  # user 7 has no user event yet
    like(7, 10, 100)
    assert queries.friends_liked(1) == []
    user(7, private=False)
    assert [r.movie_id for r in queries.friends_liked(1)] == [10]


def test_movie_friends_lists_visible_followees_with_their_activity(social):
    assert queries.movie_friends(VIEWER, 10) == [
        MovieFriend(2, True, None),
        MovieFriend(3, True, None),
    ]
    assert queries.movie_friends(VIEWER, 11) == [
        MovieFriend(2, True, None),
        MovieFriend(6, False, 3.0),
    ]
    assert queries.movie_friends(VIEWER, 12) == [MovieFriend(3, False, 4.5)]
    assert queries.movie_friends(VIEWER, 13) == []  # only the one-way private friend liked it


def test_movie_friends_shows_like_and_score_together(social):
    rate(PUBLIC_FRIEND, 10, 2.5, 200)
    assert queries.movie_friends(VIEWER, 10)[0] == MovieFriend(2, True, 2.5)


def test_private_user_sees_their_own_likes_through_a_mutual_friend(social):
    # Viewer 3 (private) follows 1 who follows 3: 3 sees 1's likes (1 is public) ...
    assert [r.movie_id for r in queries.friends_liked(MUTUAL_PRIVATE)] == [14]
    # ... and the one-way private user 4 sees nothing of anybody it does not follow.
    assert queries.friends_liked(ONE_WAY_PRIVATE) == []


@pytest.fixture
def suggestions(graph):
    for user_id, private in USERS_PRIVATE.items():
        user(user_id, private=private)
    for user_id, private in [(7, True), (8, False), (9, True), (10, True)]:
        user(user_id, private=private)
    for follower, followee in [
        (1, 2),
        (1, 3),
        (1, 4),
        (1, 6),
        (3, 1),
        (2, 5),
        (3, 5),
        (6, 7),
        (3, 4),
        (10, 1),
    ]:
        follow(follower, followee)
    for user_id in (1, 6, 8, 9, 10):
        like(user_id, 14, 50 + user_id)
    like(5, 15)
    return graph


def test_follow_suggestions_ranks_mutual_then_shared_likes(suggestions):
    assert queries.follow_suggestions(1) == [
        FollowSuggestion(5, 2, 0),  # followed by 2 and 3
        FollowSuggestion(7, 1, 0),  # followed by 6; private, but mutual follows still count
        FollowSuggestion(8, 0, 1),  # public, liked 14 like the viewer
        FollowSuggestion(10, 0, 1),  # private but follows the viewer back
        # 9: private and not following back -> its like is invisible -> not suggested
        # 1 (viewer, followed by 3) and 4/6 (already followed) are never suggested
    ]


def test_follow_suggestions_respects_limit(suggestions):
    assert [s.user_id for s in queries.follow_suggestions(1, limit=2)] == [5, 7]


def test_follow_suggestions_for_isolated_user_is_empty(suggestions):
    user(99)
    assert queries.follow_suggestions(99) == []


@pytest.fixture
def co_likes(graph):
    for user_id, private in [
        (21, False),
        (22, False),
        (23, True),
        (24, False),
        (29, False),
    ]:
        user(user_id, private=private)
    follow(23, 29)  # private 23 follows viewer 29 back
    for liker, movies in {
        21: [101, 102],
        22: [101, 102, 103],
        23: [101, 103],
        24: [102, 104],
    }.items():
        for movie_id in movies:
            like(liker, movie_id, liker + movie_id)
    return graph


def test_also_liked_for_anonymous_viewer_counts_public_likers_only(co_likes):
    assert queries.also_liked(101, viewer_id=None) == [
        AlsoLikedMovie(102, 2, pytest.approx(2 / 3)),
        AlsoLikedMovie(103, 1, 0.5),
    ]


@pytest.mark.parametrize("viewer_id", [29, 23])  # followed back by 23, and 23 itself
def test_also_liked_counts_private_likers_visible_to_the_viewer(co_likes, viewer_id):
    assert queries.also_liked(101, viewer_id=viewer_id) == [
        AlsoLikedMovie(103, 2, pytest.approx(2 / 3)),
        AlsoLikedMovie(102, 2, 0.5),
    ]


def test_also_liked_ignores_private_likers_not_following_viewer(co_likes):
    assert queries.also_liked(101, viewer_id=24) == queries.also_liked(101, viewer_id=None)


def test_also_liked_of_unknown_movie_is_empty(co_likes):
    assert queries.also_liked(999) == []


def test_also_liked_follows_a_liker_turning_private_then_leaving(co_likes):
    # 22 (public, liked 101..103) turns private: for an anonymous viewer only 21 is left on 101.
    user(22, private=True, version=2)
    assert queries.also_liked(101, viewer_id=None) == [AlsoLikedMovie(102, 1, pytest.approx(1 / 2))]
    user(22, private=False, version=3)
    assert queries.also_liked(101, viewer_id=None)[0] == AlsoLikedMovie(102, 2, pytest.approx(2 / 3))
    apply_one("user", (22,), 4, None)  # deleted: their likes go with them
    assert queries.also_liked(101, viewer_id=None) == [AlsoLikedMovie(102, 1, pytest.approx(1 / 2))]


def test_also_liked_counts_likes_that_arrived_before_their_public_user(graph):
    for liker in (31, 32):
        like(liker, 201, liker)
        like(liker, 202, liker)
    like(33, 202, 33)
    assert queries.also_liked(201) == []  # placeholders count as private
    for liker in (31, 32, 33):
        user(liker)
    assert queries.also_liked(201) == [AlsoLikedMovie(202, 2, pytest.approx(2 / 3))]


def test_also_liked_drops_the_likes_of_users_a_block_hides(co_likes):
    # Viewer 29 sees private 23; a block hides public 22.
    assert queries.also_liked(101, viewer_id=29, hidden_ids=[22]) == [
        AlsoLikedMovie(103, 1, pytest.approx(1 / 2)),
        AlsoLikedMovie(102, 1, pytest.approx(1 / 3)),
    ]


@pytest.fixture
def chain(graph):
    for follower, followee in [(1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (1, 7), (7, 4)]:
        follow(follower, followee)
    return graph


@pytest.mark.parametrize(
    ("viewer", "target", "max_hops", "expected"),
    [
        (1, 5, 4, [1, 7, 4, 5]),
        (1, 3, 4, [1, 2, 3]),
        (1, 6, 3, None),
        (1, 6, 4, [1, 7, 4, 5, 6]),
        (5, 1, 4, None),  # FOLLOWS is directed
        (1, 1, 4, [1]),
        (1, 99, 4, None),
    ],
)
def test_connection_finds_a_shortest_directed_path(chain, viewer, target, max_hops, expected):
    assert queries.connection(viewer, target, max_hops=max_hops) == expected


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: queries.friends_liked(1, limit=0), "limit"),
        (
            lambda: queries.friends_liked(1, limit=queries.FRIENDS_LIKED_MAX_LIMIT + 1),
            "limit",
        ),
        (lambda: queries.friends_liked(1, offset=-1), "offset"),
        (lambda: queries.follow_suggestions(1, limit=1000), "limit"),
        (lambda: queries.also_liked(1, limit=0), "limit"),
        (
            lambda: queries.connection(1, 2, max_hops=queries.CONNECTION_MAX_HOPS + 1),
            "max_hops",
        ),
    ],
)
def test_out_of_bounds_arguments_are_refused(graph, call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_friends_liked_caps_what_one_friend_contributes(graph, monkeypatch):
    monkeypatch.setattr(queries, "FRIENDS_LIKED_MAX_PER_FRIEND", 2)
    user(1)
    user(2)
    follow(1, 2)
    for movie_id in range(10, 15):
        like(2, movie_id, movie_id)
    assert [r.movie_id for r in queries.friends_liked(1)] == [14, 13]


def test_friends_liked_caps_followees_to_most_recently_followed(graph, monkeypatch):
    monkeypatch.setattr(queries, "FRIENDS_LIKED_MAX_FRIENDS", 1)
    for user_id in (1, 2, 3):
        user(user_id)
    follow(1, 2, since=10)
    follow(1, 3, since=20)
    like(2, 10, 1)
    like(3, 11, 1)
    assert [r.movie_id for r in queries.friends_liked(1)] == [11]
