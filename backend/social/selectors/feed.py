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

from django.db import connection
from django.db.models import Q
from rest_framework.fields import DecimalField

from backend.catalog.rows import MOVIE_ROW_SELECT, movie_row
from backend.core.errors import ApplicationError
from backend.core.sql import int_array
from backend.social.models import Activity, Follow
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
    # The first BURST_SHOWN activities as FeedSubjectSerializer renders them (plain values).
    subjects: list[dict[str, Any]] = field(default_factory=list)
    # The actor as UserSummarySerializer renders it.
    actor: dict[str, Any] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.activity_ids)


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
    narrow query answered from the activity indexes; `_hydrate` reads the shown rows afterwards, so
    the joins and the score run for what a page shows only."""
    followed = Follow.objects.filter(follower_id=viewer.id).values("followee_id")
    return (
        Activity.objects.filter(visible_owners(viewer, "actor__"), actor_id__in=followed)
        # A film put on a private list is not news for anyone else.
        .filter(Q(film_list__isnull=True) | Q(film_list__is_public=True))
        .order_by("-created_at", "-id")
        .values_list("id", "actor_id", "verb", "created_at")
    )


# The shown activities with all a subject shows, in one query over their ids: the actor, the film's
# row (backend.catalog.rows), the actor's score of it, the list and the followed user.
_SUBJECTS = f"""
    SELECT a.id, a.actor_id, actor.username, actor_profile.display_name,
           a.review_id, a.film_list_id, fl.name, a.target_user_id, target.username, target_profile.display_name,
           (SELECT r.score FROM social_rating r WHERE r.user_id = a.actor_id AND r.movie_id = a.movie_id LIMIT 1),
           a.movie_id, {MOVIE_ROW_SELECT}
    FROM social_activity a
    JOIN auth_user actor ON actor.id = a.actor_id
    LEFT JOIN accounts_profile actor_profile ON actor_profile.user_id = a.actor_id
    LEFT JOIN social_filmlist fl ON fl.id = a.film_list_id
    LEFT JOIN auth_user target ON target.id = a.target_user_id
    LEFT JOIN accounts_profile target_profile ON target_profile.user_id = a.target_user_id
    LEFT JOIN catalog_movie m ON m.id = a.movie_id
    WHERE a.id = ANY(%s::bigint[])
"""
# DRF's own rendering of a score, so a subject shows it as FeedSubjectSerializer does ("4.0").
_SCORE = DecimalField(max_digits=2, decimal_places=1, allow_null=True)


def _user(user_id: int, username: str, display_name: str) -> dict[str, Any]:
    return {"id": user_id, "username": username, "display_name": display_name}


def _hydrate(activity_ids: list[int]) -> dict[int, tuple[dict[str, Any], dict[str, Any]]]:
    """(actor, subject) of each activity still there, by id, in one query."""
    if not activity_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_SUBJECTS, [int_array(activity_ids)])
        rows = cursor.fetchall()
    found = {}
    for row in rows:
        (activity_id, actor_id, actor_name, actor_display, review_id, list_id, list_name, target_id, target_name,
         target_display, score, movie_id) = row[:12]  # fmt: skip
        subject = {
            "movie": movie_row(row[12:]) if movie_id is not None else None,
            "score": _SCORE.to_representation(score) if score is not None else None,
            "review_id": review_id,
            "list": {"id": list_id, "name": list_name} if list_id is not None else None,
            "user": _user(target_id, target_name, target_display) if target_id is not None else None,
        }
        found[activity_id] = (_user(actor_id, actor_name, actor_display), subject)
    return found


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
    loaded = _hydrate([i for item in items for i in item.activity_ids[:BURST_SHOWN]])
    for item in items:
        shown = [loaded[i] for i in item.activity_ids[:BURST_SHOWN] if i in loaded]
        if shown:
            item.actor = shown[0][0]
            item.subjects = [subject for _, subject in shown]
    items = [item for item in items if item.subjects]  # an activity undone between the two reads
    next_cursor = encode_cursor(narrow[consumed - 1][3], narrow[consumed - 1][0]) if more and consumed else None
    return items, next_cursor
