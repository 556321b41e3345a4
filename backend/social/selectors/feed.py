"""The activity feed: what the people the viewer follows did, newest first, bursts collapsed.

A query on read over the indexed activity log, not a fan-out table: one keyset-paginated query
(actor IN followees, (created_at, id) < cursor) that Postgres answers from the index on
(actor, -created_at, -id), so the privacy and block rules apply at read time, an unfollow or a
block takes effect at once, and a write costs one row instead of one per follower.
bench/bench_feed.py measures it for a user following 500 people.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, Subquery

from backend.catalog.models import Genre
from backend.catalog.selectors import UNSHOWN_SEARCH_FIELDS
from backend.core.errors import ApplicationError
from backend.social.models import Activity, Follow, Rating
from backend.social.privacy import visible_owners

# Consecutive actions of one person with one verb this close together read as one ("Ada rated 12
# films"); the item shows the first few of them.
BURST_WINDOW = timedelta(hours=1)
BURST_SHOWN = 3
# A page reads at most this many raw actions per item asked for, so a long burst cannot make a page
# unbounded; what it does not reach comes with the next page.
RAW_PER_ITEM = 5


@dataclass
class FeedItem:
    actor_id: int
    verb: str
    at: datetime
    activity_ids: list[int] = field(default_factory=list)
    # The first BURST_SHOWN activities, loaded (actor, movie, list, target user, score).
    activities: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.activity_ids)

    @property
    def actor(self) -> Any:
        return self.activities[0].actor


def encode_cursor(at: datetime, activity_id: int) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{activity_id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        at, activity_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.fromisoformat(at), int(activity_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApplicationError("Invalid cursor.", fields={"cursor": ["Not a cursor this feed gave."]}) from None


def feed_activity_ids(viewer):
    """(id, actor_id, verb, created_at) of the activities the viewer's feed shows, newest first: a
    narrow query answered from the activity indexes; `_hydrate` loads the shown rows afterwards, so
    the joins and the score run for what a page shows only."""
    followed = Follow.objects.filter(follower_id=viewer.id).values("followee_id")
    return (
        Activity.objects.filter(visible_owners(viewer, "actor__"), actor_id__in=followed)
        # A film put on a private list is not news for anyone else.
        .filter(Q(film_list__isnull=True) | Q(film_list__is_public=True))
        .order_by("-created_at", "-id")
        .values_list("id", "actor_id", "verb", "created_at")
    )


def _hydrate(activity_ids: list[int]) -> list[Activity]:
    score = Rating.objects.filter(user_id=OuterRef("actor_id"), movie_id=OuterRef("movie_id")).values("score")[:1]
    found = (
        Activity.objects.select_related("actor__profile", "movie", "target_user__profile", "film_list")
        .defer(*(f"movie__{name}" for name in UNSHOWN_SEARCH_FIELDS))
        .prefetch_related(Prefetch("movie__genres", queryset=Genre.objects.all()))
        .annotate(score=Subquery(score))
        .in_bulk(activity_ids)
    )
    return [found[i] for i in activity_ids if i in found]


def feed(viewer, *, limit: int, cursor: str | None) -> tuple[list[FeedItem], str | None]:
    """Up to `limit` feed items older than `cursor` (None: the newest), and the cursor of the next
    page (None at the end). Keyset pagination: items inserted meanwhile never shift a page."""
    rows = feed_activity_ids(viewer)
    if cursor:
        at, activity_id = decode_cursor(cursor)
        rows = rows.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=activity_id))
    raw_limit = limit * RAW_PER_ITEM
    # Collapse on the narrow rows; load only what the page shows.
    narrow = list(rows[: raw_limit + 1])
    more = len(narrow) > raw_limit
    narrow = narrow[:raw_limit]
    items: list[FeedItem] = []
    consumed = 0
    for activity_id, actor_id, verb, at in narrow:
        last = items[-1] if items else None
        if last is not None and (last.actor_id, last.verb) == (actor_id, verb) and last.at - at <= BURST_WINDOW:
            last.activity_ids.append(activity_id)
        elif len(items) == limit:
            more = True
            break
        else:
            items.append(FeedItem(actor_id=actor_id, verb=verb, at=at, activity_ids=[activity_id]))
        consumed += 1
    loaded = {a.id: a for a in _hydrate([i for item in items for i in item.activity_ids[:BURST_SHOWN]])}
    for item in items:
        item.activities = [loaded[i] for i in item.activity_ids[:BURST_SHOWN] if i in loaded]
    items = [item for item in items if item.activities]  # an activity undone between the two reads
    next_cursor = encode_cursor(narrow[consumed - 1][3], narrow[consumed - 1][0]) if more and consumed else None
    return items, next_cursor
