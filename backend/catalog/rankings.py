"""Bayesian weighted rating and rank positions, recomputed asynchronously.

WR = v/(v+m)·R + m/(v+m)·C, with v a movie's number of ratings, R its mean rating, C the mean of
the movies' mean ratings and m = RANKING_MIN_VOTES. A rating write only queues its movie
(`mark_stale`, in the write's transaction); a debounced task drains the queue, and beat recomputes
every movie periodically so C's drift reaches all of them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from backend.catalog.cached_reads import bump_catalogue
from backend.catalog.models import Movie, PendingRankUpdate
from backend.core import jobs
from backend.sync.outbox import aggregate_key, record_changes

# Debounce window: one recompute for every burst of ratings inside it.
RECOMPUTE_DELAY_SECONDS = 5
# Rank-score changes below this are not sent to the vector payload (it carries the score for display).
RANK_SCORE_SYNC_THRESHOLD = 0.01

_UPDATE_SCORES = """
    WITH global AS (
        SELECT coalesce(avg(mean), 0) AS c FROM (
            SELECT avg(score) AS mean FROM social_rating GROUP BY movie_id
        ) AS means
    ),
    stats AS (
        SELECT m.id, count(r.id) AS v, coalesce(avg(r.score), 0) AS r
        FROM catalog_movie m LEFT JOIN social_rating r ON r.movie_id = m.id
        WHERE %(all)s OR m.id = ANY(%(ids)s::bigint[])
        GROUP BY m.id
    )
    UPDATE catalog_movie m SET
        rating_count = stats.v,
        rating_mean = stats.r,
        rank_score = CASE WHEN stats.v = 0 THEN 0
            ELSE (stats.v / (stats.v + %(m)s)) * stats.r + (%(m)s / (stats.v + %(m)s)) * global.c END
    FROM stats, global
    WHERE m.id = stats.id
    RETURNING m.id, m.rank_score
"""

_UPDATE_POSITIONS = """
    UPDATE catalog_movie m SET rank_position = ranked.position
    FROM (SELECT id, row_number() OVER (ORDER BY rank_score DESC, rating_count DESC, id) AS position
          FROM catalog_movie) AS ranked
    WHERE m.id = ranked.id AND m.rank_position IS DISTINCT FROM ranked.position
"""


def mark_stale(movie_id: int) -> None:
    """Queue a movie for recomputation; call inside the rating write's transaction."""
    PendingRankUpdate.objects.get_or_create(movie_id=movie_id)
    transaction.on_commit(schedule_recompute)


def mark_stale_many(movie_ids: list[int]) -> None:
    """Queue many movies at once (a bulk writer, an erased account's ratings): one statement."""
    if not movie_ids:
        return
    PendingRankUpdate.objects.bulk_create(
        [PendingRankUpdate(movie_id=movie_id) for movie_id in sorted(set(movie_ids))], ignore_conflicts=True
    )
    transaction.on_commit(schedule_recompute)


def schedule_recompute() -> None:
    """Enqueue one delayed recompute unless one is already scheduled in the debounce window."""
    if cache.add("rankings:recompute-scheduled", True, timeout=RECOMPUTE_DELAY_SECONDS):
        jobs.enqueue("rankings.recompute_pending", countdown=RECOMPUTE_DELAY_SECONDS)


def recompute_pending() -> int:
    """Recompute the queued movies; returns how many."""
    with transaction.atomic():
        movie_ids = list(
            PendingRankUpdate.objects.select_for_update(skip_locked=True).values_list("movie_id", flat=True)
        )
        if not movie_ids:
            return 0
        _recompute(movie_ids)
        PendingRankUpdate.objects.filter(movie_id__in=movie_ids).delete()
    return len(movie_ids)


def recompute_all() -> int:
    with transaction.atomic():
        PendingRankUpdate.objects.all().delete()
        return _recompute(None)


def _recompute(movie_ids: list[int] | None) -> int:
    before = dict(
        Movie.objects.filter(**({"id__in": movie_ids} if movie_ids is not None else {})).values_list("id", "rank_score")
    )
    with connection.cursor() as cursor:
        params: dict[str, Any] = {
            "all": movie_ids is None,
            "ids": movie_ids or [],
            "m": float(settings.RANKING_MIN_VOTES),
        }
        cursor.execute(_UPDATE_SCORES, params)
        after = dict(cursor.fetchall())
        cursor.execute(_UPDATE_POSITIONS)
    changed = [
        movie_id
        for movie_id, score in after.items()
        if abs(score - before.get(movie_id, 0.0)) >= RANK_SCORE_SYNC_THRESHOLD
    ]
    record_changes("movie", [aggregate_key(movie_id) for movie_id in changed], "movie.ranked")
    # Positions and counts moved for movies whose score barely changed, which record no event.
    bump_catalogue()
    return len(after)
