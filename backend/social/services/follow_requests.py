"""Following through the API: a public profile is followed at once, a private one gets a request
its owner approves (which makes the follow) or declines. Repeating a write is harmless."""

from __future__ import annotations

from enum import Enum

from django.contrib.auth import get_user_model
from django.db import IntegrityError

from backend.core.errors import ApplicationError, Forbidden, NotFound
from backend.core.transactions import service_transaction
from backend.social.models import Follow, FollowRequest, Notification
from backend.social.privacy import is_blocked_between
from backend.social.services import follow_user, unfollow_user
from backend.social.services.notifications import notify

User = get_user_model()


class FollowOutcome(Enum):
    FOLLOWED = "followed"  # a new follow
    ALREADY_FOLLOWING = "already_following"
    REQUESTED = "requested"  # a private profile: a request, new or pending


def follow_or_request(follower, followee_id: int) -> FollowOutcome:
    if follower.id == followee_id:
        raise ApplicationError("You cannot follow yourself.", code="self_follow")
    with service_transaction():
        try:
            followee = User.objects.select_related("profile").get(id=followee_id, is_active=True)
        except User.DoesNotExist:
            raise NotFound("No such user.") from None
        if is_blocked_between(follower.id, followee_id):
            raise Forbidden("You cannot follow this user.", code="blocked")
        if Follow.objects.filter(follower=follower, followee_id=followee_id).exists():
            return FollowOutcome.ALREADY_FOLLOWING
        if not followee.profile.is_private:
            follow_user(follower, followee_id)
            notify(followee_id, follower.id, Notification.NEW_FOLLOWER)
            return FollowOutcome.FOLLOWED
        try:
            _, created = FollowRequest.objects.get_or_create(requester=follower, target_id=followee_id)
        except IntegrityError:
            raise NotFound("No such user.") from None
        if created:
            _on_requested(follower.id, followee_id)
        return FollowOutcome.REQUESTED


def unfollow_or_cancel(follower, followee_id: int) -> None:
    """Unfollow, and withdraw a pending request."""
    with service_transaction():
        unfollow_user(follower, followee_id)
        FollowRequest.objects.filter(requester=follower, target_id=followee_id).delete()


def follow_request_approve(owner, requester_id: int) -> None:
    """Approve the pending request of `requester_id` to follow `owner`: the follow is made."""
    with service_transaction():
        deleted, _ = FollowRequest.objects.filter(requester_id=requester_id, target=owner).delete()
        if not deleted:
            raise NotFound("No such follow request.")
        requester = User.objects.get(id=requester_id)
        follow_user(requester, owner.id)
        _on_approved(owner.id, requester_id)


def follow_request_decline(owner, requester_id: int) -> None:
    with service_transaction():
        deleted, _ = FollowRequest.objects.filter(requester_id=requester_id, target=owner).delete()
        if not deleted:
            raise NotFound("No such follow request.")


def _on_requested(requester_id: int, target_id: int) -> None:
    notify(target_id, requester_id, Notification.FOLLOW_REQUEST)


def _on_approved(owner_id: int, requester_id: int) -> None:
    notify(requester_id, owner_id, Notification.FOLLOW_APPROVED)
