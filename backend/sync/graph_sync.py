"""Applies outbox events to the graph projection.

Ordering: every event carries its aggregate's full state and version; `graph.projection` applies it
only when that version is newer than the one stored beside the data (with tombstones for deletes),
in the same graph transaction. So duplicates and reorderings end in the newest state.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from backend.sync import delivery as deliveries
from backend.sync.models import Delivery, OutboxEvent
from graph import projection
from graph.errors import GraphRejected, GraphUnavailable
from graph.types import FollowState, LikeState, MoviePerson, MovieState, RatingState, UserState


def _pair(key: str) -> tuple[int, int]:
    first, second = key.split(":")
    return int(first), int(second)


def _user(event: OutboxEvent) -> None:
    state = event.payload and UserState(username=event.payload["username"], is_private=event.payload["is_private"])
    projection.apply_user(int(event.key), event.version, state)


def movie_state_from_payload(payload: dict) -> MovieState:
    people = tuple(MoviePerson(person_id=p["person_id"], name=p["name"], role=p["role"]) for p in payload["people"])
    return MovieState(title=payload["title"], year=payload["year"], genres=tuple(payload["genres"]), people=people)


def _movie(event: OutboxEvent) -> None:
    state = event.payload and movie_state_from_payload(event.payload)
    projection.apply_movie(int(event.key), event.version, state)


def _follow(event: OutboxEvent) -> None:
    state = event.payload and FollowState(since=datetime.fromisoformat(event.payload["since"]))
    projection.apply_follow(*_pair(event.key), event.version, state)


def _like(event: OutboxEvent) -> None:
    state = event.payload and LikeState(at=datetime.fromisoformat(event.payload["at"]))
    projection.apply_like(*_pair(event.key), event.version, state)


def _rating(event: OutboxEvent) -> None:
    state = event.payload and RatingState(score=event.payload["score"], at=datetime.fromisoformat(event.payload["at"]))
    projection.apply_rating(*_pair(event.key), event.version, state)


APPLY_BY_KIND = {"user": _user, "movie": _movie, "follow": _follow, "like": _like, "rating": _rating}


def apply_graph_events(event_ids: list[int]) -> int:
    """Apply the due graph deliveries of these events; returns how many were applied.

    Each delivery row stays locked while its event is applied, so two workers never apply the same
    one at once; a crash rolls the row back to pending and the idempotent apply runs again.
    """
    applied = 0
    with transaction.atomic():
        claimed = deliveries.claim(deliveries.due(Delivery.GRAPH).filter(event_id__in=event_ids), len(event_ids))
        stale = deliveries.superseded([d.event for d in claimed])
        done = [d for d in claimed if d.event_id in stale]
        for index, delivery in enumerate(claimed):
            if delivery.event_id in stale:
                continue
            try:
                APPLY_BY_KIND[delivery.event.kind](delivery.event)
            except GraphUnavailable as error:
                # The store is down: everything not yet applied in this batch waits for it.
                waiting = [d for d in claimed[index:] if d.event_id not in stale]
                deliveries.mark_retry(waiting, error)
                break
            except (GraphRejected, KeyError, TypeError, ValueError) as error:
                deliveries.mark_failed(delivery, error)
            else:
                done.append(delivery)
                applied += 1
        deliveries.mark_done(done)
    return applied
