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

from backend.recommendations import neighbour_rows
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
        neighbour_rows.write_rows(sources, targets, weights)
        return TrainingRun.objects.create(
            seconds=time.perf_counter() - started,
            users=len(interactions.user_ids),
            movies=len(interactions.item_ids),
            interactions=len(rows),
            pairs=len(sources),
            ease_lambda=ease_lambda,
        )
