"""The privacy rule, the one place it is decided in Python and SQL.

A private profile's ratings and likes are visible to its owner and to the users it follows; a
public profile's to everyone. A block, made by either side, hides each from the other entirely:
their activity, and their presence in the other's lists (friends, reviews, feeds, suggestions,
connection paths). The graph applies the same rule in Cypher through the one predicate
`graph.privacy.activity_visible`, with the viewer's `hidden_user_ids` passed in from here (blocks
are read from Postgres, so a block holds at once, without waiting for a projection); tests hold
both to the same worlds.
"""

from __future__ import annotations

from django.db.models import Q

from backend.social.models import Block, Follow


def _signed_in(viewer) -> bool:
    return viewer is not None and viewer.is_authenticated


def is_blocked_between(a_id: int, b_id: int) -> bool:
    """Whether either user blocked the other."""
    return Block.objects.filter(Q(blocker_id=a_id, blocked_id=b_id) | Q(blocker_id=b_id, blocked_id=a_id)).exists()


def hidden_user_ids(viewer_id: int | None) -> list[int]:
    """The users a block hides from the viewer (blocked by them or blocking them), for the graph's
    `$hidden_ids`: one indexed query; [] for an anonymous viewer (None)."""
    if viewer_id is None:
        return []
    pairs = Block.objects.filter(Q(blocker_id=viewer_id) | Q(blocked_id=viewer_id)).values_list(
        "blocker_id", "blocked_id"
    )
    return sorted({uid for pair in pairs for uid in pair} - {viewer_id})


def can_see_activity(viewer, owner_id: int, owner_is_private: bool) -> bool:
    """Whether `viewer` (a user, anonymous, or None) may see owner's ratings and likes."""
    if _signed_in(viewer) and viewer.id != owner_id and is_blocked_between(viewer.id, owner_id):
        return False
    if not owner_is_private:
        return True
    if not _signed_in(viewer):
        return False
    return viewer.id == owner_id or Follow.objects.filter(follower_id=owner_id, followee_id=viewer.id).exists()


def can_see_list(viewer, film_list) -> bool:
    """A private list is its owner's alone; a public one is activity (can_see_activity).
    `film_list.owner.profile` should be loaded."""
    if _signed_in(viewer) and viewer.id == film_list.owner_id:
        return True
    return film_list.is_public and can_see_activity(viewer, film_list.owner_id, film_list.owner.profile.is_private)


def not_hidden(viewer, owner: str = "") -> Q:
    """A filter on users (or, with `owner="user__"`, on rows owned by a user) dropping the users a
    block hides from `viewer`."""
    if not _signed_in(viewer):
        return Q()
    return ~Q(**{f"{owner}id__in": Block.objects.filter(blocker_id=viewer.id).values("blocked_id")}) & ~Q(
        **{f"{owner}id__in": Block.objects.filter(blocked_id=viewer.id).values("blocker_id")}
    )


def visible_owners(viewer, owner: str = "") -> Q:
    """A filter on users (or, with `owner="user__"`, on rows owned by a user) keeping the owners
    whose activity `viewer` may see, in the same query."""
    public = Q(**{f"{owner}profile__is_private": False})
    if not _signed_in(viewer):
        return public
    return (
        public
        | Q(**{f"{owner}id": viewer.id})
        | Q(**{f"{owner}id__in": Follow.objects.filter(followee_id=viewer.id).values("follower_id")})
    ) & not_hidden(viewer, owner)
