"""Rebuilds a projection from Postgres in bulk: batched writes into the graph, batched encode and
upsert into the vector store. Each entity is written at its current version, so events still in
flight afterwards are recognised as stale and change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import transaction
from tqdm import tqdm

import vectors
from backend.projector import kinds
from backend.sync import locks
from graph import projection
from graph.types import Versioned
from vectors.pipeline import encode_while_writing
from vectors.text import content_hash
from vectors.types import MoviePoint


def rebuild_graph(*, progress: bool = False) -> dict[str, int]:
    """Empty the graph and write every live entity of every graph kind; returns counts per kind.
    Serialized against other rebuilds and against deliveries (backend/sync/locks.py)."""
    with transaction.atomic():
        locks.hold_exclusive("graph")
        return _rebuild_graph(progress)


def _rebuild_graph(progress: bool) -> dict[str, int]:
    projection.clear_all()
    counts = {}
    for kind in kinds.KINDS.values():
        if kind.graph is None:
            continue
        written = 0
        with tqdm(desc=f"graph {kind.name}", unit=kind.name, disable=not progress) as bar:
            for chunk in kind.chunks():
                keys = [kind.key(row) for row in chunk]
                versions = kind.versions(keys)
                changes = [
                    Versioned(kind.ids(key), versions[key], kind.state(row))
                    for key, row in zip(keys, chunk, strict=True)
                ]
                written += projection.apply(kind.graph, changes)
                bar.update(len(chunk))
        counts[kind.name] = written
    return counts


def rebuild_vectors(*, progress: bool = False) -> int:
    """Re-encode every movie in model-sized batches and replace the vector store's content.
    Serialized against other rebuilds and against deliveries (backend/sync/locks.py)."""
    with transaction.atomic():
        locks.hold_exclusive("vectors")
        return _rebuild_vectors(progress)


def _rebuild_vectors(progress: bool) -> int:
    kind, form = kinds.MOVIE, kinds.MOVIE.vectors
    assert form is not None
    store, embedder = vectors.get_vector_store(), vectors.get_embedder()
    store.ensure_collection(embedder.dimension)
    store.clear()
    written = 0

    def rows() -> Iterator[list[tuple[Any, dict[str, Any], int, str]]]:
        # Postgres is read here, in the caller's thread; the writer thread touches only the store.
        for chunk in kind.chunks():
            states = [kind.state(movie) for movie in chunk]
            versions = kind.versions([kind.key(movie) for movie in chunk])
            yield [
                (movie, state, versions[kind.key(movie)], form.text(state))
                for movie, state in zip(chunk, states, strict=True)
            ]

    def encode(batch: list[tuple[Any, dict[str, Any], int, str]]) -> Any:
        return embedder.encode([text for *_, text in batch])

    def write(batch: list[tuple[Any, dict[str, Any], int, str]], encoded: Any) -> None:
        nonlocal written
        store.upsert(
            [
                MoviePoint(movie.id, vector, form.payload(movie.id, version, state, content_hash(text)))
                for (movie, state, version, text), vector in zip(batch, encoded, strict=True)
            ]
        )
        written += len(batch)
        bar.update(len(batch))

    # The next chunk is read and encoded while the previous one is written.
    with tqdm(desc="vectors", unit="movie", disable=not progress) as bar:
        encode_while_writing(rows(), encode, write)
    return written
