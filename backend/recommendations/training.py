"""Training the collaborative model from Postgres and storing its neighbour lists in Postgres.

Every rating and every like is one implicit interaction (a like and a rating of the same film are
one). Private users' activity trains the aggregate model too, but a stored pair needs
`MIN_SUPPORT_USERS` distinct users behind it (recommender.neighbours), so no weight reveals one
person's taste. The lists replace the previous ones in one transaction, so a request reads either
the old model or the new one, never a mix.
"""

from __future__ import annotations

import time

import numpy as np
from django.db import connection, transaction

from backend.recommendations.models import ItemNeighbour, TrainingRun
from recommender.interactions import Interactions
from recommender.neighbours import EASE_DEFAULT_LAMBDA, NEIGHBOURS_PER_ITEM, train_ease

_INTERACTIONS = """
    SELECT user_id, movie_id FROM social_rating
    UNION
    SELECT user_id, movie_id FROM social_like
"""


def train_recommender(
    *, ease_lambda: float = EASE_DEFAULT_LAMBDA, neighbours: int = NEIGHBOURS_PER_ITEM
) -> TrainingRun:
    """Train EASE on every interaction and replace the stored neighbour lists. Idempotent."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(_INTERACTIONS)
        rows = np.asarray(cursor.fetchall(), dtype=np.int64).reshape(-1, 2)
    interactions = Interactions.from_triples(rows[:, 0], rows[:, 1])
    if len(interactions.item_ids) > 1:
        model = train_ease(interactions.matrix, interactions.item_ids, lam=ease_lambda, k=neighbours)
        sources, targets, weights = model.rows()
    else:
        sources = targets = np.empty(0, np.int64)
        weights = np.empty(0)
    with transaction.atomic():
        # DELETE, not TRUNCATE: TRUNCATE takes a lock that would block concurrent readers.
        ItemNeighbour.objects.all().delete()
        _copy_rows(sources, targets, weights)
        return TrainingRun.objects.create(
            seconds=time.perf_counter() - started,
            users=len(interactions.user_ids),
            movies=len(interactions.item_ids),
            interactions=len(rows),
            pairs=len(sources),
            ease_lambda=ease_lambda,
        )


# PostgreSQL's binary COPY layout for rows of (bigint, bigint, float8): a field count, then each
# field's byte length and big-endian value. https://www.postgresql.org/docs/current/sql-copy.html
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
_COPY_TRAILER = (-1).to_bytes(2, "big", signed=True)
_COPY_ROW = np.dtype(
    [("fields", ">i2"), ("len_a", ">i4"), ("a", ">i8"), ("len_b", ">i4"), ("b", ">i8"), ("len_w", ">i4"), ("w", ">f8")]
)


def _copy_payload(sources: np.ndarray, targets: np.ndarray, weights: np.ndarray) -> bytes:
    """The rows as one binary COPY payload, built by numpy (no per-row Python work)."""
    rows = np.empty(len(sources), dtype=_COPY_ROW)
    rows["fields"] = 3
    rows["len_a"] = rows["len_b"] = rows["len_w"] = 8
    rows["a"], rows["b"], rows["w"] = sources, targets, weights
    return _COPY_HEADER + rows.tobytes() + _COPY_TRAILER


def _copy_rows(sources: np.ndarray, targets: np.ndarray, weights: np.ndarray) -> None:
    """Bulk load with one binary COPY (about 10x bulk_create on a million rows)."""
    if len(sources) == 0:
        return
    table = ItemNeighbour._meta.db_table
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} (movie_id, neighbour_id, weight) FROM STDIN (FORMAT binary)") as copy,
    ):
        copy.write(_copy_payload(sources, targets, weights))
