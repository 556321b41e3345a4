"""Notifications: written by the services whose events they announce, in the same transaction;
read and marked read by their recipient."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from backend.core.transactions import service_transaction
from backend.social.models import Notification


def notify(recipient_id: int, actor_id: int, kind: str, *, review_id: int | None = None) -> None:
    """Tell `recipient_id` that `actor_id` did `kind` (Notification.KINDS); nothing for oneself."""
    if recipient_id != actor_id:
        Notification.objects.create(recipient_id=recipient_id, actor_id=actor_id, kind=kind, review_id=review_id)


def notifications_mark_read(user, ids: Sequence[int] | None) -> int:
    """Mark the user's notifications read: those in `ids` (others' ids are ignored), or all of them
    for None. Returns how many changed; repeating it changes nothing."""
    with service_transaction():
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
        if ids is not None:
            unread = unread.filter(id__in=list(ids))
        return unread.update(read_at=timezone.now())
