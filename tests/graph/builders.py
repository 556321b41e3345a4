"""Terse helpers to build small graphs through the projection's own `apply`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from graph import projection
from graph.types import Versioned


def at(seconds: float) -> datetime:
    """A fixed, readable point in time: `seconds` after 2024-01-01 UTC."""
    return datetime.fromtimestamp(1_704_067_200 + seconds, tz=UTC)


def apply_one(kind: str, ids: tuple[int, ...], version: int, state: Mapping[str, Any] | None) -> bool:
    """Apply one change of `kind`; True if it was applied, False if stale (or blocked)."""
    return projection.apply(projection.PROJECTIONS[kind], [Versioned(ids, version, state)]) == 1


def user_state(username: str, private: bool = False) -> dict[str, Any]:
    return {"username": username, "is_private": private}


def movie_state(title: str, year: int | None = 2000, genres=(), people=()) -> dict[str, Any]:
    """`people`: (person_id, name, role) triples, role ACTED_IN or DIRECTED."""
    return {
        "title": title,
        "year": year,
        "genres": list(genres),
        "people": [{"person_id": pid, "name": name, "role": role} for pid, name, role in people],
    }


def follow_state(since: float) -> dict[str, Any]:
    return {"since": at(since)}


def like_state(when: float) -> dict[str, Any]:
    return {"at": at(when)}


def rating_state(score: float, when: float) -> dict[str, Any]:
    return {"score": score, "at": at(when)}


def user(user_id: int, *, private: bool = False, version: int = 1) -> None:
    apply_one("user", (user_id,), version, user_state(f"user{user_id}", private))


def movie(movie_id: int, *genres: str, version: int = 1) -> None:
    apply_one("movie", (movie_id,), version, movie_state(f"movie{movie_id}", 2000, genres))


def follow(follower_id: int, followee_id: int, since: float = 0, version: int = 1) -> None:
    apply_one("follow", (follower_id, followee_id), version, follow_state(since))


def like(user_id: int, movie_id: int, when: float = 0, version: int = 1) -> None:
    apply_one("like", (user_id, movie_id), version, like_state(when))


def rate(user_id: int, movie_id: int, score: float, when: float = 0, version: int = 1) -> None:
    apply_one("rating", (user_id, movie_id), version, rating_state(score, when))
