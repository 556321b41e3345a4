"""Item-to-item models trained offline, kept as top-k neighbour lists, scored at request time.

Both EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data": B = I - P/diag(P),
P = (XᵀX + λI)⁻¹) and the item-kNN baseline (cosine of item columns) end as the same thing: for
each item, its k strongest neighbours with weights. That list is what the backend stores, and
`score_history` is the one scoring function the endpoint and the evaluation call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.linalg import lapack

EASE_DEFAULT_LAMBDA = 500.0
# EASE is dense in items (n² memory, n³ time): beyond this many films, it trains on the most
# interacted-with ones (a film outside keeps no neighbours; content and popularity still cover it).
EASE_MAX_ITEMS = 12_000
NEIGHBOURS_PER_ITEM = 200
# A neighbour pair needs at least this many distinct users who interacted with both items, so no
# stored weight describes one person's taste (private users' activity trains the aggregate model).
MIN_SUPPORT_USERS = 3


@dataclass(frozen=True)
class NeighbourLists:
    """Top-k neighbours per item: row i of `weights` (CSR, items x items) holds item i's neighbours.

    Scoring a history h is h @ weights: an item j scores Σ_i h_i · w(i→j)."""

    item_ids: np.ndarray
    weights: sp.csr_matrix

    def rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(source ids, neighbour ids, weights) as flat arrays: the rows the backend stores."""
        coo = self.weights.tocoo()
        return self.item_ids[coo.row], self.item_ids[coo.col], coo.data.astype(np.float64)

    def rows_for(self, sources: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The stored rows whose source is one of `sources` (external ids), as the backend queries them."""
        known = sources[np.isin(sources, self.item_ids)]
        positions = np.searchsorted(self.item_ids, known)
        sub = self.weights[positions].tocoo()
        return self.item_ids[positions[sub.row]], self.item_ids[sub.col], sub.data.astype(np.float64)


def _top_k_rows(dense: np.ndarray, k: int, support: np.ndarray | None, min_support: int) -> sp.csr_matrix:
    """Keep each row's k strongest entries by magnitude (with enough support), drop the diagonal.

    EASE's negative weights matter (an item that predicts against another): dropping them costs
    about 0.015 NDCG@10 on ml-100k, so the lists keep them."""
    n = dense.shape[0]
    np.fill_diagonal(dense, 0.0)
    if support is not None:
        dense[support < min_support] = 0.0
    k = min(k, n - 1) if n > 1 else 0
    if k <= 0:
        return sp.csr_matrix((n, n))
    top = np.argpartition(-np.abs(dense), k - 1, axis=1)[:, :k]
    vals = np.take_along_axis(dense, top, axis=1)
    rows = np.repeat(np.arange(n), k)
    mask = vals.ravel() != 0
    return sp.csr_matrix((vals.ravel()[mask], (rows[mask], top.ravel()[mask])), shape=(n, n))


def _spd_inverse(matrix: np.ndarray) -> np.ndarray:
    """Inverse of a symmetric positive definite matrix through Cholesky (LAPACK potrf + potri):
    about half the work of a general inverse. XᵀX + λI is SPD for any λ > 0."""
    factor, info = lapack.spotrf(matrix, lower=True, overwrite_a=True)
    if info != 0:
        raise np.linalg.LinAlgError(f"Cholesky factorisation failed (info={info})")
    inverse, info = lapack.spotri(factor, lower=True, overwrite_c=True)
    if info != 0:
        raise np.linalg.LinAlgError(f"inverse from Cholesky failed (info={info})")
    full: np.ndarray = np.tril(inverse) + np.tril(inverse, -1).T
    return full


def train_ease(
    interactions: sp.csr_matrix,
    item_ids: np.ndarray,
    lam: float = EASE_DEFAULT_LAMBDA,
    k: int = NEIGHBOURS_PER_ITEM,
    min_support: int = MIN_SUPPORT_USERS,
    max_items: int = EASE_MAX_ITEMS,
) -> NeighbourLists:
    """EASE in closed form on the binary matrix, pruned to the k strongest neighbours per item.

    Dense in items: O(n²) memory and O(n³) time, so at most `max_items` films (the most
    interacted-with) take part; `bench/bench_recommendations.py` measures it."""
    x = interactions.tocsc(copy=True)
    x.data[:] = 1.0
    if x.shape[1] > max_items:
        counts = np.diff(x.indptr)
        keep = np.sort(np.argsort(-counts, kind="stable")[:max_items])
        x, item_ids = x[:, keep], item_ids[keep]
    # float32 halves memory and time; with λ in the hundreds the system is well conditioned.
    gram = (x.T @ x).toarray().astype(np.float32)
    support = gram.copy()
    gram[np.diag_indices_from(gram)] += lam
    p = _spd_inverse(gram)
    b = p / (-np.diag(p))
    # b[i, j] is the weight of item i in item j's reconstruction: row i lists i's neighbours.
    return NeighbourLists(item_ids=item_ids, weights=_top_k_rows(b, k, support, min_support))


def train_item_knn(
    interactions: sp.csr_matrix,
    item_ids: np.ndarray,
    k: int = NEIGHBOURS_PER_ITEM,
    min_support: int = MIN_SUPPORT_USERS,
) -> NeighbourLists:
    """The classic baseline: cosine similarity of binary item columns, top k per item."""
    x = interactions.copy()
    x.data[:] = 1.0
    gram = (x.T @ x).toarray().astype(np.float64)
    norms = np.sqrt(np.diag(gram))
    norms[norms == 0] = 1.0
    cosine = gram / norms[:, None] / norms[None, :]
    return NeighbourLists(item_ids=item_ids, weights=_top_k_rows(cosine, k, gram, min_support))


@dataclass(frozen=True)
class ScoredItems:
    """Candidates from one history: ids, scores (descending) and, per candidate, the history item
    that contributed most (the "because you liked ..." reason)."""

    item_ids: np.ndarray
    scores: np.ndarray
    because: np.ndarray


def score_history(
    history_ids: np.ndarray,
    history_weights: np.ndarray,
    sources: np.ndarray,
    targets: np.ndarray,
    weights: np.ndarray,
    exclude: np.ndarray | None = None,
    limit: int | None = None,
) -> ScoredItems:
    """Score every neighbour of a history: Σ over history items i of h_i · w(i→j).

    `sources/targets/weights` are the neighbour rows of the history's items (any superset works).
    Items in the history and in `exclude` are never returned."""
    empty = ScoredItems(np.empty(0, np.int64), np.empty(0), np.empty(0, np.int64))
    if len(history_ids) == 0 or len(sources) == 0:
        return empty
    order = np.argsort(history_ids)
    hist_sorted, hw_sorted = history_ids[order], history_weights[order]
    pos = np.searchsorted(hist_sorted, sources)
    pos[pos >= len(hist_sorted)] = 0
    known = hist_sorted[pos] == sources
    contrib = np.where(known, hw_sorted[pos] * weights, 0.0)
    banned = history_ids if exclude is None else np.concatenate([history_ids, exclude])
    keep = (contrib != 0) & ~np.isin(targets, banned)
    targets, sources, contrib = targets[keep], sources[keep], contrib[keep]
    if len(targets) == 0:
        return empty
    cand, inverse = np.unique(targets, return_inverse=True)
    scores = np.bincount(inverse, weights=contrib, minlength=len(cand))
    # The strongest single contribution per candidate names the reason.
    by_strength = np.lexsort((-contrib, inverse))
    first = np.ones(len(by_strength), dtype=bool)
    first[1:] = inverse[by_strength][1:] != inverse[by_strength][:-1]
    because = np.empty(len(cand), dtype=np.int64)
    because[inverse[by_strength][first]] = sources[by_strength][first]
    ranked = np.argsort(-scores, kind="stable")
    if limit is not None:
        ranked = ranked[:limit]
    return ScoredItems(item_ids=cand[ranked], scores=scores[ranked], because=because[ranked])
