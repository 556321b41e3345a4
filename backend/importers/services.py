"""The two imports, start to end: read the files into rows, write them on the bulk path, recompute
the rankings once. Commands and benchmarks call these; each returns its `Summary`.

Both write Postgres and the outbox only, so they work whether the platform runs or not: the
projections follow through the sync (the on-commit dispatch, or the sweeper at the next start).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from backend.catalog import rankings
from backend.importers import bulk, catalogues, movielens
from backend.importers.follows import synthesize_follows
from backend.importers.reporting import list_problems, progress_bar
from backend.importers.rows import LayoutError, Problem, RatingRow, Summary

# A MovieLens rating of at least this also counts as a like (4 of 5 stars: "liked it").
DEFAULT_LIKE_THRESHOLD = Decimal("4.0")
MOVIELENS_USERNAME = "ml_{}"
DEFAULT_FOLLOW_SEED = 42
# Billing positions kept per film from a TMDB credits file (its cast lists run to 100 and more).
DEFAULT_CAST_LIMIT = 20


class InvalidRows(LayoutError):
    """`strict`: some rows are malformed, so nothing was written."""


@dataclass
class ImportResult:
    summary: Summary
    warnings: list[Problem] = field(default_factory=list)


def import_movielens(
    directory: Path,
    *,
    private: bool = False,
    like_threshold: Decimal | None = DEFAULT_LIKE_THRESHOLD,
    follows: bool = False,
    follow_seed: int = DEFAULT_FOLLOW_SEED,
    strict: bool = False,
) -> ImportResult:
    layout = movielens.detect_layout(directory)
    movies = movielens.read_movies(directory, layout)
    summary = Summary()
    summary.add("movies read", len(movies.rows))

    # First pass over the ratings: validate, and find the users (and their tastes, for follows).
    problems: list[Problem] = []
    users: dict[int, dict[int, float]] = {}
    ratings_read = 0
    with progress_bar("checking ratings", None) as bar:
        for rating in movielens.read_ratings(directory, layout, problems):
            scores = users.setdefault(rating.user, {})
            if follows:
                scores[rating.movie] = float(rating.score)
            ratings_read += 1
            bar.update()
    if strict and (movies.problems or problems):
        raise InvalidRows("\n".join(["malformed rows, nothing written:", *list_problems(movies.problems + problems)]))
    for problem in movies.problems + problems:
        summary.skip(problem)

    with progress_bar("movies", len(movies.rows)) as bar:
        movie_ids = bulk.write_movies(movies.rows, overwrite=False, summary=summary, progress=bar.update)
    by_source = {source: movie for source, movie in zip(movies.source_ids, movie_ids, strict=True) if movie}

    with progress_bar("users", len(users)) as bar:
        user_ids = bulk.write_users(
            [MOVIELENS_USERNAME.format(user) for user in sorted(users)],
            private=private,
            summary=summary,
            progress=bar.update,
        )
    account = {user: user_ids[MOVIELENS_USERNAME.format(user)] for user in users}

    def scored(rows: Iterator[RatingRow]) -> Iterator[bulk.Scored]:
        for rating in rows:
            movie_id = by_source.get(rating.movie)
            if movie_id is None:
                summary.add("ratings of a movie not imported")
                continue
            yield bulk.Scored(account[rating.user], movie_id, rating.score, rating.at)

    with progress_bar("ratings", ratings_read) as bar:
        changed = bulk.write_ratings(
            scored(movielens.read_ratings(directory, layout, [])),
            like_threshold=like_threshold,
            summary=summary,
            progress=bar.update,
        )
    tags = movielens.count_tags(directory, layout)
    if tags:
        summary.add("tags read (not stored: the platform has no tags)", tags)

    if follows:
        pairs = synthesize_follows(users, seed=follow_seed)
        with progress_bar("follows", len(pairs)) as bar:
            bulk.write_follows(
                [(account[a], account[b]) for a, b in pairs], at=timezone.now(), summary=summary, progress=bar.update
            )
    if changed:
        rankings.recompute_all()  # once for the whole import, not per rating
        summary.add("movies ranked", len(changed))
    return ImportResult(summary)


def import_catalog(
    path: Path, credits: Path | None = None, *, strict: bool = False, cast_limit: int = DEFAULT_CAST_LIMIT
) -> ImportResult:
    catalogue = catalogues.read_catalogue(path, credits)
    if strict and catalogue.problems:
        raise InvalidRows("\n".join(["malformed rows, nothing written:", *list_problems(catalogue.problems)]))
    summary = Summary()
    summary.counts["layout: " + catalogue.layout] = len(catalogue.rows)
    summary.add("movies read", len(catalogue.rows))
    for problem in catalogue.problems:
        summary.skip(problem)
    for row in catalogue.rows:
        if row.cast is not None:
            row.cast = sorted(row.cast, key=lambda c: c.order)[:cast_limit]
    with progress_bar("movies", len(catalogue.rows)) as bar:
        bulk.write_movies(catalogue.rows, overwrite=True, summary=summary, progress=bar.update)
    return ImportResult(summary, catalogue.warnings)
