"""The popularity source: the Bayesian weighted rating, the same formula the catalogue ranks by.

WR = v/(v+m)·R + m/(v+m)·C (backend.catalog.rankings computes it in SQL for the catalogue; this is
the in-memory twin the evaluation uses, so both rank the same way).
"""

from __future__ import annotations

import numpy as np


def bayesian_scores(counts: np.ndarray, means: np.ndarray, min_votes: float) -> np.ndarray:
    rated = counts > 0
    overall = float(means[rated].mean()) if rated.any() else 0.0
    scores = counts / (counts + min_votes) * means + min_votes / (counts + min_votes) * overall
    return np.where(rated, scores, 0.0)
