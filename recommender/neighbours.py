"""Item-to-item models trained offline, kept as top-k neighbour lists, scored at request time.

Both EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data": B = I - P/diag(P),
P = (XᵀX + λI)⁻¹) and the item-kNN baseline (cosine of item columns) end as the same thing: for
each item, its k strongest neighbours with weights. That list is what the backend stores, and
`score_history` is the one scoring function the endpoint and the evaluation call.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy import linalg
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


# Rows of the item x item weights are made and pruned this many at a time, so no n x n index or
# weight matrix beyond the one EASE needs (none at all in the Woodbury form) is ever held.
ROW_CHUNK = 1024


def _top_k_block(block: np.ndarray, first_row: int, k: int, weak: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(columns, values) of each row's k strongest entries by magnitude, for rows `first_row`...
    of the full matrix: the diagonal and pairs with too little support are zeroed first."""
    rows = np.arange(block.shape[0])
    block[rows, first_row + rows] = 0.0
    if weak is not None:
        block[weak] = 0.0
    top = np.argpartition(np.abs(block), block.shape[1] - k, axis=1)[:, -k:]
    return top, np.take_along_axis(block, top, axis=1)


def _top_k_rows(blocks: Iterable[tuple[int, np.ndarray, np.ndarray | None]], n: int, k: int) -> sp.csr_matrix:
    """Keep each row's k strongest entries by magnitude (with enough support), drop the diagonal.

    `blocks` yields (first row, rows of the dense weights, mask of weak-support pairs or None).
    EASE's negative weights matter (an item that predicts against another): dropping them costs
    about 0.015 NDCG@10 on ml-100k, so the lists keep them."""
    k = min(k, n - 1) if n > 1 else 0
    if k <= 0:
        return sp.csr_matrix((n, n))
    cols, vals = [], []
    for first_row, block, weak in blocks:
        top, values = _top_k_block(block, first_row, k, weak)
        cols.append(top)
        vals.append(values)
    col = np.concatenate(cols).ravel()
    val = np.concatenate(vals).ravel()
    row = np.repeat(np.arange(n), k)
    keep = val != 0
    return sp.csr_matrix((val[keep], (row[keep], col[keep])), shape=(n, n))


def _ease_blocks_direct(
    x: sp.csc_matrix, lam: float, min_support: int, pattern: sp.csc_matrix | None = None
) -> Iterator[tuple[int, np.ndarray, np.ndarray | None]]:
    """Rows of B = I - P/diag(P), P = (XᵀX + λI)⁻¹, by Cholesky of the n x n Gram matrix (potrf +
    potri: half the work of a general inverse). For catalogues with more films than users."""
    n = x.shape[1]
    gram = (x.T @ x).toarray()
    # Support counts distinct users, also when the input holds rating values.
    weak = (gram if pattern is None else (pattern.T @ pattern).toarray()) < min_support
    # A symmetric C-ordered array is its own Fortran-ordered transpose: LAPACK works in place.
    matrix = gram.T
    matrix[np.diag_indices(n)] += lam
    factor, info = lapack.spotrf(matrix, lower=True, overwrite_a=True)
    if info != 0:
        raise np.linalg.LinAlgError(f"Cholesky factorisation failed (info={info})")
    inverse, info = lapack.spotri(factor, lower=True, overwrite_c=True)
    if info != 0:
        raise np.linalg.LinAlgError(f"inverse from Cholesky failed (info={info})")
    # Only the lower triangle holds P: row i of P is inverse[i, :i+1] then inverse[i+1:, i].
    neg_diag = -np.diag(inverse).astype(np.float32)
    columns = np.arange(n)
    for first in range(0, n, ROW_CHUNK):
        last = min(n, first + ROW_CHUNK)
        lower = columns[None, :] <= np.arange(first, last)[:, None]
        block = np.where(lower, inverse[first:last, :], inverse[:, first:last].T) / neg_diag
        yield first, block.astype(np.float32, copy=False), weak[first:last]


def _ease_blocks_woodbury(
    x: sp.csc_matrix, lam: float, min_support: int, pattern: sp.csc_matrix | None = None
) -> Iterator[tuple[int, np.ndarray, np.ndarray | None]]:
    """The same rows of B through the Woodbury identity, for fewer users u than films n:
    P = (I - XᵀK⁻¹X)/λ with K = λI + XXᵀ (u x u), so with W = L⁻¹X (K = LLᵀ),
    B[i, j] = ((WᵀW)[i, j] - δij) / (1 - ‖W[:, j]‖²). Exact, O(u²n + un²) instead of O(n³), and
    built a block of rows at a time (no n x n matrix)."""
    dense = x.toarray().astype(np.float64)
    kernel = dense @ dense.T
    kernel[np.diag_indices_from(kernel)] += lam
    chol = linalg.cholesky(kernel, lower=True, overwrite_a=True, check_finite=False)
    w = linalg.solve_triangular(chol, dense, lower=True, check_finite=False)
    denominator = (1.0 - np.einsum("ij,ij->j", w, w)).astype(np.float32)
    del dense, kernel, chol
    w32 = np.ascontiguousarray(w, dtype=np.float32)
    del w
    n = x.shape[1]
    for first in range(0, n, ROW_CHUNK):
        last = min(n, first + ROW_CHUNK)
        block = (w32[:, first:last].T @ w32) / denominator
        # Co-occurrence counts from the sparse matrix (a sparse product: far fewer operations).
        support = x if pattern is None else pattern
        weak = (support[:, first:last].T @ support).toarray() < min_support
        yield first, block, weak


def train_ease(
    interactions: sp.csr_matrix,
    item_ids: np.ndarray,
    lam: float = EASE_DEFAULT_LAMBDA,
    k: int = NEIGHBOURS_PER_ITEM,
    min_support: int = MIN_SUPPORT_USERS,
    max_items: int = EASE_MAX_ITEMS,
    binary: bool = True,
) -> NeighbourLists:
    """EASE in closed form on the binary matrix (or on the rating values with `binary=False`;
    support still counts distinct users), pruned to the k strongest neighbours per item.

    With more films than users (ml-latest-small: 610 users, 9.7k films) it goes through the
    Woodbury identity on the users' side; otherwise it inverts the film Gram matrix, dense in
    films (O(n²) memory, O(n³) time), so at most `max_items` films (the most interacted-with)
    take part. `bench/bench_recommendations.py` measures both."""
    x = interactions.tocsc(copy=True).astype(np.float32)
    if x.shape[1] > max_items:
        counts = np.diff(x.indptr)
        keep = np.sort(np.argsort(-counts, kind="stable")[:max_items])
        x, item_ids = x[:, keep], item_ids[keep]
    pattern = None
    if binary:
        x.data[:] = 1.0
    else:
        pattern = x.copy()
        pattern.data[:] = 1.0
    users, n = x.shape
    # float32 halves memory and time; with λ in the hundreds the system is well conditioned.
    blocks = _ease_blocks_woodbury if 2 * users < n else _ease_blocks_direct
    # b[i, j] is the weight of item i in item j's reconstruction: row i lists i's neighbours.
    return NeighbourLists(item_ids=item_ids, weights=_top_k_rows(blocks(x, lam, min_support, pattern), n, k))


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
    blocks = [(0, cosine, gram < min_support)]
    return NeighbourLists(item_ids=item_ids, weights=_top_k_rows(blocks, len(item_ids), k))


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
