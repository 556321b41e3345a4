"""Reads of ratings, likes and follows, with the privacy rule in one place."""

from __future__ import annotations

from django.db.models import QuerySet

from backend.social.models import Follow, Like, Rating


def can_see_activity(viewer, owner_id: int, owner_is_private: bool) -> bool:
    """A private profile's ratings and likes are visible to its owner and to users it follows."""
    if not owner_is_private:
        return True
    if viewer is None or not viewer.is_authenticated:
        return False
    return viewer.id == owner_id or Follow.objects.filter(follower_id=owner_id, followee_id=viewer.id).exists()


def ratings_of(user_id: int) -> QuerySet[Rating]:
    return Rating.objects.filter(user_id=user_id).select_related("movie").order_by("-updated_at", "-id")


def likes_of(user_id: int) -> QuerySet[Like]:
    return Like.objects.filter(user_id=user_id).select_related("movie").order_by("-created_at", "-id")


def followers_of(user_id: int) -> QuerySet[Follow]:
    return Follow.objects.filter(followee_id=user_id).select_related("follower__profile").order_by("-created_at", "-id")


def following_of(user_id: int) -> QuerySet[Follow]:
    return Follow.objects.filter(follower_id=user_id).select_related("followee__profile").order_by("-created_at", "-id")
