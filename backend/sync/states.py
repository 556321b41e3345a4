"""The JSON state of each aggregate as events carry it: the full state, so applying the newest
version alone yields the right projection, whatever arrived before it."""

from __future__ import annotations

from backend.catalog.models import Credit, Movie
from backend.social.models import Follow, Like, Rating

DIRECTOR_JOB = "Director"


def user_key(user_id: int) -> str:
    return str(user_id)


def pair_key(first_id: int, second_id: int) -> str:
    return f"{first_id}:{second_id}"


def user_state(user) -> dict:
    # Accounts made outside register_user (createsuperuser, bulk loads) have no profile: public.
    profile = getattr(user, "profile", None)
    return {"username": user.username, "is_private": bool(profile and profile.is_private)}


def movie_state(movie: Movie) -> dict:
    """Needs `genres` and `credits__person` loaded (prefetched or fresh)."""
    people = []
    for credit in movie.credits.all():
        if credit.kind == Credit.CAST:
            people.append({"person_id": credit.person_id, "name": credit.person.name, "role": "ACTED_IN"})
        elif credit.job == DIRECTOR_JOB:
            people.append({"person_id": credit.person_id, "name": credit.person.name, "role": "DIRECTED"})
    return {
        "title": movie.title,
        "year": movie.year,
        "genres": sorted(genre.name for genre in movie.genres.all()),
        "people": people,
        "overview": movie.overview,
        "language": movie.original_language,
        "rank_score": round(movie.rank_score, 4),
    }


def follow_state(follow: Follow) -> dict:
    return {"since": follow.created_at.isoformat()}


def like_state(like: Like) -> dict:
    return {"at": like.created_at.isoformat()}


def rating_state(rating: Rating) -> dict:
    return {"score": float(rating.score), "at": rating.updated_at.isoformat()}
