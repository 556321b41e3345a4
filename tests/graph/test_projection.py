"""Write side: versioned, idempotent, order-independent applies; bulk loads; reconcile."""

from __future__ import annotations

import pytest

from graph import driver, projection
from graph.types import (
    FollowRow,
    FollowState,
    LikeRow,
    LikeState,
    MoviePerson,
    MovieRow,
    MovieState,
    RatingRow,
    RatingState,
    UserRow,
    UserState,
)
from tests.graph.builders import at, follow, like, movie, rate, user

_USER_PROPS = "MATCH (u:User {id: $id}) RETURN u.username AS username, u.is_private AS is_private, u.version AS version"


def user_props(user_id):
    return driver.read_rows(_USER_PROPS, {"id": user_id})


def test_user_upsert_applies_newer_and_ignores_stale_or_duplicate(graph):
    assert projection.apply_user(1, 2, UserState("ann", False)) is True
    assert projection.apply_user(1, 2, UserState("ann", False)) is False
    assert projection.apply_user(1, 1, UserState("old", True)) is False
    assert user_props(1) == [{"username": "ann", "is_private": False, "version": 2}]
    assert projection.apply_user(1, 3, UserState("ann2", True)) is True
    assert user_props(1) == [{"username": "ann2", "is_private": True, "version": 3}]


def test_older_upsert_after_delete_does_not_resurrect(graph):
    assert projection.apply_user(1, 5, None) is True
    assert projection.apply_user(1, 4, UserState("ann", False)) is False
    assert user_props(1) == []
    assert projection.apply_user(1, 5, None) is False  # duplicate delete


def test_newer_upsert_after_delete_recreates_and_removes_tombstone(graph):
    projection.apply_user(1, 5, None)
    assert projection.apply_user(1, 6, UserState("ann", False)) is True
    assert user_props(1) == [{"username": "ann", "is_private": False, "version": 6}]
    assert driver.read_rows("MATCH (t:Tombstone) RETURN count(t) AS n", {}) == [{"n": 0}]
    assert projection.apply_user(1, 5, None) is False  # the older delete is now stale


def test_deleting_a_user_removes_its_relationships_and_blocks_late_edges(graph):
    user(1)
    user(2)
    follow(1, 2)
    follow(2, 1)
    like(1, 10)
    rate(1, 10, 4.0)
    assert projection.apply_user(1, 2, None) is True
    assert projection.projected_versions("follow") == {}
    assert projection.projected_versions("like") == {}
    assert projection.projected_versions("rating") == {}
    # a follow event produced before the deletion, delivered after it
    assert projection.apply_follow(2, 1, 7, FollowState(at(0))) is False
    assert projection.projected_versions("user") == {"2": 1}


def test_edge_before_its_endpoints_creates_placeholders_filled_later(graph):
    assert projection.apply_follow(1, 2, 1, FollowState(at(10))) is True
    assert projection.projected_versions("user") == {}  # placeholders have no version
    user(1, version=3)
    assert user_props(1) == [{"username": "user1", "is_private": False, "version": 3}]
    assert projection.apply_user(1, 2, UserState("older", True)) is False
    assert projection.projected_versions("follow") == {"1:2": 1}


def test_movie_upsert_replaces_genres_and_credits_exactly(graph):
    first = MovieState(
        "Alien",
        1979,
        ("Horror", "SciFi"),
        (MoviePerson(1, "Sigourney", "ACTED_IN"), MoviePerson(2, "Ridley", "DIRECTED")),
    )
    second = MovieState(
        "Alien (cut)",
        None,
        ("SciFi", "Thriller"),
        (MoviePerson(3, "John", "ACTED_IN"),),
    )
    assert projection.apply_movie(5, 1, first) is True
    assert projection.apply_movie(5, 2, second) is True
    assert projection.apply_movie(5, 1, first) is False
    rows = driver.read_rows(
        "MATCH (m:Movie {id: 5}) RETURN m.title AS title, m.year AS year, "
        "[(m)-[:IN_GENRE]->(g) | g.name] AS genres, "
        "[(p)-[:ACTED_IN]->(m) | p.id] AS actors, [(p)-[:DIRECTED]->(m) | p.id] AS directors",
        {},
    )
    assert len(rows) == 1
    row = rows[0]
    assert (row["title"], row["year"]) == ("Alien (cut)", None)
    assert sorted(row["genres"]) == ["SciFi", "Thriller"]
    assert (row["actors"], row["directors"]) == ([3], [])


def test_movie_delete_removes_likes_and_blocks_late_likes(graph):
    movie(5)
    like(1, 5)
    assert projection.apply_movie(5, 2, None) is True
    assert projection.projected_versions("movie") == {}
    assert projection.projected_versions("like") == {}
    assert projection.apply_like(1, 5, 3, LikeState(at(0))) is False


@pytest.mark.parametrize(
    ("apply", "state", "kind"),
    [
        (projection.apply_follow, FollowState(at(1)), "follow"),
        (projection.apply_like, LikeState(at(1)), "like"),
        (projection.apply_rating, RatingState(4.5, at(1)), "rating"),
    ],
)
def test_edge_delete_then_stale_upsert_stays_deleted(graph, apply, state, kind):
    assert apply(1, 2, 1, state) is True
    assert apply(1, 2, 3, None) is True
    assert apply(1, 2, 2, state) is False
    assert projection.projected_versions(kind) == {}
    assert apply(1, 2, 4, state) is True
    assert projection.projected_versions(kind) == {"1:2": 4}


def test_rating_update_overwrites_score(graph):
    rate(1, 5, 2.0, 10, version=1)
    rate(1, 5, 4.5, 20, version=2)
    rows = driver.read_rows(
        "MATCH (:User {id: 1})-[r:RATED]->(:Movie {id: 5}) RETURN r.score AS s, r.at AS at",
        {},
    )
    assert rows == [{"s": 4.5, "at": at(20).timestamp()}]


def test_bulk_upserts_load_everything_and_respect_versions(graph):
    users = [UserRow(i, 2, UserState(f"u{i}", i % 2 == 0)) for i in range(1, 8)]
    movies = [
        MovieRow(
            m,
            1,
            MovieState(f"m{m}", 2000, ("Drama",), (MoviePerson(m, "p", "DIRECTED"),)),
        )
        for m in range(10, 13)
    ]
    follows = [FollowRow(a, b, 1, FollowState(at(a * b))) for a in range(1, 8) for b in range(1, 8) if a != b]
    likes = [LikeRow(u, m, 1, LikeState(at(u + m))) for u in range(1, 8) for m in range(10, 13)]
    ratings = [RatingRow(u, m, 1, RatingState(3.5, at(u))) for u in range(1, 4) for m in range(10, 13)]
    assert projection.users_bulk_upsert(users) == 7
    assert projection.movies_bulk_upsert(movies) == 3
    assert projection.follows_bulk_upsert(follows) == 42
    assert projection.likes_bulk_upsert(likes) == 21
    assert projection.ratings_bulk_upsert(ratings) == 9
    assert projection.users_bulk_upsert([UserRow(1, 1, UserState("stale", True))]) == 0
    assert projection.projected_versions("user") == {str(i): 2 for i in range(1, 8)}
    assert projection.projected_versions("movie") == {"10": 1, "11": 1, "12": 1}
    assert projection.projected_versions("follow") == {f"{r.follower_id}:{r.followee_id}": 1 for r in follows}
    assert projection.projected_versions("like") == {f"{r.user_id}:{r.movie_id}": 1 for r in likes}
    assert projection.projected_versions("rating") == {f"{r.user_id}:{r.movie_id}": 1 for r in ratings}


def test_bulk_upsert_splits_into_batches(graph, monkeypatch):
    monkeypatch.setattr(projection, "BULK_BATCH_SIZE", 3)
    assert projection.users_bulk_upsert([UserRow(i, 1, UserState(f"u{i}", False)) for i in range(10)]) == 10
    assert len(projection.projected_versions("user")) == 10


def test_clear_all_deletes_everything_in_batches(graph, monkeypatch):
    monkeypatch.setattr(projection, "CLEAR_BATCH_SIZE", 4)
    for i in range(1, 6):
        follow(i, i + 1)
    projection.apply_like(1, 5, 1, None)  # a tombstone
    assert projection.clear_all() == 5 + 6 + 1
    assert driver.read_rows("MATCH (n) RETURN count(n) AS n", {}) == [{"n": 0}]


def test_projected_versions_rejects_unknown_kind(graph):
    with pytest.raises(ValueError, match="kind"):
        projection.projected_versions("comment")
