"""Reads of users and their profiles."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from backend.core.errors import NotFound

User = get_user_model()


def active_user(user_id: int):
    try:
        return User.objects.select_related("profile").get(pk=user_id, is_active=True)
    except User.DoesNotExist:
        raise NotFound("No such user.") from None
