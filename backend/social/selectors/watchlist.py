"""Reads of watchlists: the user's own, and which visible friends want to watch a film."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from backend.catalog.models import Movie
from backend.catalog.selectors import movie_list
from backend.social.models import Follow, WatchlistEntry
from backend.social.privacy import visible_owners

User = get_user_model()

FRIENDS_WATCHLISTED_LIMIT = 100


def is_watchlisted(user, movie_id: int) -> bool:
    return WatchlistEntry.objects.filter(user_id=user.id, movie_id=movie_id).exists()


def watchlist_movies(user) -> QuerySet[Movie]:
    """The user's watchlisted movies as catalogue rows with `added_at`, newest first; the
    catalogue's filters and ordering apply to it (backend.social.filters.WatchlistFilter)."""
    entries = WatchlistEntry.objects.filter(user_id=user.id, movie_id=OuterRef("pk"))
    return (
        movie_list()
        .filter(Exists(entries))
        .annotate(added_at=Subquery(entries.values("created_at")[:1]))
        .order_by("-added_at", "id")
    )


def friends_watchlisted(viewer, movie_id: int) -> QuerySet:
    """People the viewer follows, whose activity the viewer may see, with this film on their
    watchlist: users with profile and `added_at`, most recent first, at most
    FRIENDS_WATCHLISTED_LIMIT."""
    entries = WatchlistEntry.objects.filter(movie_id=movie_id, user_id=OuterRef("pk"))
    followed = Follow.objects.filter(follower_id=viewer.id).values("followee_id")
    return (
        User.objects.filter(visible_owners(viewer), id__in=followed, is_active=True)
        .filter(Exists(entries))
        .select_related("profile")
        .annotate(added_at=Subquery(entries.values("created_at")[:1]))
        .order_by("-added_at", "id")[:FRIENDS_WATCHLISTED_LIMIT]
    )
