"""Rebuilds a projection from Postgres in bulk: batched writes into the graph, batched encode and
upsert into the vector store. Each entity is written at its current version, so events still in
flight afterwards are recognised as stale and change nothing."""

from __future__ import annotations

from django.db import transaction
from tqdm import tqdm

import vectors
from backend.projector import kinds
from backend.sync import locks
from graph import projection
from graph.types import Versioned
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
    with tqdm(desc="vectors", unit="movie", disable=not progress) as bar:
        for chunk in kind.chunks():
            states = [kind.state(movie) for movie in chunk]
            versions = kind.versions([kind.key(movie) for movie in chunk])
            texts = [form.text(state) for state in states]
            encoded = embedder.encode(texts)
            store.upsert(
                [
                    MoviePoint(
                        movie.id, vector, form.payload(movie.id, versions[kind.key(movie)], state, content_hash(text))
                    )
                    for movie, state, text, vector in zip(chunk, states, texts, encoded, strict=True)
                ]
            )
            written += len(chunk)
            bar.update(len(chunk))
    return written
