"""Reads of users and profiles."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from backend.core.errors import NotFound
from backend.social.models import Follow, Like

User = get_user_model()


def _count(model, field: str):
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows), 0)


def public_profiles() -> QuerySet:
    """Active users with profile and counts, in one query."""
    return (
        User.objects.filter(is_active=True)
        .select_related("profile")
        .annotate(
            follower_count=_count(Follow, "followee"),
            following_count=_count(Follow, "follower"),
            like_count=_count(Like, "user"),
        )
    )


def public_profile(user_id: int):
    try:
        return public_profiles().get(pk=user_id)
    except User.DoesNotExist:
        raise NotFound("No such user.") from None


def active_user(user_id: int):
    try:
        return User.objects.select_related("profile").get(pk=user_id, is_active=True)
    except User.DoesNotExist:
        raise NotFound("No such user.") from None
