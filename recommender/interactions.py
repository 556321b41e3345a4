"""Who interacted with what: a user x item matrix built from (user, item, weight) triples."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class Interactions:
    """A CSR user x item matrix with the external ids of its rows and columns."""

    matrix: sp.csr_matrix
    user_ids: np.ndarray
    item_ids: np.ndarray

    @classmethod
    def from_triples(
        cls, users: Iterable[int], items: Iterable[int], weights: Iterable[float] | None = None
    ) -> Interactions:
        user_arr = np.asarray(list(users), dtype=np.int64)
        item_arr = np.asarray(list(items), dtype=np.int64)
        data = np.ones(len(user_arr)) if weights is None else np.asarray(list(weights), dtype=np.float64)
        user_ids, rows = np.unique(user_arr, return_inverse=True)
        item_ids, cols = np.unique(item_arr, return_inverse=True)
        matrix = sp.csr_matrix((data, (rows, cols)), shape=(len(user_ids), len(item_ids)), dtype=np.float64)
        matrix.sum_duplicates()
        return cls(matrix=matrix, user_ids=user_ids, item_ids=item_ids)

    def binary(self) -> sp.csr_matrix:
        """The matrix with every stored interaction as 1.0 (implicit feedback)."""
        out = self.matrix.copy()
        out.data[:] = 1.0
        return out

    def item_history(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """A user's items (external ids) and their weights."""
        start, end = self.matrix.indptr[row], self.matrix.indptr[row + 1]
        return self.item_ids[self.matrix.indices[start:end]], self.matrix.data[start:end]
