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
FOLLOW_SUGGESTIONS_MAX_LIKERS_PER_MOVIE = 100  # likers sampled per liked movie (the first the store returns)
FOLLOW_SUGGESTIONS_MAX_CANDIDATES = 300  # scored candidates (highest mutual_follows first)
FOLLOW_SUGGESTIONS_MAX_LIMIT = 100

ALSO_LIKED_MAX_LIKERS = 500  # visible likers of the movie sampled (the first the store returns)
ALSO_LIKED_MAX_LIKES_PER_LIKER = 100  # most recent likes per sampled liker
ALSO_LIKED_MAX_CANDIDATES = 100  # candidates scored (highest co_likes first)
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
MATCH (v:User {id: $viewer_id})
CALL (v) {
  OPTIONAL MATCH (v)-[:LIKES|RATED]->(seen:Movie)
  RETURN collect(seen.id) AS seen_ids
}
MATCH (v)-[f:FOLLOWS]->(friend:User)
WHERE """
    + activity_visible("friend")
    + """
WITH seen_ids, friend, f ORDER BY f.since DESC LIMIT $max_friends
CALL (friend, seen_ids) {
  MATCH (friend)-[act:LIKES|RATED]->(m:Movie)
  WHERE (type(act) = 'LIKES' OR act.score >= $min_score)
    AND ($since IS NULL OR act.at >= $since)
    AND NOT m.id IN seen_ids
    AND ($genre IS NULL OR EXISTS { (m)-[:IN_GENRE]->(:Genre {name: $genre}) })
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
# The viewer's own movies are read once into `seen_ids`: a NOT EXISTS { (v)-->(m) } per candidate
# was planned from the movie's side on the embedded engine, walking every liker of a popular film.


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

# Kept in this shape: matching (friend)-[:LIKES|RATED]->(:Movie {id: $movie_id}) instead was twice
# as slow on the embedded engine (it anchored on the movie and walked its likers).


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
  WITH x, f ORDER BY f.since DESC
  RETURN collect(x)[..$max_friends] AS friends, collect(x.id) AS followed_ids
}
CALL (v) {
  OPTIONAL MATCH (v)-[l:LIKES]->(m:Movie)
  WITH m, l ORDER BY l.at DESC LIMIT $max_liked
  RETURN collect(m) AS liked, collect(m.id) AS liked_ids
}
CALL (v, friends, liked, followed_ids) {
  CALL (v, friends, liked, followed_ids) {
    UNWIND friends AS friend
    MATCH (friend)-[:FOLLOWS]->(c:User)
    WHERE c <> v AND NOT c.id IN followed_ids AND """
    + not_hidden("c")
    + """
    RETURN c, 1 AS via_friend
    UNION ALL
    UNWIND liked AS m
    CALL (m) {
      MATCH (c:User)-[:LIKES]->(m)
      WITH c LIMIT $max_likers_per_movie
      RETURN c
    }
    WITH v, followed_ids, c
    WHERE c <> v AND NOT c.id IN followed_ids AND """
    + not_hidden("c")
    + """
    RETURN c, 0 AS via_friend
  }
  WITH c, sum(via_friend) AS mutual
  ORDER BY mutual DESC, c.id LIMIT $max_candidates
  RETURN collect([c, mutual]) AS candidates
}
UNWIND candidates AS candidate
WITH liked_ids, candidate[0] AS c, candidate[1] AS mutual
WITH liked_ids, c, mutual, """
    + activity_visible("c")
    + """ AS likes_visible
OPTIONAL MATCH (c)-[:LIKES]->(m2:Movie)
WHERE likes_visible AND m2.id IN liked_ids
WITH c, mutual, count(m2) AS shared
WHERE mutual > 0 OR shared > 0
RETURN c.id AS user_id, mutual AS mutual_follows, shared AS shared_likes
ORDER BY mutual_follows DESC, shared_likes DESC, user_id
LIMIT $limit
"""
)
# Shapes the embedded engine's planner needed: the candidates are grouped by themselves alone in a
# subquery (grouping rows that also carry the id lists hashed the lists per row); membership is
# tested on id lists, not with EXISTS between two bound nodes (walked from the popular end); the
# likers of a liked movie are the first the store returns (sorting a popular film's likers by
# time cost more than the rest of the query).


def follow_suggestions(viewer_id: int, *, limit: int = 20, hidden_ids: Sequence[int] = ()) -> list[FollowSuggestion]:
    """Users the viewer does not follow (nor the viewer), with mutual_follows (followees of the
    viewer who follow them) or shared_likes (movies both liked; a private candidate's likes
    count only if they follow the viewer) above zero.

    Ranked by mutual_follows desc, shared_likes desc, user_id. Candidates come
    from the FOLLOW_SUGGESTIONS_MAX_FRIENDS most recent followees and
    FOLLOW_SUGGESTIONS_MAX_LIKERS_PER_MOVIE likers (a sample, not ranked) of each of the viewer's
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
CALL (a) {
  MATCH (x:User)-[:LIKES]->(a)
  WHERE """
    + activity_visible("x")
    + """
  WITH a, x LIMIT $max_likers
  CALL (a, x) {
    MATCH (x)-[l2:LIKES]->(b:Movie)
    WHERE b <> a
    WITH b, l2 ORDER BY l2.at DESC LIMIT $max_likes_per_liker
    RETURN b
  }
  WITH b, count(DISTINCT x) AS co_likes
  ORDER BY co_likes DESC, b.id LIMIT $max_candidates
  RETURN collect([b, co_likes]) AS candidates
}
CALL () {
  CALL () {
    OPTIONAL MATCH (p:User)-[:FOLLOWS]->(:User {id: $viewer_id})
    WHERE (p.is_private IS NULL OR p.is_private = true) AND """
    + not_hidden("p")
    + """
    RETURN p AS person, 1 AS sign
    UNION ALL
    OPTIONAL MATCH (p:User {id: $viewer_id})
    WHERE p.is_private IS NULL OR p.is_private = true
    RETURN p AS person, 1 AS sign
    UNION ALL
    UNWIND $hidden_ids AS hidden_id
    MATCH (p:User {id: hidden_id})
    WHERE p.is_private = false
    RETURN p AS person, -1 AS sign
  }
  MATCH (person)-[:LIKES]->(liked:Movie)
  RETURN collect([liked.id, sign]) AS corrections
}
UNWIND candidates AS candidate
WITH a, corrections, candidate[0] AS b, candidate[1] AS co_likes
WITH b, co_likes,
  coalesce(a.public_likes, 0)
    + reduce(n = 0, c IN corrections | n + CASE WHEN c[0] = a.id THEN c[1] ELSE 0 END) AS a_likers,
  coalesce(b.public_likes, 0)
    + reduce(n = 0, c IN corrections | n + CASE WHEN c[0] = b.id THEN c[1] ELSE 0 END) AS b_likers
WITH b, co_likes, a_likers + b_likers - co_likes AS either
RETURN b.id AS movie_id, co_likes,
  CASE WHEN either > 0 THEN toFloat(co_likes) / either ELSE 1.0 END AS score
ORDER BY score DESC, co_likes DESC, movie_id
LIMIT $limit
"""
)
# A movie's visible likers are its stored public_likes (graph.projection keeps the count) corrected
# by the viewer's exceptions: +1 for each like of a private (or placeholder) user the viewer may
# see (the viewer, their private followers), -1 for each like of a public user a block hides.
# Those few users' likes are walked once, where counting each candidate's likers walked every liker
# of every popular film.


def also_liked(
    movie_id: int, *, viewer_id: int | None = None, limit: int = 20, hidden_ids: Sequence[int] = ()
) -> list[AlsoLikedMovie]:
    """Movies liked by people who liked `movie_id`, scored by Jaccard similarity of their liker
    sets, counting only likers visible to the viewer (public; or the viewer, or following the
    viewer back; an anonymous viewer sees public likers only).

    Ordered by score desc, co_likes desc, movie_id; excludes the movie itself. The liker counts
    are exact (stored public counts plus the viewer's exceptions); co_likes is over the sample.
    Bounds: ALSO_LIKED_MAX_LIKERS visible likers sampled (not ranked), their
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
