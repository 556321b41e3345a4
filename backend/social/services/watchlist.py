"""The watchlist: films a user wants to watch. Postgres only (no projection reads it), so these
writes record no outbox event. Repeating a write is harmless."""

from __future__ import annotations

from django.db import IntegrityError

from backend.core.errors import NotFound
from backend.core.transactions import service_transaction
from backend.social.models import WatchlistEntry
from backend.social.services import _require_movie


def watchlist_add(user, movie_id: int) -> tuple[WatchlistEntry, bool]:
    """Put a film on the user's watchlist; returns (entry, created)."""
    with service_transaction():
        _require_movie(movie_id)
        try:
            return WatchlistEntry.objects.get_or_create(user=user, movie_id=movie_id)
        except IntegrityError:  # the movie was deleted between the check and the insert
            raise NotFound("No such movie.") from None


def watchlist_remove(user, movie_id: int) -> None:
    with service_transaction():
        _require_movie(movie_id)
        WatchlistEntry.objects.filter(user=user, movie_id=movie_id).delete()
