"""Rebuilds a projection from Postgres in bulk: UNWIND batches into the graph, batched encode and
upsert into the vector store. Each entity is written at its current version, so events still in
flight afterwards are recognised as stale and change nothing."""

from __future__ import annotations

from collections.abc import Callable

from tqdm import tqdm

import vectors
from backend.sync import snapshots, states
from backend.sync.graph_sync import movie_state_from_payload
from backend.sync.vector_sync import payload_of
from graph import projection
from graph.types import (
    FollowRow,
    FollowState,
    LikeRow,
    LikeState,
    MovieRow,
    RatingRow,
    RatingState,
    UserRow,
    UserState,
)
from vectors.text import content_hash, movie_embedding_text
from vectors.types import MoviePoint


def _user(row) -> UserRow:
    state = states.user_state(row)
    return UserRow(row.id, row.version, UserState(username=state["username"], is_private=state["is_private"]))


def _movie(row) -> MovieRow:
    return MovieRow(row.id, row.version, movie_state_from_payload(snapshots.state("movie", row)))


def _follow(row) -> FollowRow:
    return FollowRow(row.follower_id, row.followee_id, row.version, FollowState(since=row.created_at))


def _like(row) -> LikeRow:
    return LikeRow(row.user_id, row.movie_id, row.version, LikeState(at=row.created_at))


def _rating(row) -> RatingRow:
    return RatingRow(row.user_id, row.movie_id, row.version, RatingState(score=float(row.score), at=row.updated_at))


GRAPH_LOADERS: dict[str, tuple[Callable, Callable]] = {
    "user": (_user, projection.users_bulk_upsert),
    "movie": (_movie, projection.movies_bulk_upsert),
    "follow": (_follow, projection.follows_bulk_upsert),
    "like": (_like, projection.likes_bulk_upsert),
    "rating": (_rating, projection.ratings_bulk_upsert),
}


def rebuild_graph(*, progress: bool = False) -> dict[str, int]:
    """Empty the graph and write every user, movie, follow, like and rating; returns counts."""
    projection.clear_all()
    counts = {}
    for kind, (to_row, bulk_upsert) in GRAPH_LOADERS.items():
        written = 0
        with tqdm(desc=f"graph {kind}", unit=kind, disable=not progress) as bar:
            for chunk in snapshots.chunks(kind):
                written += bulk_upsert([to_row(row) for row in chunk])
                bar.update(len(chunk))
        counts[kind] = written
    return counts


def rebuild_vectors(*, progress: bool = False) -> int:
    """Re-encode every movie in model-sized batches and replace the vector store's content."""
    store, embedder = vectors.get_vector_store(), vectors.get_embedder()
    store.ensure_collection(embedder.dimension)
    store.clear()
    written = 0
    with tqdm(desc="vectors", unit="movie", disable=not progress) as bar:
        for chunk in snapshots.chunks("movie"):
            states = [snapshots.state("movie", movie) for movie in chunk]
            texts = [movie_embedding_text(s["title"], s["year"], s["genres"], s["overview"]) for s in states]
            encoded = embedder.encode(texts)
            store.upsert(
                [
                    MoviePoint(movie.id, vector, payload_of(movie.id, movie.version, state, content_hash(text)))
                    for movie, state, text, vector in zip(chunk, states, texts, encoded, strict=True)
                ]
            )
            written += len(chunk)
            bar.update(len(chunk))
    return written
