"""The privacy rule, the one place it is decided in Python and SQL.

A private profile's ratings and likes are visible to its owner and to the users it follows; a
public profile's to everyone. The graph applies the same rule in Cypher through the one predicate
`graph.privacy.activity_visible` (graph/ holds all Cypher); tests hold both to the same worlds.
"""

from __future__ import annotations

from django.db.models import Q

from backend.social.models import Follow


def can_see_activity(viewer, owner_id: int, owner_is_private: bool) -> bool:
    """Whether `viewer` (a user, anonymous, or None) may see owner's ratings and likes."""
    if not owner_is_private:
        return True
    if viewer is None or not viewer.is_authenticated:
        return False
    return viewer.id == owner_id or Follow.objects.filter(follower_id=owner_id, followee_id=viewer.id).exists()


def visible_owners(viewer, owner: str = "") -> Q:
    """A filter on users (or, with `owner="user__"`, on rows owned by a user) keeping the owners
    whose activity `viewer` may see, in the same query."""
    public = Q(**{f"{owner}profile__is_private": False})
    if viewer is None or not viewer.is_authenticated:
        return public
    return (
        public
        | Q(**{f"{owner}id": viewer.id})
        | Q(**{f"{owner}id__in": Follow.objects.filter(followee_id=viewer.id).values("follower_id")})
    )
