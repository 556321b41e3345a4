"""The activity log the feed reads: each write service records what it did here, inside its own
transaction, and removes it when the action is undone (an unlike, an unfollow)."""

from __future__ import annotations

from backend.social.models import Activity


def activity_record(actor_id: int, verb: str, **subject) -> None:
    """Record that `actor_id` did `verb` (Activity.VERBS) to the subject (movie_id, target_user_id,
    film_list_id, review_id)."""
    Activity.objects.create(actor_id=actor_id, verb=verb, **subject)


def activity_remove(actor_id: int, verb: str, **subject) -> None:
    Activity.objects.filter(actor_id=actor_id, verb=verb, **subject).delete()
