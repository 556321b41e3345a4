"""What belongs to a person, declared once: each row kind that holds a user, the fields that hold
them, and where their id sits in the kind's outbox key. Erasure deletes these rows and redacts
these events; the social features' watchlist, reviews and lists join this list when they land."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model, Q

from backend.social.models import Follow, Like, Rating


@dataclass(frozen=True)
class Owned:
    # The outbox kind of these rows (their events are redacted), or None if they record none.
    kind: str | None
    model: type[Model]
    # The foreign keys to the user: a row is the person's if any of them is theirs.
    user_fields: tuple[str, ...]
    # Positions of those ids in the kind's aggregate key ("12:5": position 0 is the user).
    key_positions: tuple[int, ...]

    def rows_of(self, user_id: int) -> Q:
        condition = Q()
        for name in self.user_fields:
            condition |= Q(**{f"{name}_id": user_id})
        return condition


OWNED: tuple[Owned, ...] = (
    Owned("rating", Rating, ("user",), (0,)),
    Owned("like", Like, ("user",), (0,)),
    # Both ways: whom they follow and who follows them.
    Owned("follow", Follow, ("follower", "followee"), (0, 1)),
)

# The user aggregate itself: its key is the id.
USER_KIND = "user"
