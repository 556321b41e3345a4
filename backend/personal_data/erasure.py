"""Leaving: an account and everything that is theirs erased from every store.

Postgres rows go in one transaction with the user's `user.deleted` outbox event. The graph follows
through the outbox like any write: the user node's delete is a DETACH DELETE (every FOLLOWS, LIKES
and RATED edge goes with it) and leaves a tombstone keyed "user:<id>" that refuses any older edge
event still in flight, so no edge comes back. No vector is per user. The movies they rated are
queued for the ranking recompute. Afterwards `redact_erased_outbox` purges the outbox events about
them once delivered (the user's own events are kept as version history with their state removed).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from backend.accounts.services import revoke_refresh_tokens
from backend.catalog import rankings
from backend.core import jobs
from backend.core.errors import ApplicationError
from backend.core.transactions import service_transaction
from backend.personal_data.models import Erasure
from backend.personal_data.owned import OWNED, USER_KIND
from backend.social.models import Rating
from backend.sync.models import Delivery, OutboxEvent
from backend.sync.outbox import aggregate_key, record_change

User = get_user_model()

# Seconds after the erasure before the first redaction pass: time for the deliveries to land.
REDACT_AFTER_SECONDS = 5


def erase_account(user, *, password: str) -> Erasure:
    """Erase the account once its current password is given; a wrong one raises and changes nothing.

    Concurrent writes: the user row is locked first, so a follower's follow of them either commits
    before (and is erased with the rest) or fails after (the row is gone: 404). Writes of others
    that touch only their own rows are untouched.
    """
    if not user.check_password(password):
        raise ApplicationError("Password rejected.", fields={"password": ["The password is wrong."]})
    with service_transaction():
        locked = User.objects.select_for_update().get(pk=user.pk)
        user_id = locked.pk
        rated_movie_ids = list(Rating.objects.filter(user_id=user_id).values_list("movie_id", flat=True))
        revoke_refresh_tokens(user_id)
        for owned in OWNED:
            owned.model._default_manager.filter(owned.rows_of(user_id)).delete()
        locked.delete()  # the profile, exports and the rest of the account cascade with it
        rankings.mark_stale_many(rated_movie_ids)
        # The state is read now: the row is gone, so the event is the user's delete.
        record_change(USER_KIND, aggregate_key(user_id), "user.deleted")
        erasure = Erasure.objects.create(user_id=user_id)
        transaction.on_commit(
            lambda: jobs.enqueue("personal_data.redact_erased_outbox", countdown=REDACT_AFTER_SECONDS)
        )
    return erasure


def _edge_keys_of(user_id: int) -> tuple[str, dict[str, str | None]]:
    """A SQL condition on (kind, key) matching the aggregates of OWNED kinds that hold the user, and
    its parameters. The kinds and positions are constants; the id is a parameter."""
    conditions = []
    params: dict[str, str | None] = {"key": str(user_id)}
    for index, owned in enumerate(OWNED):
        params[f"kind_{index}"] = owned.kind
        for position in owned.key_positions:
            conditions.append(f"(kind = %(kind_{index})s AND split_part(key, ':', {position + 1}) = %(key)s)")
    return "(" + (" OR ".join(conditions) or "false") + ")", params


def _events_about(user_id: int) -> list[tuple[int, str]]:
    """(id, kind) of every outbox event whose aggregate key holds the user: one scan of the outbox."""
    edges, params = _edge_keys_of(user_id)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, kind FROM sync_outboxevent WHERE (kind = %(user_kind)s AND key = %(key)s) OR {edges}",
            {**params, "user_kind": USER_KIND},
        )
        return list(cursor.fetchall())


def _forget_edge_versions(user_id: int) -> None:
    edges, params = _edge_keys_of(user_id)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM sync_aggregateversion WHERE {edges}", params)


def redact_erased_outbox() -> int:
    """Purge the delivered outbox events about erased accounts; returns how many accounts finished.

    An event still pending delivery is left for the next pass (beat runs this periodically): its
    state must reach the projection first. Edge events (ratings, likes, follows) are deleted with
    their deliveries, then the aggregate versions of those keys; the user's own events keep their
    version but lose their state (the username). Idempotent.
    """
    finished = 0
    for erasure in Erasure.objects.filter(outbox_redacted_at__isnull=True).order_by("id"):
        with transaction.atomic():
            events = _events_about(erasure.user_id)
            pending = set(
                Delivery.objects.filter(
                    event_id__in=[event_id for event_id, _ in events], status=Delivery.PENDING
                ).values_list("event_id", flat=True)
            )
            settled = [(event_id, kind) for event_id, kind in events if event_id not in pending]
            OutboxEvent.objects.filter(id__in=[i for i, kind in settled if kind == USER_KIND]).update(payload=None)
            edge_ids = [i for i, kind in settled if kind != USER_KIND]
            Delivery.objects.filter(event_id__in=edge_ids).delete()
            OutboxEvent.objects.filter(id__in=edge_ids).delete()
            if pending:
                continue
            _forget_edge_versions(erasure.user_id)
            Erasure.objects.filter(id=erasure.id).update(outbox_redacted_at=timezone.now())
            finished += 1
    return finished
