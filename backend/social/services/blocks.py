"""Blocking: a block hides two users from each other (backend.social.privacy) and removes the
follows between them, each removal recorded like an unfollow. Repeating a write is harmless."""

from __future__ import annotations

from django.db import IntegrityError
from django.db.models import Q

from backend.core.errors import ApplicationError, NotFound
from backend.core.transactions import service_transaction
from backend.social.models import Activity, Block, Follow, FollowRequest
from backend.social.services import _require_user
from backend.sync.outbox import aggregate_key, record_changes


def block_user(blocker, blocked_id: int) -> tuple[Block, bool]:
    """Block a user and remove the follows both ways; returns (block, created)."""
    if blocker.id == blocked_id:
        raise ApplicationError("You cannot block yourself.", code="self_block")
    with service_transaction():
        _require_user(blocked_id)
        try:
            block, created = Block.objects.get_or_create(blocker=blocker, blocked_id=blocked_id)
        except IntegrityError:  # the user was deleted between the check and the insert
            raise NotFound("No such user.") from None
        between = Follow.objects.filter(
            Q(follower_id=blocker.id, followee_id=blocked_id) | Q(follower_id=blocked_id, followee_id=blocker.id)
        )
        removed = list(between.values_list("follower_id", "followee_id"))
        if removed:
            between.delete()
            Activity.objects.filter(
                Q(actor_id=blocker.id, target_user_id=blocked_id) | Q(actor_id=blocked_id, target_user_id=blocker.id),
                verb=Activity.FOLLOWED,
            ).delete()
            record_changes("follow", [aggregate_key(a, b) for a, b in removed], "follow.deleted")
        _after_block(blocker.id, blocked_id)
        return block, created


def unblock_user(blocker, blocked_id: int) -> None:
    """Lift a block; the follows it removed stay removed."""
    with service_transaction():
        _require_user(blocked_id)
        Block.objects.filter(blocker=blocker, blocked_id=blocked_id).delete()


def _after_block(blocker_id: int, blocked_id: int) -> None:
    """What else a block clears between the two users: pending follow requests."""
    FollowRequest.objects.filter(
        Q(requester_id=blocker_id, target_id=blocked_id) | Q(requester_id=blocked_id, target_id=blocker_id)
    ).delete()
