"""The recommender's own writes: hiding a film ("not interested") and favourite genres.

Postgres only: nothing here is projected, so no outbox event. The next recommendation request
reads the change (its cache key is the user's state)."""

from __future__ import annotations

from django.db import IntegrityError

from backend.catalog.models import Genre, Movie
from backend.core.errors import ApplicationError, NotFound
from backend.core.transactions import service_transaction
from backend.recommendations.models import FavouriteGenre, HiddenMovie


def movie_hide(user, movie_id: int) -> tuple[HiddenMovie, bool]:
    """Hide a film from the user's recommendations; repeating it is harmless. Returns (row, created)."""
    with service_transaction():
        if not Movie.objects.filter(id=movie_id).exists():
            raise NotFound("No such movie.")
        try:
            return HiddenMovie.objects.get_or_create(user=user, movie_id=movie_id)
        except IntegrityError:
            raise NotFound("No such movie.") from None


def movie_unhide(user, movie_id: int) -> None:
    with service_transaction():
        if not Movie.objects.filter(id=movie_id).exists():
            raise NotFound("No such movie.")
        HiddenMovie.objects.filter(user=user, movie_id=movie_id).delete()


def preferences_set(user, favourite_genres: list[str]) -> list[str]:
    """Replace the user's favourite genres; unknown names are a 400 naming them."""
    wanted = sorted(set(favourite_genres))
    with service_transaction():
        genres = {g.name: g for g in Genre.objects.filter(name__in=wanted)}
        unknown = [name for name in wanted if name not in genres]
        if unknown:
            raise ApplicationError(
                "Unknown genres.", fields={"favourite_genres": [f"Unknown genre: {n}" for n in unknown]}
            )
        FavouriteGenre.objects.filter(user=user).exclude(genre__name__in=wanted).delete()
        FavouriteGenre.objects.bulk_create(
            [FavouriteGenre(user=user, genre=genres[name]) for name in wanted], ignore_conflicts=True
        )
    return wanted


def preferences_get(user) -> list[str]:
    return sorted(FavouriteGenre.objects.filter(user=user).values_list("genre__name", flat=True))
