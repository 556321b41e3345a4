"""Reads of ratings, likes and follows, and of what a viewer may see of them (backend.social.privacy)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from backend.catalog.models import Movie
from backend.catalog.selectors import movie_detail
from backend.core.errors import NotFound
from backend.social.models import Follow, FollowRequest, Like, Rating, WatchlistEntry
from backend.social.privacy import can_see_activity

User = get_user_model()


def _count(model, field: str):
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows), 0)


def public_profile(user_id: int, viewer):
    """An active user with profile and counts, in one query; `like_count` is None when the viewer
    may not see the user's activity."""
    profiles = (
        User.objects.filter(is_active=True)
        .select_related("profile")
        .annotate(
            follower_count=_count(Follow, "followee"),
            following_count=_count(Follow, "follower"),
            like_count=_count(Like, "user"),
        )
    )
    try:
        user = profiles.get(pk=user_id)
    except User.DoesNotExist:
        raise NotFound("No such user.") from None
    if not can_see_activity(viewer, user.id, user.profile.is_private):
        user.like_count = None
    return user


def movie_detail_for(movie_id: int, viewer) -> Movie:
    """The catalog's movie detail with, for a signed-in viewer, their own rating and like."""
    movie = movie_detail(movie_id)
    if viewer is not None and viewer.is_authenticated:
        movie.viewer_ratings = list(Rating.objects.filter(user=viewer, movie_id=movie_id))  # type: ignore[attr-defined]
        movie.viewer_likes = list(Like.objects.filter(user=viewer, movie_id=movie_id))  # type: ignore[attr-defined]
    return movie


def viewer_activity(movie_id: int, viewer) -> dict:
    """The signed-in viewer's own rating (None: not rated) and like of the movie, in one query."""
    row = (
        User.objects.filter(id=viewer.id)
        .annotate(
            rating=Subquery(Rating.objects.filter(user=OuterRef("pk"), movie_id=movie_id).values("score")[:1]),
            liked=Exists(Like.objects.filter(user=OuterRef("pk"), movie_id=movie_id)),
        )
        .values("rating", "liked")
        .first()
    )
    return {"rating": None, "liked": False} if row is None else dict(row)


def require_movie(movie_id: int) -> None:
    if not Movie.objects.filter(id=movie_id).exists():
        raise NotFound("No such movie.")


def ratings_of(user_id: int) -> QuerySet[Rating]:
    return Rating.objects.filter(user_id=user_id).select_related("movie").order_by("-updated_at", "-id")


def likes_of(user_id: int) -> QuerySet[Like]:
    return Like.objects.filter(user_id=user_id).select_related("movie").order_by("-created_at", "-id")


def followers_of(user_id: int) -> QuerySet[Follow]:
    return Follow.objects.filter(followee_id=user_id).select_related("follower__profile").order_by("-created_at", "-id")


def following_of(user_id: int) -> QuerySet[Follow]:
    return Follow.objects.filter(follower_id=user_id).select_related("followee__profile").order_by("-created_at", "-id")


def watchlisted_movie_ids(user) -> set[int]:
    """The films on the user's watchlist: recommendations never offer them as new."""
    return set(WatchlistEntry.objects.filter(user_id=user.id).values_list("movie_id", flat=True))


def follow_requests_to(user) -> QuerySet[FollowRequest]:
    return (
        FollowRequest.objects.filter(target_id=user.id)
        .select_related("requester__profile")
        .order_by("-created_at", "-id")
    )
