"""Write side: versioned, idempotent, order-independent applies in batches; reconcile."""

from __future__ import annotations

import pytest

from graph import driver, projection
from graph.types import Versioned
from tests.graph.builders import (
    apply_one,
    at,
    follow,
    follow_state,
    like,
    like_state,
    movie,
    movie_state,
    rate,
    rating_state,
    user,
    user_state,
)

_USER_PROPS = "MATCH (u:User {id: $id}) RETURN u.username AS username, u.is_private AS is_private, u.version AS version"


def user_props(user_id):
    return driver.read_rows(_USER_PROPS, {"id": user_id})


def test_user_upsert_applies_newer_and_ignores_stale_or_duplicate(graph):
    assert apply_one("user", (1,), 2, user_state("ann")) is True
    assert apply_one("user", (1,), 2, user_state("ann")) is False
    assert apply_one("user", (1,), 1, user_state("old", True)) is False
    assert user_props(1) == [{"username": "ann", "is_private": False, "version": 2}]
    assert apply_one("user", (1,), 3, user_state("ann2", True)) is True
    assert user_props(1) == [{"username": "ann2", "is_private": True, "version": 3}]


def test_older_upsert_after_delete_does_not_resurrect(graph):
    assert apply_one("user", (1,), 5, None) is True
    assert apply_one("user", (1,), 4, user_state("ann")) is False
    assert user_props(1) == []
    assert apply_one("user", (1,), 5, None) is False  # duplicate delete


def test_newer_upsert_after_delete_recreates_and_removes_tombstone(graph):
    apply_one("user", (1,), 5, None)
    assert apply_one("user", (1,), 6, user_state("ann")) is True
    assert user_props(1) == [{"username": "ann", "is_private": False, "version": 6}]
    assert driver.read_rows("MATCH (t:Tombstone) RETURN count(t) AS n", {}) == [{"n": 0}]
    assert apply_one("user", (1,), 5, None) is False  # the older delete is now stale


def test_deleting_a_user_removes_its_relationships_and_blocks_late_edges(graph):
    user(1)
    user(2)
    follow(1, 2)
    follow(2, 1)
    like(1, 10)
    rate(1, 10, 4.0)
    assert apply_one("user", (1,), 2, None) is True
    assert projection.projected_versions("follow") == {}
    assert projection.projected_versions("like") == {}
    assert projection.projected_versions("rating") == {}
    # a follow event produced before the deletion, delivered after it
    assert apply_one("follow", (2, 1), 7, follow_state(0)) is False
    assert projection.projected_versions("user") == {"2": 1}


def test_edge_before_its_endpoints_creates_placeholders_filled_later(graph):
    assert apply_one("follow", (1, 2), 1, follow_state(10)) is True
    assert projection.projected_versions("user") == {}  # placeholders have no version
    user(1, version=3)
    assert user_props(1) == [{"username": "user1", "is_private": False, "version": 3}]
    assert apply_one("user", (1,), 2, user_state("older", True)) is False
    assert projection.projected_versions("follow") == {"1:2": 1}


def test_movie_upsert_replaces_genres_and_credits_exactly(graph):
    first = movie_state("Alien", 1979, ("Horror", "SciFi"), ((1, "Sigourney", "ACTED_IN"), (2, "Ridley", "DIRECTED")))
    second = movie_state("Alien (cut)", None, ("SciFi", "Thriller"), ((3, "John", "ACTED_IN"),))
    assert apply_one("movie", (5,), 1, first) is True
    assert apply_one("movie", (5,), 2, second) is True
    assert apply_one("movie", (5,), 1, first) is False
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
    assert apply_one("movie", (5,), 2, None) is True
    assert projection.projected_versions("movie") == {}
    assert projection.projected_versions("like") == {}
    assert apply_one("like", (1, 5), 3, like_state(0)) is False


@pytest.mark.parametrize(
    ("kind", "state"),
    [("follow", follow_state(1)), ("like", like_state(1)), ("rating", rating_state(4.5, 1))],
)
def test_edge_delete_then_stale_upsert_stays_deleted(graph, kind, state):
    assert apply_one(kind, (1, 2), 1, state) is True
    assert apply_one(kind, (1, 2), 3, None) is True
    assert apply_one(kind, (1, 2), 2, state) is False
    assert projection.projected_versions(kind) == {}
    assert apply_one(kind, (1, 2), 4, state) is True
    assert projection.projected_versions(kind) == {"1:2": 4}


def test_rating_update_overwrites_score(graph):
    rate(1, 5, 2.0, 10, version=1)
    rate(1, 5, 4.5, 20, version=2)
    rows = driver.read_rows(
        "MATCH (:User {id: 1})-[r:RATED]->(:Movie {id: 5}) RETURN r.score AS s, r.at AS at",
        {},
    )
    assert rows == [{"s": 4.5, "at": at(20).timestamp()}]


def test_batches_load_everything_and_respect_versions(graph):
    users = [Versioned((i,), 2, user_state(f"u{i}", i % 2 == 0)) for i in range(1, 8)]
    movies = [
        Versioned((m,), 1, movie_state(f"m{m}", 2000, ("Drama",), ((m, "p", "DIRECTED"),))) for m in range(10, 13)
    ]
    follows = [Versioned((a, b), 1, follow_state(a * b)) for a in range(1, 8) for b in range(1, 8) if a != b]
    likes = [Versioned((u, m), 1, like_state(u + m)) for u in range(1, 8) for m in range(10, 13)]
    ratings = [Versioned((u, m), 1, rating_state(3.5, u)) for u in range(1, 4) for m in range(10, 13)]
    assert projection.apply(projection.USERS, users) == 7
    assert projection.apply(projection.MOVIES, movies) == 3
    assert projection.apply(projection.FOLLOWS, follows) == 42
    assert projection.apply(projection.LIKES, likes) == 21
    assert projection.apply(projection.RATINGS, ratings) == 9
    assert projection.apply(projection.USERS, [Versioned((1,), 1, user_state("stale", True))]) == 0
    assert projection.projected_versions("user") == {str(i): 2 for i in range(1, 8)}
    assert projection.projected_versions("movie") == {"10": 1, "11": 1, "12": 1}
    assert projection.projected_versions("follow") == {change.key: 1 for change in follows}
    assert projection.projected_versions("like") == {change.key: 1 for change in likes}
    assert projection.projected_versions("rating") == {change.key: 1 for change in ratings}


def test_a_batch_splits_into_transactions(graph, monkeypatch):
    monkeypatch.setattr(projection, "BATCH_SIZE", 3)
    assert projection.apply(projection.USERS, [Versioned((i,), 1, user_state(f"u{i}")) for i in range(10)]) == 10
    assert len(projection.projected_versions("user")) == 10


def test_a_batch_keeps_the_newest_change_per_key_whatever_its_order(graph):
    changes = [
        Versioned((1, 2), 3, None),
        Versioned((1, 2), 2, follow_state(5)),
        Versioned((2, 1), 1, follow_state(5)),
        Versioned((2, 1), 4, follow_state(9)),
    ]
    assert projection.apply(projection.FOLLOWS, changes) == 2
    assert projection.projected_versions("follow") == {"2:1": 4}
    assert apply_one("follow", (1, 2), 2, follow_state(5)) is False  # the delete's tombstone holds


def test_a_batch_mixes_upserts_and_deletes_in_one_call(graph):
    like(1, 5)
    changes = [Versioned((1, 5), 2, None), Versioned((2, 5), 1, like_state(3))]
    assert projection.apply(projection.LIKES, changes) == 2
    assert projection.projected_versions("like") == {"2:5": 1}


@pytest.mark.parametrize(
    "state",
    [{"score": "not a number", "at": at(1)}, {"score": 3.0, "at": "yesterday"}, {"score": 3.0}],
)
def test_a_malformed_state_is_refused_before_anything_is_written(graph, state):
    with pytest.raises((ValueError, KeyError)):
        projection.apply(projection.RATINGS, [Versioned((1, 2), 1, rating_state(4.0, 1)), Versioned((3, 2), 1, state)])
    assert projection.projected_versions("rating") == {}


def test_times_arrive_as_datetimes_or_iso_text(graph):
    assert apply_one("like", (1, 5), 1, {"at": at(7).isoformat()}) is True
    rows = driver.read_rows("MATCH (:User {id: 1})-[r:LIKES]->(:Movie {id: 5}) RETURN r.at AS at", {})
    assert rows == [{"at": at(7).timestamp()}]


def test_clear_all_deletes_everything_in_batches(graph, monkeypatch):
    monkeypatch.setattr(projection, "CLEAR_BATCH_SIZE", 4)
    for i in range(1, 6):
        follow(i, i + 1)
    apply_one("like", (1, 5), 1, None)  # a tombstone
    assert projection.clear_all() == 5 + 6 + 1
    assert driver.read_rows("MATCH (n) RETURN count(n) AS n", {}) == [{"n": 0}]


def test_projected_versions_rejects_unknown_kind(graph):
    with pytest.raises(ValueError, match="kind"):
        projection.projected_versions("comment")


def test_projected_versions_reads_in_bounded_keyset_pages(graph, monkeypatch):
    """Every read returns at most a page: nodes by id, edges by windows of start nodes whose
    degrees fit a page, a start node with more than a page on its own; placeholders, tombstones
    and other relationship types are left out."""
    monkeypatch.setattr(projection, "VERSIONS_PAGE_SIZE", 4)
    degrees = {1: 6, 2: 2, 3: 2, 4: 0, 5: 3, 6: 4, 7: 9, 8: 1}
    for user_id in degrees:
        user(user_id, version=user_id + 1)
    for movie_id in range(101, 111):
        movie(movie_id, version=movie_id - 99)
    expected = {}
    for user_id, degree in degrees.items():
        for movie_id in range(101, 101 + degree):
            rate(user_id, movie_id, 4.0, version=user_id * 10 + movie_id % 10)
            expected[f"{user_id}:{movie_id}"] = user_id * 10 + movie_id % 10
    rate(20, 101, 3.0, version=5)  # user 20 is a placeholder, its rating counts
    expected["20:101"] = 5
    rate(8, 200, 3.0, version=1)  # movie 200 becomes a placeholder
    expected["8:200"] = 1
    apply_one("rating", (2, 109), 3, None)  # a tombstone only
    follow(2, 3)
    follow(2, 4)
    follow(2, 5)

    reads: list[int] = []
    read_rows = driver.read_rows

    def counted(query, params):
        rows = read_rows(query, params)
        reads.append(len(rows))
        return rows

    monkeypatch.setattr(driver, "read_rows", counted)
    assert projection.projected_versions("rating") == expected
    assert len(reads) >= 8 and max(reads) <= 4
    reads.clear()
    assert projection.projected_versions("movie") == {str(m): m - 99 for m in range(101, 111)}
    assert reads == [4, 4, 2]
    reads.clear()
    assert projection.projected_versions("user") == {str(u): u + 1 for u in degrees}
    assert projection.projected_versions("follow") == {"2:3": 1, "2:4": 1, "2:5": 1}


def test_backfill_counts_public_likes_on_movies_that_have_none(graph):
    user(1)
    user(2, private=True)
    user(3)
    for liker in (1, 2, 3):
        like(liker, 101)
    driver.write_rows("MATCH (m:Movie) REMOVE m.public_likes", {})  # as projected before the count
    assert projection.backfill_public_likes() == 1
    assert driver.read_rows("MATCH (m:Movie {id: 101}) RETURN m.public_likes AS n", {}) == [{"n": 2}]
    assert projection.backfill_public_likes() == 0
