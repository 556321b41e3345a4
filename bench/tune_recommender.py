"""What moves the collaborative model's NDCG@10, tuned on a validation split, then checked on test.

    .venv/bin/python bench/tune_recommender.py ../shared/datasets/ml-100k [--seed 42]

The validation split is carved out of the training set (per user 75/25 again, seed + 1), as
`eval_recommender.py --tune` does; the test split is only read for the chosen settings and the
shipped ones. Grid: EASE λ, neighbours kept per film, binary or rating-valued input, and the
history's weights at scoring (1 for each film, or the rating).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from recommender import offline  # noqa: E402
from recommender.evaluation import Rating, evaluate, split_per_user  # noqa: E402
from recommender.interactions import Interactions  # noqa: E402
from recommender.neighbours import score_history, train_ease  # noqa: E402


def ndcg(
    train: Sequence[Rating], test: Sequence[Rating], lam: float, k: int, binary: bool, rated_history: bool
) -> float:
    inter = Interactions.from_triples([r.user for r in train], [r.item for r in train], [r.score for r in train])
    model = train_ease(inter.matrix, inter.item_ids, lam=lam, k=k, binary=binary)
    row_of = {int(u): i for i, u in enumerate(inter.user_ids)}

    def recommend(user: int, limit: int = 10) -> list[int]:
        ids, scores = inter.item_history(row_of[user])
        sources, targets, weights = model.rows_for(ids)
        weight = scores if rated_history else np.ones(len(ids))
        return score_history(ids, weight, sources, targets, weights, limit=limit).item_ids.tolist()

    tests: dict[int, set[int]] = {}
    for r in test:
        tests.setdefault(r.user, set()).add(r.item)
    counts: dict[int, int] = {}
    for r in train:
        counts[r.user] = counts.get(r.user, 0) + 1
    size = len(set(inter.item_ids.tolist()) | {r.item for r in test})
    return evaluate(recommend, tests, counts, size).ndcg


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    ratings, _catalogue = offline.load_data_dir(args.path)
    train, test = split_per_user(ratings, args.seed)
    inner, validation = split_per_user(train, args.seed + 1)
    grid = list(itertools.product((200.0, 300.0, 500.0, 800.0), (200, 500), (True, False), (False, True)))
    print(f"{'lambda':>7} {'k':>4} {'input':>7} {'history':>8} {'val NDCG@10':>12}")
    results = []
    started = time.perf_counter()
    for lam, k, binary, rated_history in grid:
        score = ndcg(inner, validation, lam, k, binary, rated_history)
        results.append((score, lam, k, binary, rated_history))
        print(
            f"{lam:7g} {k:4} {'binary' if binary else 'rating':>7} {'rating' if rated_history else 'ones':>8} {score:12.4f}"
        )
    best = max(results)
    print(f"grid of {len(grid)} in {time.perf_counter() - started:.0f} s")
    shipped = ndcg(train, test, 500.0, 200, True, False)
    chosen = ndcg(train, test, best[1], best[2], best[3], best[4])
    print(f"test NDCG@10: shipped (λ 500, k 200, binary, ones) {shipped:.4f}")
    print(
        f"test NDCG@10: best on validation (λ {best[1]:g}, k {best[2]}, "
        f"{'binary' if best[3] else 'rating'}, {'rating' if best[4] else 'ones'}) {chosen:.4f}"
    )


if __name__ == "__main__":
    main()
