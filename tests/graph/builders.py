"""Terse helpers to build small graphs through the projection's own apply functions."""

from __future__ import annotations

from datetime import UTC, datetime

from graph import projection
from graph.types import FollowState, LikeState, MovieState, RatingState, UserState


def at(seconds: float) -> datetime:
    """A fixed, readable point in time: `seconds` after 2024-01-01 UTC."""
    return datetime.fromtimestamp(1_704_067_200 + seconds, tz=UTC)


def user(user_id: int, *, private: bool = False, version: int = 1) -> None:
    projection.apply_user(user_id, version, UserState(username=f"user{user_id}", is_private=private))


def movie(movie_id: int, *genres: str, version: int = 1) -> None:
    projection.apply_movie(
        movie_id,
        version,
        MovieState(title=f"movie{movie_id}", year=2000, genres=genres),
    )


def follow(follower_id: int, followee_id: int, since: float = 0, version: int = 1) -> None:
    projection.apply_follow(follower_id, followee_id, version, FollowState(since=at(since)))


def like(user_id: int, movie_id: int, when: float = 0, version: int = 1) -> None:
    projection.apply_like(user_id, movie_id, version, LikeState(at=at(when)))


def rate(user_id: int, movie_id: int, score: float, when: float = 0, version: int = 1) -> None:
    projection.apply_rating(user_id, movie_id, version, RatingState(score=score, at=at(when)))
