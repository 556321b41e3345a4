"""Plain values that cross the `graph/` boundary: aggregate states in, query answers out.

Times cross as timezone-aware datetimes and are stored in the graph as float
epoch seconds (comparable, and identical on Neo4j and ArcadeDB). A naive
datetime is taken to be UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

Role = Literal["ACTED_IN", "DIRECTED"]
Kind = Literal["user", "movie", "follow", "like", "rating"]
KINDS: tuple[Kind, ...] = ("user", "movie", "follow", "like", "rating")


def to_epoch_seconds(moment: datetime) -> float:
    """The stored form of a datetime (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def from_epoch_seconds(seconds: float) -> datetime:
    """The UTC datetime of a stored time."""
    return datetime.fromtimestamp(seconds, tz=UTC)


# ------------------------------------------------------------ aggregate states (None = deleted)


@dataclass(frozen=True)
class UserState:
    username: str
    is_private: bool


@dataclass(frozen=True)
class MoviePerson:
    person_id: int
    name: str
    role: Role


@dataclass(frozen=True)
class MovieState:
    title: str
    year: int | None
    genres: tuple[str, ...] = ()
    people: tuple[MoviePerson, ...] = ()


@dataclass(frozen=True)
class FollowState:
    since: datetime


@dataclass(frozen=True)
class LikeState:
    at: datetime


@dataclass(frozen=True)
class RatingState:
    score: float
    at: datetime


# ------------------------------------------------------------ bulk rows (rebuild from Postgres)


@dataclass(frozen=True)
class UserRow:
    user_id: int
    version: int
    state: UserState


@dataclass(frozen=True)
class MovieRow:
    movie_id: int
    version: int
    state: MovieState


@dataclass(frozen=True)
class FollowRow:
    follower_id: int
    followee_id: int
    version: int
    state: FollowState


@dataclass(frozen=True)
class LikeRow:
    user_id: int
    movie_id: int
    version: int
    state: LikeState


@dataclass(frozen=True)
class RatingRow:
    user_id: int
    movie_id: int
    version: int
    state: RatingState


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
