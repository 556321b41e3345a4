"""The offline protocol: per-user random 75/25 split, top-10 among unseen items, binary relevance.

Metrics as Microsoft Recommenders defines them for ml-100k: precision@k, recall@k (hits over the
user's test items), NDCG@k (binary gains, ideal = min(k, |test|) hits), MAP@k (average precision
over min(k, |test|)) and catalogue coverage (distinct recommended items over catalogue items).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

TOP_K = 10
TRAIN_FRACTION = 0.75


@dataclass(frozen=True)
class Rating:
    user: int
    item: int
    score: float
    timestamp: int = 0


def split_per_user(
    ratings: Sequence[Rating], seed: int, train_fraction: float = TRAIN_FRACTION
) -> tuple[list[Rating], list[Rating]]:
    """For each user, a random `train_fraction` of their ratings to train, the rest to test."""
    rng = np.random.default_rng(seed)
    by_user: dict[int, list[Rating]] = {}
    for rating in ratings:
        by_user.setdefault(rating.user, []).append(rating)
    train: list[Rating] = []
    test: list[Rating] = []
    for user in sorted(by_user):
        rows = by_user[user]
        order = rng.permutation(len(rows))
        cut = int(round(train_fraction * len(rows)))
        train.extend(rows[i] for i in order[:cut])
        test.extend(rows[i] for i in order[cut:])
    return train, test


@dataclass
class Metrics:
    precision: float
    recall: float
    ndcg: float
    map: float
    coverage: float
    users: int
    ndcg_by_tercile: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "precision@10": self.precision,
            "recall@10": self.recall,
            "ndcg@10": self.ndcg,
            "map@10": self.map,
            "coverage": self.coverage,
            "users": self.users,
            "ndcg@10_by_activity_tercile": self.ndcg_by_tercile,
        }


def user_metrics(recommended: Sequence[int], relevant: set[int], k: int = TOP_K) -> tuple[float, float, float, float]:
    """(precision, recall, ndcg, average precision) of one top-k list."""
    top = list(recommended)[:k]
    hits = [1.0 if item in relevant else 0.0 for item in top]
    n_hits = sum(hits)
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = float(np.dot(hits, discounts[: len(hits)])) if hits else 0.0
    ideal = float(discounts[: min(k, len(relevant))].sum())
    ap = 0.0
    seen = 0
    for position, hit in enumerate(hits, start=1):
        if hit:
            seen += 1
            ap += seen / position
    ap /= min(k, len(relevant))
    return n_hits / k, n_hits / len(relevant), dcg / ideal if ideal else 0.0, ap


def evaluate(
    recommend: Callable[..., Sequence[int]],
    test: Mapping[int, set[int]],
    train_counts: Mapping[int, int],
    catalogue_size: int,
    k: int = TOP_K,
) -> Metrics:
    """Run `recommend(user)` (top-k unseen items) for every test user and average the metrics.

    Terciles split users by their number of training ratings (low, mid, high activity)."""
    users = sorted(u for u, items in test.items() if items)
    per_user = []
    recommended_items: set[int] = set()
    for user in users:
        top = list(recommend(user))[:k]
        recommended_items.update(top)
        per_user.append(user_metrics(top, test[user], k))
    values = np.asarray(per_user) if per_user else np.zeros((0, 4))
    activity = np.asarray([train_counts.get(u, 0) for u in users])
    terciles: dict[str, float] = {}
    if len(users) >= 3:
        order = np.argsort(activity, kind="stable")
        for name, chunk in zip(("low", "mid", "high"), np.array_split(order, 3), strict=True):
            terciles[name] = float(values[chunk, 2].mean())
    mean = values.mean(axis=0) if len(values) else np.zeros(4)
    return Metrics(
        precision=float(mean[0]),
        recall=float(mean[1]),
        ndcg=float(mean[2]),
        map=float(mean[3]),
        coverage=len(recommended_items) / catalogue_size if catalogue_size else 0.0,
        users=len(users),
        ndcg_by_tercile=terciles,
    )
