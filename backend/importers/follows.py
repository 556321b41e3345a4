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
- Pure Python on sparse vectors: a few seconds for ml-100k's 943 users.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping

FOLLOW_MIN_DEGREE = 3
FOLLOW_PARETO_ALPHA = 1.5
FOLLOW_MAX_DEGREE = 300
FOLLOW_CANDIDATES_PER_FOLLOW = 5
FOLLOW_MIN_CANDIDATES = 50
FOLLOW_TASTE_SHARPNESS = 6.0

Vector = dict[int, float]


def taste_vectors(ratings: Mapping[int, Mapping[int, float]]) -> dict[int, Vector]:
    """Each user's ratings minus their own mean, scaled to length 1 (empty for a flat rater)."""
    vectors: dict[int, Vector] = {}
    for user, scores in ratings.items():
        if not scores:
            vectors[user] = {}
            continue
        mean = sum(scores.values()) / len(scores)
        centred = {movie: score - mean for movie, score in scores.items()}
        norm = math.sqrt(sum(value * value for value in centred.values()))
        vectors[user] = {movie: value / norm for movie, value in centred.items()} if norm else {}
    return vectors


def cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(value * b.get(movie, 0.0) for movie, value in a.items())


def out_degree(rng: random.Random, others: int) -> int:
    return min(others, FOLLOW_MAX_DEGREE, round(FOLLOW_MIN_DEGREE * rng.paretovariate(FOLLOW_PARETO_ALPHA)))


def synthesize_follows(ratings: Mapping[int, Mapping[int, float]], *, seed: int) -> list[tuple[int, int]]:
    """(follower, followee) pairs over the users of `ratings` (user -> movie -> score)."""
    rng = random.Random(seed)
    users = sorted(ratings)
    vectors = taste_vectors(ratings)
    pairs: list[tuple[int, int]] = []
    for user in users:
        others = len(users) - 1
        degree = out_degree(rng, others)
        if degree <= 0:
            continue
        pool_size = min(others, max(FOLLOW_MIN_CANDIDATES, FOLLOW_CANDIDATES_PER_FOLLOW * degree))
        pool: set[int] = set(users) - {user} if pool_size == others else set()
        while len(pool) < pool_size:
            candidate = users[rng.randrange(len(users))]
            if candidate != user:
                pool.add(candidate)
        keyed = []
        for candidate in sorted(pool):
            weight = math.exp(FOLLOW_TASTE_SHARPNESS * cosine(vectors[user], vectors[candidate]))
            keyed.append((rng.random() ** (1.0 / weight), candidate))
        keyed.sort(reverse=True)
        pairs.extend((user, candidate) for _, candidate in keyed[:degree])
    return pairs
