"""A plausible follow graph for users who came without one (MovieLens has none): seeded, so the
same ratings and seed give the same follows.

- Out-degrees are heavy-tailed: each user follows round(FOLLOW_MIN_DEGREE · Pareto(α)) others
  (α = FOLLOW_PARETO_ALPHA, so most follow a handful and a few follow hundreds), at most
  FOLLOW_MAX_DEGREE and never more than there are other users.
- Taste decides whom: a user with out-degree d draws FOLLOW_CANDIDATES_PER_FOLLOW · d candidates
  at random (at least FOLLOW_MIN_CANDIDATES), scores each by the cosine of their mean-centred rating
  vectors, and picks d of them without replacement with weight exp(FOLLOW_TASTE_SHARPNESS · cosine)
  (Efraimidis–Spirakis keys). Similar users are far more likely to follow each other, but not only
  them: a follow graph is not a nearest-neighbour graph.
- Seeded with numpy's default generator (PCG64): all degrees are drawn first, in user order, then
  each user's candidates and keys, in user order. The taste vectors are one sparse matrix (CSR
  arrays) and a user's cosines one gather over its candidates' rows, so the work is numpy's: for
  6,000 users and 1M ratings, 2.2-2.9 s of CPU where the dict-per-user loop it replaces took
  6.6-8.4 s (measured side by side on the 2-core machine, busy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

FOLLOW_MIN_DEGREE = 3
FOLLOW_PARETO_ALPHA = 1.5
FOLLOW_MAX_DEGREE = 300
FOLLOW_CANDIDATES_PER_FOLLOW = 5
FOLLOW_MIN_CANDIDATES = 50
FOLLOW_TASTE_SHARPNESS = 6.0


@dataclass(frozen=True)
class TasteMatrix:
    """Row i: user i's ratings minus their own mean, scaled to length 1 (empty for a flat rater),
    as CSR arrays over columns numbered per movie."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    columns: int


def taste_matrix(ratings: Mapping[int, Mapping[int, float]], users: list[int]) -> TasteMatrix:
    lengths = np.zeros(len(users), dtype=np.int64)
    movies: list[np.ndarray] = []
    data: list[np.ndarray] = []
    for row, user in enumerate(users):
        scores = ratings[user]
        values = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
        centred = values - values.mean() if len(values) else values
        norm = float(np.sqrt(centred @ centred))
        if not norm:
            continue
        lengths[row] = len(values)
        movies.append(np.fromiter(scores.keys(), dtype=np.int64, count=len(scores)))
        data.append(centred / norm)
    if not data:
        return TasteMatrix(np.zeros(len(users) + 1, dtype=np.int64), np.zeros(0, np.int64), np.zeros(0), 0)
    columns, indices = np.unique(np.concatenate(movies), return_inverse=True)
    return TasteMatrix(np.concatenate(([0], np.cumsum(lengths))), indices, np.concatenate(data), len(columns))


def cosines(taste: TasteMatrix, row: int, candidates: np.ndarray, dense: np.ndarray) -> np.ndarray:
    """Cosine of row `row` with each candidate row; `dense` is a zeroed buffer of one row's width."""
    start, end = taste.indptr[row], taste.indptr[row + 1]
    dense[taste.indices[start:end]] = taste.data[start:end]
    starts, ends = taste.indptr[candidates], taste.indptr[candidates + 1]
    lengths = ends - starts
    # Every stored entry of every candidate row, in row order: its position in `indices`/`data`.
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    positions = np.arange(int(lengths.sum())) + offsets
    products = taste.data[positions] * dense[taste.indices[positions]]
    dense[taste.indices[start:end]] = 0.0
    return np.bincount(np.repeat(np.arange(len(candidates)), lengths), weights=products, minlength=len(candidates))


def out_degrees(rng: np.random.Generator, users: int) -> np.ndarray:
    pareto = rng.pareto(FOLLOW_PARETO_ALPHA, size=users) + 1.0  # numpy's is Lomax: Pareto minus 1
    degrees = np.round(FOLLOW_MIN_DEGREE * pareto).astype(np.int64)
    return np.minimum(degrees, min(users - 1, FOLLOW_MAX_DEGREE))


def synthesize_follows(ratings: Mapping[int, Mapping[int, float]], *, seed: int) -> list[tuple[int, int]]:
    """(follower, followee) pairs over the users of `ratings` (user -> movie -> score)."""
    users = sorted(ratings)
    if len(users) < 2:
        return []
    rng = np.random.default_rng(seed)
    taste = taste_matrix(ratings, users)
    dense = np.zeros(taste.columns)
    others = len(users) - 1
    pairs: list[tuple[int, int]] = []
    for row, degree in enumerate(out_degrees(rng, len(users))):
        if degree <= 0:
            continue
        pool_size = min(others, max(FOLLOW_MIN_CANDIDATES, FOLLOW_CANDIDATES_PER_FOLLOW * int(degree)))
        candidates = np.sort(rng.choice(others, size=pool_size, replace=False))
        candidates[candidates >= row] += 1  # every user but this one
        weights = np.exp(FOLLOW_TASTE_SHARPNESS * cosines(taste, row, candidates, dense))
        keys = np.log(rng.random(pool_size)) / weights  # log of u^(1/w): same order, no underflow
        chosen = candidates[np.argsort(-keys, kind="stable")[:degree]]
        pairs.extend((users[row], users[int(c)]) for c in chosen)
    return pairs
