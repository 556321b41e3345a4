"""The read side: the social questions the API asks the graph.

Every function runs ONE parameterized query in one read transaction and is
bounded by a LIMIT, a maximum hop count, the per-transaction timeout, and
named caps on what one very popular user or movie may contribute. Answers
are ids and numbers; the API hydrates titles and names from Postgres.

Privacy rule (every query): `graph.privacy.activity_visible`, the one
predicate (viewer V may see private user P's likes and ratings iff P == V or
(P)-[:FOLLOWS]->(V); a placeholder user counts as private).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from graph import driver
from graph.privacy import activity_visible, not_hidden
from graph.types import (
    AlsoLikedMovie,
    FollowSuggestion,
    FriendsLikedMovie,
    MovieFriend,
    from_epoch_seconds,
    to_epoch_seconds,
)

# A rating counts as an endorsement from this score up (scores are 0.5..5).
ENDORSING_MIN_SCORE = 4.0

FRIENDS_LIKED_MAX_FRIENDS = 500  # most recently followed visible followees considered
FRIENDS_LIKED_MAX_PER_FRIEND = 50  # most recent qualifying likes/ratings per followee
FRIENDS_LIKED_MAX_LIMIT = 100
FRIENDS_LIKED_MAX_OFFSET = 1_000
FRIENDS_LIKED_SHOWN_FRIENDS = 3

MOVIE_FRIENDS_MAX_FRIENDS = 2_000  # most recently followed visible followees checked
MOVIE_FRIENDS_LIMIT = 200

FOLLOW_SUGGESTIONS_MAX_FRIENDS = 200  # most recently followed followees expanded
FOLLOW_SUGGESTIONS_MAX_LIKED = 200  # viewer's most recent likes used as overlap basis
FOLLOW_SUGGESTIONS_MAX_LIKERS_PER_MOVIE = 100  # most recent likers sampled per liked movie
FOLLOW_SUGGESTIONS_MAX_CANDIDATES = 1_000  # scored candidates (highest mutual_follows first)
FOLLOW_SUGGESTIONS_MAX_LIMIT = 100

ALSO_LIKED_MAX_LIKERS = 500  # most recent visible likers of the movie sampled
ALSO_LIKED_MAX_LIKES_PER_LIKER = 100  # most recent likes per sampled liker
ALSO_LIKED_MAX_CANDIDATES = 300  # candidates scored (highest co_likes first)
ALSO_LIKED_MAX_LIMIT = 100

CONNECTION_MAX_HOPS = 6


def _check_page(limit: int, max_limit: int, offset: int = 0, max_offset: int = 0) -> None:
    if not 1 <= limit <= max_limit:
        raise ValueError(f"limit must be between 1 and {max_limit}, got {limit}")
    if not 0 <= offset <= max_offset:
        raise ValueError(f"offset must be between 0 and {max_offset}, got {offset}")


# ------------------------------------------------------------------ friends_liked

_FRIENDS_LIKED = (
    """
MATCH (v:User {id: $viewer_id})-[f:FOLLOWS]->(friend:User)
WHERE """
    + activity_visible("friend")
    + """
WITH v, friend, f ORDER BY f.since DESC LIMIT $max_friends
CALL (v, friend) {
  MATCH (friend)-[act:LIKES|RATED]->(m:Movie)
  WHERE (type(act) = 'LIKES' OR act.score >= $min_score)
    AND ($since IS NULL OR act.at >= $since)
    AND ($genre IS NULL OR EXISTS { (m)-[:IN_GENRE]->(:Genre {name: $genre}) })
    AND NOT EXISTS { (v)-[:LIKES|RATED]->(m) }
  WITH m, max(act.at) AS at
  ORDER BY at DESC LIMIT $max_per_friend
  RETURN m, at
}
WITH m, friend, at ORDER BY at DESC, friend.id
WITH m, count(friend) AS friend_count, max(at) AS last_at, collect(friend.id) AS friend_ids
RETURN m.id AS movie_id, friend_count, last_at, friend_ids[..$shown_friends] AS friend_ids
ORDER BY friend_count DESC, last_at DESC, movie_id
SKIP $offset LIMIT $limit
"""
)


def friends_liked(
    viewer_id: int,
    *,
    genre: str | None = None,
    since: datetime | None = None,
    limit: int = 20,
    offset: int = 0,
    hidden_ids: Sequence[int] = (),
) -> list[FriendsLikedMovie]:
    """Movies liked (or rated >= ENDORSING_MIN_SCORE) by people the viewer follows and may see,
    that the viewer has neither liked nor rated.

    Ranked by friend_count desc, last activity desc, movie_id; optional genre and
    since (activity at or after) filters. Bounds: FRIENDS_LIKED_MAX_FRIENDS
    followees (most recently followed), FRIENDS_LIKED_MAX_PER_FRIEND movies per
    followee (most recent), limit <= FRIENDS_LIKED_MAX_LIMIT, offset <=
    FRIENDS_LIKED_MAX_OFFSET. friend_ids: up to 3, most recent activity first.
    """
    _check_page(limit, FRIENDS_LIKED_MAX_LIMIT, offset, FRIENDS_LIKED_MAX_OFFSET)
    rows = driver.read_rows(
        _FRIENDS_LIKED,
        {
            "viewer_id": viewer_id,
            "hidden_ids": list(hidden_ids),
            "genre": genre,
            "since": None if since is None else to_epoch_seconds(since),
            "min_score": ENDORSING_MIN_SCORE,
            "max_friends": FRIENDS_LIKED_MAX_FRIENDS,
            "max_per_friend": FRIENDS_LIKED_MAX_PER_FRIEND,
            "shown_friends": FRIENDS_LIKED_SHOWN_FRIENDS,
            "offset": offset,
            "limit": limit,
        },
    )
    return [
        FriendsLikedMovie(
            movie_id=r["movie_id"],
            friend_count=r["friend_count"],
            last_at=from_epoch_seconds(r["last_at"]),
            friend_ids=tuple(r["friend_ids"]),
        )
        for r in rows
    ]


# ------------------------------------------------------------------ movie_friends

_MOVIE_FRIENDS = (
    """
MATCH (v:User {id: $viewer_id})-[f:FOLLOWS]->(friend:User)
WHERE """
    + activity_visible("friend")
    + """
WITH friend, f ORDER BY f.since DESC LIMIT $max_friends
MATCH (m:Movie {id: $movie_id})
OPTIONAL MATCH (friend)-[l:LIKES]->(m)
OPTIONAL MATCH (friend)-[r:RATED]->(m)
WITH friend, l, r WHERE l IS NOT NULL OR r IS NOT NULL
RETURN friend.id AS user_id, l IS NOT NULL AS liked, r.score AS score
ORDER BY user_id
LIMIT $limit
"""
)


def movie_friends(viewer_id: int, movie_id: int, *, hidden_ids: Sequence[int] = ()) -> list[MovieFriend]:
    """People the viewer follows (and may see) who liked or rated `movie_id`, by user_id.

    Bounds: the MOVIE_FRIENDS_MAX_FRIENDS most recently followed followees are
    checked; at most MOVIE_FRIENDS_LIMIT rows.
    """
    rows = driver.read_rows(
        _MOVIE_FRIENDS,
        {
            "viewer_id": viewer_id,
            "hidden_ids": list(hidden_ids),
            "movie_id": movie_id,
            "max_friends": MOVIE_FRIENDS_MAX_FRIENDS,
            "limit": MOVIE_FRIENDS_LIMIT,
        },
    )
    return [MovieFriend(user_id=r["user_id"], liked=r["liked"], score=r["score"]) for r in rows]


# ------------------------------------------------------------------ follow_suggestions

_FOLLOW_SUGGESTIONS = (
    """
MATCH (v:User {id: $viewer_id})
CALL (v) {
  OPTIONAL MATCH (v)-[f:FOLLOWS]->(x:User)
  WITH x, f ORDER BY f.since DESC LIMIT $max_friends
  RETURN collect(x) AS friends
}
CALL (v) {
  OPTIONAL MATCH (v)-[l:LIKES]->(m:Movie)
  WITH m, l ORDER BY l.at DESC LIMIT $max_liked
  RETURN collect(m) AS liked
}
CALL (friends, liked) {
  UNWIND friends AS friend
  MATCH (friend)-[:FOLLOWS]->(c:User)
  RETURN c, 1 AS via_friend
  UNION ALL
  UNWIND liked AS m
  CALL (m) {
    MATCH (c:User)-[l:LIKES]->(m)
    WITH c, l ORDER BY l.at DESC LIMIT $max_likers_per_movie
    RETURN c
  }
  RETURN c, 0 AS via_friend
}
WITH v, liked, c, sum(via_friend) AS mutual
WHERE c.id <> v.id AND NOT EXISTS { (v)-[:FOLLOWS]->(c) } AND """
    + not_hidden("c")
    + """
WITH v, liked, c, mutual ORDER BY mutual DESC, c.id LIMIT $max_candidates
WITH c, mutual,
  CASE WHEN """
    + activity_visible("c")
    + """
    THEN COUNT { MATCH (c)-[:LIKES]->(m2:Movie) WHERE m2 IN liked }
    ELSE 0 END AS shared
WHERE mutual > 0 OR shared > 0
RETURN c.id AS user_id, mutual AS mutual_follows, shared AS shared_likes
ORDER BY mutual_follows DESC, shared_likes DESC, user_id
LIMIT $limit
"""
)


def follow_suggestions(viewer_id: int, *, limit: int = 20, hidden_ids: Sequence[int] = ()) -> list[FollowSuggestion]:
    """Users the viewer does not follow (nor the viewer), with mutual_follows (followees of the
    viewer who follow them) or shared_likes (movies both liked; a private candidate's likes
    count only if they follow the viewer) above zero.

    Ranked by mutual_follows desc, shared_likes desc, user_id. Candidates come
    from the FOLLOW_SUGGESTIONS_MAX_FRIENDS most recent followees and the
    FOLLOW_SUGGESTIONS_MAX_LIKERS_PER_MOVIE most recent likers of the viewer's
    FOLLOW_SUGGESTIONS_MAX_LIKED most recent likes; counts are over those same
    sets; at most FOLLOW_SUGGESTIONS_MAX_CANDIDATES are scored; limit <=
    FOLLOW_SUGGESTIONS_MAX_LIMIT.
    """
    _check_page(limit, FOLLOW_SUGGESTIONS_MAX_LIMIT)
    rows = driver.read_rows(
        _FOLLOW_SUGGESTIONS,
        {
            "viewer_id": viewer_id,
            "hidden_ids": list(hidden_ids),
            "max_friends": FOLLOW_SUGGESTIONS_MAX_FRIENDS,
            "max_liked": FOLLOW_SUGGESTIONS_MAX_LIKED,
            "max_likers_per_movie": FOLLOW_SUGGESTIONS_MAX_LIKERS_PER_MOVIE,
            "max_candidates": FOLLOW_SUGGESTIONS_MAX_CANDIDATES,
            "limit": limit,
        },
    )
    return [
        FollowSuggestion(
            user_id=r["user_id"],
            mutual_follows=r["mutual_follows"],
            shared_likes=r["shared_likes"],
        )
        for r in rows
    ]


# ------------------------------------------------------------------ also_liked

_ALSO_LIKED = (
    """
MATCH (a:Movie {id: $movie_id})
WITH a, COUNT {
  MATCH (x:User)-[:LIKES]->(a)
  WHERE """
    + activity_visible("x")
    + """
} AS a_likers
CALL (a) {
  MATCH (x:User)-[l:LIKES]->(a)
  WHERE """
    + activity_visible("x")
    + """
  WITH x, l ORDER BY l.at DESC LIMIT $max_likers
  RETURN x
}
CALL (a, x) {
  MATCH (x)-[l2:LIKES]->(b:Movie)
  WHERE b.id <> a.id
  WITH b, l2 ORDER BY l2.at DESC LIMIT $max_likes_per_liker
  RETURN b
}
WITH a_likers, b, count(DISTINCT x) AS co_likes
ORDER BY co_likes DESC, b.id LIMIT $max_candidates
WITH a_likers, b, co_likes, COUNT {
  MATCH (y:User)-[:LIKES]->(b)
  WHERE """
    + activity_visible("y")
    + """
} AS b_likers
RETURN b.id AS movie_id, co_likes, toFloat(co_likes) / (a_likers + b_likers - co_likes) AS score
ORDER BY score DESC, co_likes DESC, movie_id
LIMIT $limit
"""
)


def also_liked(
    movie_id: int, *, viewer_id: int | None = None, limit: int = 20, hidden_ids: Sequence[int] = ()
) -> list[AlsoLikedMovie]:
    """Movies liked by people who liked `movie_id`, scored by Jaccard similarity of their liker
    sets, counting only likers visible to the viewer (public; or the viewer, or following the
    viewer back; an anonymous viewer sees public likers only).

    Ordered by score desc, co_likes desc, movie_id; excludes the movie itself.
    Bounds: ALSO_LIKED_MAX_LIKERS most recent visible likers sampled, their
    ALSO_LIKED_MAX_LIKES_PER_LIKER most recent likes, ALSO_LIKED_MAX_CANDIDATES
    candidates scored, limit <= ALSO_LIKED_MAX_LIMIT.
    """
    _check_page(limit, ALSO_LIKED_MAX_LIMIT)
    rows = driver.read_rows(
        _ALSO_LIKED,
        {
            "movie_id": movie_id,
            "viewer_id": viewer_id,
            "hidden_ids": list(hidden_ids),
            "max_likers": ALSO_LIKED_MAX_LIKERS,
            "max_likes_per_liker": ALSO_LIKED_MAX_LIKES_PER_LIKER,
            "max_candidates": ALSO_LIKED_MAX_CANDIDATES,
            "limit": limit,
        },
    )
    return [AlsoLikedMovie(movie_id=r["movie_id"], co_likes=r["co_likes"], score=r["score"]) for r in rows]


# ------------------------------------------------------------------ connection

# A variable-length bound cannot be a parameter in Cypher, so there is one
# query text per allowed hop count, built here from integers, never from input.
_CONNECTION_BY_HOPS: dict[int, str] = {
    hops: (
        "MATCH (a:User {id: $viewer_id}), (b:User {id: $target_id}) "
        f"MATCH p = shortestPath((a)-[:FOLLOWS*..{hops}]->(b)) "
        "WHERE none(n IN nodes(p) WHERE n.id IN $hidden_ids) "
        "RETURN [n IN nodes(p) | n.id] AS ids LIMIT 1"
    )
    for hops in range(1, CONNECTION_MAX_HOPS + 1)
}


def connection(
    viewer_id: int, target_id: int, *, max_hops: int = 4, hidden_ids: Sequence[int] = ()
) -> list[int] | None:
    """User ids along one shortest directed FOLLOWS path viewer -> ... -> target (both ends
    included) through no user in `hidden_ids`; [viewer_id] if they are the same user; None if there
    is no such path of at most `max_hops` edges (1 <= max_hops <= CONNECTION_MAX_HOPS) or either
    user is unknown or hidden."""
    if not 1 <= max_hops <= CONNECTION_MAX_HOPS:
        raise ValueError(f"max_hops must be between 1 and {CONNECTION_MAX_HOPS}, got {max_hops}")
    if viewer_id == target_id:
        return [viewer_id]
    rows: list[dict[str, Any]] = driver.read_rows(
        _CONNECTION_BY_HOPS[max_hops],
        {"viewer_id": viewer_id, "target_id": target_id, "hidden_ids": list(hidden_ids)},
    )
    return list(rows[0]["ids"]) if rows else None
