"""The trained neighbour lists on their way in and out of Postgres, as binary COPY payloads.

Training writes them with one `COPY ... FROM STDIN (FORMAT binary)`; a serving process reads them
all with one `COPY ... TO STDOUT (FORMAT binary)` and keeps them in memory per training run
(`served_lists`), so a request scores the user's history without reading a row. Both sides are
built and parsed by numpy, with no per-row Python work.
"""

from __future__ import annotations

import threading

import numpy as np
import scipy.sparse as sp
from django.db import connection

from recommender.neighbours import NeighbourLists

TABLE = "recommendations_itemneighbour"
# PostgreSQL's binary COPY layout for rows of (bigint, bigint, float8): a field count, then each
# field's byte length and big-endian value. https://www.postgresql.org/docs/current/sql-copy.html
_HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
_TRAILER = (-1).to_bytes(2, "big", signed=True)
_ROW = np.dtype(
    [("fields", ">i2"), ("len_a", ">i4"), ("a", ">i8"), ("len_b", ">i4"), ("b", ">i8"), ("len_w", ">i4"), ("w", ">f8")]
)


def encode(sources: np.ndarray, targets: np.ndarray, weights: np.ndarray) -> bytes:
    rows = np.empty(len(sources), dtype=_ROW)
    rows["fields"] = 3
    rows["len_a"] = rows["len_b"] = rows["len_w"] = 8
    rows["a"], rows["b"], rows["w"] = sources, targets, weights
    return _HEADER + rows.tobytes() + _TRAILER


def decode(payload: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sources, targets, weights) from a binary COPY of three NOT NULL columns as above."""
    if not payload.startswith(_HEADER[:11]):
        raise ValueError("not a binary COPY payload")
    body = memoryview(payload)[len(_HEADER) : len(payload) - len(_TRAILER)]
    rows = np.frombuffer(body, dtype=_ROW)
    return rows["a"].astype(np.int64), rows["b"].astype(np.int64), rows["w"].astype(np.float64)


def write_rows(sources: np.ndarray, targets: np.ndarray, weights: np.ndarray) -> None:
    """Append the rows with one binary COPY (the caller holds the transaction)."""
    if len(sources) == 0:
        return
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {TABLE} (movie_id, neighbour_id, weight) FROM STDIN (FORMAT binary)") as copy,
    ):
        copy.write(encode(sources, targets, weights))


def read_lists() -> NeighbourLists:
    """Every stored neighbour row, as the lists the offline evaluation scores against."""
    chunks = []
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {TABLE} (movie_id, neighbour_id, weight) TO STDOUT (FORMAT binary)") as copy,
    ):
        for chunk in copy:
            chunks.append(bytes(chunk))
    sources, targets, weights = decode(b"".join(chunks)) if chunks else (np.empty(0, np.int64),) * 2 + (np.empty(0),)
    item_ids = np.unique(np.concatenate([sources, targets]))
    rows, cols = np.searchsorted(item_ids, sources), np.searchsorted(item_ids, targets)
    matrix = sp.csr_matrix((weights.astype(np.float32), (rows, cols)), shape=(len(item_ids), len(item_ids)))
    return NeighbourLists(item_ids=item_ids, weights=matrix)


_served_lock = threading.Lock()
_served: tuple[object, NeighbourLists] | None = None


def served_lists(model_key: object) -> NeighbourLists | None:
    """The lists of the training run `model_key` names, read once per process and run.

    The key comes from the user's state query, read before the rows, so the rows held are never
    older than the key says (a run committed in between is picked up at the next key change)."""
    global _served
    if model_key is None:
        return None
    held = _served
    if held is not None and held[0] == model_key:
        return held[1]
    with _served_lock:
        if _served is None or _served[0] != model_key:
            _served = (model_key, read_lists())
        return _served[1]
