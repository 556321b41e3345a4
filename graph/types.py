"""Plain values that cross the `graph/` boundary: versioned changes in, query answers out.

Times cross as timezone-aware datetimes and are stored in the graph as float
epoch seconds (comparable, and identical on Neo4j and ArcadeDB). A naive
datetime is taken to be UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


def to_epoch_seconds(moment: datetime) -> float:
    """The stored form of a datetime (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def from_epoch_seconds(seconds: float) -> datetime:
    """The UTC datetime of a stored time."""
    return datetime.fromtimestamp(seconds, tz=UTC)


# ------------------------------------------------------------ changes in (the projection's input)


@dataclass(frozen=True)
class Versioned:
    """One aggregate's state at a version: `state` None means deleted.

    `ids` are the Postgres ids the aggregate is keyed by: (user_id,), (movie_id,),
    (follower_id, followee_id), (user_id, movie_id). `state` is the JSON-shaped mapping the
    outbox carries; each projection in `graph.projection` names the fields it stores.
    """

    ids: tuple[int, ...]
    version: int
    state: Mapping[str, Any] | None

    @staticmethod
    def key_of(ids: tuple[int, ...]) -> str:
        return ":".join(str(part) for part in ids)

    @property
    def key(self) -> str:
        return self.key_of(self.ids)


# ------------------------------------------------------------ query answers (ids and numbers only)


@dataclass(frozen=True)
class FriendsLikedMovie:
    movie_id: int
    friend_count: int
    last_at: datetime
    friend_ids: tuple[int, ...]  # up to 3, most recent activity first


@dataclass(frozen=True)
class MovieFriend:
    user_id: int
    liked: bool
    score: float | None


@dataclass(frozen=True)
class FollowSuggestion:
    user_id: int
    mutual_follows: int
    shared_likes: int


@dataclass(frozen=True)
class AlsoLikedMovie:
    movie_id: int
    co_likes: int
    score: float
