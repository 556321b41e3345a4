"""Reads of a user's notifications; those from a user a block hides are left out."""

from __future__ import annotations

from django.db.models import QuerySet

from backend.social.models import Notification
from backend.social.privacy import not_hidden


def notifications_of(user) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(not_hidden(user, "actor__"), recipient_id=user.id)
        .select_related("actor__profile", "review")
        .order_by("-created_at", "-id")
    )


def unread_count(user) -> int:
    return notifications_of(user).filter(read_at__isnull=True).count()
