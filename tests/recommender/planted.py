"""Interactions with planted taste communities, for the recommender tests."""

from __future__ import annotations

import numpy as np

from recommender.evaluation import Rating


def planted_ratings(users_per_cluster: int = 30, items_per_cluster: int = 20, seed: int = 0) -> list[Rating]:
    """Two clusters: users 0..n-1 rate items 0..19, users n..2n-1 rate items 100..119, plus one
    blockbuster (item 999) everyone rates."""
    rng = np.random.default_rng(seed)
    ratings = []
    for cluster, base in enumerate((0, 100)):
        for u in range(users_per_cluster):
            user = cluster * users_per_cluster + u
            for item in rng.choice(items_per_cluster, size=10, replace=False):
                ratings.append(Rating(user, base + int(item), 4.0))
            ratings.append(Rating(user, 999, 3.0))
    return ratings
