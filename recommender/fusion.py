"""Weighted reciprocal rank fusion of the sources' ranked lists.

score(item) = Σ_source weight_source / (RRF_K + rank_source(item)), ranks from 1. Ranks, not raw
scores, because the sources' scores live on unrelated scales (EASE weights, cosines, friend counts,
Bayesian ratings). The weights are tuned offline (`recommender.tuning`) on a validation split.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

RRF_K = 60.0

# Tuned on ml-100k (`bench/eval_recommender.py --tune`: a validation split carved out of the seed-42
# training set, grid search on NDCG@10) the best are collaborative 1.0, popularity 0.05, content 0.0
# with genre vectors standing in for plots. Content keeps a small weight so films the model has no
# neighbours for (new films) can still surface; social has no offline data and is set by hand.
DEFAULT_WEIGHTS: dict[str, float] = {"collaborative": 1.0, "content": 0.05, "social": 0.3, "popularity": 0.05}


def fuse(
    ranked: Mapping[str, Sequence[int]], weights: Mapping[str, float], rrf_k: float = RRF_K
) -> list[tuple[int, float]]:
    """One list of (item, fused score), best first; ties keep the first source's order."""
    scores: dict[int, float] = {}
    for source, items in ranked.items():
        weight = weights.get(source, 0.0)
        if weight <= 0:
            continue
        for rank, item in enumerate(items, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (rrf_k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])
