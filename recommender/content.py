"""The content source: a taste vector from the plot vectors of what a user liked and disliked.

taste = mean(liked) - NEGATIVE_WEIGHT · mean(disliked), normalised; candidates are the films
nearest to it (the vector store answers that query; the evaluation computes it in memory).
"""

from __future__ import annotations

import numpy as np

NEGATIVE_WEIGHT = 0.5


def taste_vector(positives: np.ndarray, negatives: np.ndarray | None = None) -> np.ndarray | None:
    """A unit vector, or None when there are no positives (nothing to go on)."""
    if positives.size == 0:
        return None
    taste = positives.mean(axis=0)
    if negatives is not None and negatives.size:
        taste = taste - NEGATIVE_WEIGHT * negatives.mean(axis=0)
    norm = float(np.linalg.norm(taste))
    if norm == 0.0:
        return None
    unit: np.ndarray = taste / norm
    return unit


def nearest(
    taste: np.ndarray, item_ids: np.ndarray, vectors: np.ndarray, exclude: np.ndarray, limit: int
) -> tuple[np.ndarray, np.ndarray]:
    """Exact cosine top-`limit` of unit `vectors` against `taste`, without `exclude` (in memory)."""
    scores = vectors @ taste
    scores[np.isin(item_ids, exclude)] = -np.inf
    limit = min(limit, len(item_ids))
    top = np.argpartition(-scores, limit - 1)[:limit]
    top = top[np.argsort(-scores[top])]
    top = top[np.isfinite(scores[top])]
    return item_ids[top], scores[top]
