"""VectorStore on an embedded Qdrant Edge shard (qdrant_edge.EdgeShard) in one directory.

Single process only: the directory is flock-ed while open (see shard_lock).
Durability: the shard keeps its write-ahead log enabled, so an update is in the
WAL when `update()` returns and is replayed on the next open even after a
crash; `close()` flushes segments so that replay stays short.
Indexing: Edge runs no background optimizer. New points land in an appendable
segment searched by brute force; `optimize()` (called after bulk loads, by
`vectors.bootstrap`, and automatically once EDGE_AUTO_OPTIMIZE_UNINDEXED_POINTS
points are unindexed) builds the HNSW index for segments above the indexing
threshold (Qdrant's default 10 MB of vectors, ~6,500 384-d points).
"""

import json
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar, cast
from uuid import UUID

import qdrant_edge as edge

from vectors.errors import (
    PointsNotFound,
    VectorSizeMismatch,
    VectorStoreError,
    VectorStoreRejected,
    VectorStoreUnavailable,
)
from vectors.query_checks import require_positive_examples, require_positive_limit
from vectors.settings import SCALAR_INT8, SCALAR_QUANTILE, VectorSettings
from vectors.shard_lock import ShardDirectoryLock
from vectors.types import (
    CONTENT_HASH_FIELD,
    GENRES_FIELD,
    LANGUAGE_FIELD,
    VERSION_FIELD,
    YEAR_FIELD,
    MoviePoint,
    ScoredMovie,
    SearchFilter,
    StoredMovie,
    VectorLike,
    vector_as_list,
)

EDGE_CONFIG_FILE_NAME = "edge_config.json"  # written by qdrant_edge on create
SCROLL_PAGE_SIZE = 1_000
# Brute force over 20k 384-d points costs ~2 ms on one core, so below this there is
# little to gain from blocking a writer for an index build.
EDGE_AUTO_OPTIMIZE_UNINDEXED_POINTS = 20_000
# HNSW is skipped for filtered searches matching fewer vectors than this (in KB of
# vectors, Qdrant's default); those are answered exactly from the payload index.
FULL_SCAN_THRESHOLD_KB = 10_000
PAYLOAD_INDEXES = {
    GENRES_FIELD: edge.PayloadSchemaType.Keyword,
    YEAR_FIELD: edge.PayloadSchemaType.Integer,
    LANGUAGE_FIELD: edge.PayloadSchemaType.Keyword,
}
# The bindings raise plain Exception whose text is Qdrant's OperationError; these
# fragments mark the ones caused by the request itself rather than the engine.
REJECTED_MESSAGE_FRAGMENTS = (
    "dimension error",
    "wrong input",
    "bad input",
    "bad request",
    "validation",
    "type error",
)

Result = TypeVar("Result")


@contextmanager
def translated_errors() -> Iterator[None]:
    """Turn qdrant_edge exceptions into vectors.errors at the boundary."""
    try:
        yield
    except VectorStoreError:
        raise
    except (TypeError, ValueError, OverflowError) as error:
        raise VectorStoreRejected(f"Qdrant Edge rejected the request: {error}") from error
    except Exception as error:
        message = str(error)
        if any(fragment in message.lower() for fragment in REJECTED_MESSAGE_FRAGMENTS):
            raise VectorStoreRejected(f"Qdrant Edge rejected the request: {message}") from error
        raise VectorStoreUnavailable(f"Qdrant Edge failed: {message}") from error


Condition = (
    edge.FieldCondition
    | edge.IsEmptyCondition
    | edge.IsNullCondition
    | edge.HasIdCondition
    | edge.HasVectorCondition
    | edge.NestedCondition
    | edge.Filter
)


def build_filter(search_filter: SearchFilter | None, exclude_ids: Sequence[int] = ()) -> edge.Filter | None:
    """The Edge filter for a SearchFilter plus excluded ids (None when there is nothing to filter)."""
    must: list[Condition] = []
    if search_filter is not None:
        if search_filter.genre is not None:
            must.append(edge.FieldCondition(GENRES_FIELD, match=edge.MatchValue(search_filter.genre)))
        if search_filter.language is not None:
            must.append(edge.FieldCondition(LANGUAGE_FIELD, match=edge.MatchValue(search_filter.language)))
        if search_filter.year_min is not None or search_filter.year_max is not None:
            # Edge has one numeric range type; the integer index answers it exactly.
            year_range = edge.RangeFloat(gte=search_filter.year_min, lte=search_filter.year_max)
            must.append(edge.FieldCondition(YEAR_FIELD, range=year_range))
    must_not: list[Condition] = []
    if exclude_ids:
        must_not.append(edge.HasIdCondition({int(movie_id) for movie_id in exclude_ids}))
    if not must and not must_not:
        return None
    return edge.Filter(must=must or None, must_not=must_not or None)


def stored_dimension(shard_directory: str) -> int | None:
    """Vector size recorded in the shard's own config file, None when unreadable."""
    try:
        with open(os.path.join(shard_directory, EDGE_CONFIG_FILE_NAME)) as config_file:
            return int(json.load(config_file)["vectors"][""]["size"])
    except (OSError, KeyError, TypeError, ValueError):
        return None


class EdgeVectorStore:
    """VectorStore backed by one Edge shard in settings.path. See vectors.store.VectorStore.

    Opening takes the directory lock (VectorShardLocked if another process holds it)
    and loads an existing shard; a new directory gets its shard on ensure_collection.
    `settings.collection` is not used: the directory is the collection.
    """

    def __init__(self, settings: VectorSettings) -> None:
        if not settings.path:
            raise ValueError("EdgeVectorStore needs settings.path")
        self._settings = settings
        self._path = settings.path
        self._state_lock = threading.Lock()
        self._directory_lock: ShardDirectoryLock | None = ShardDirectoryLock(self._path)
        self._shard: edge.EdgeShard | None = None
        if os.path.exists(os.path.join(self._path, EDGE_CONFIG_FILE_NAME)):
            try:
                with translated_errors():
                    self._shard = edge.EdgeShard.load(self._path)
            except VectorStoreError:
                self._directory_lock.release()
                raise

    def _open_shard(self) -> edge.EdgeShard:
        if self._directory_lock is None:
            raise VectorStoreUnavailable("The vector store is closed")
        if self._shard is None:
            raise VectorStoreUnavailable(f"No Qdrant Edge shard at {self._path!r} yet; run vectors.bootstrap()")
        return self._shard

    def _call(self, operation: Callable[[edge.EdgeShard], Result]) -> Result:
        shard = self._open_shard()
        with translated_errors():
            return operation(shard)

    def ensure_collection(self, dimension: int) -> None:
        with self._state_lock:
            if self._directory_lock is None:
                raise VectorStoreUnavailable("The vector store is closed")
            if self._shard is None:
                with translated_errors():
                    self._shard = edge.EdgeShard.create(self._path, self._new_shard_config(dimension))
            else:
                existing_dimension = stored_dimension(self._path)
                if existing_dimension != dimension:
                    raise VectorSizeMismatch(self._path, existing_dimension or -1, dimension)
            indexed_fields = self._call(lambda shard: dict(shard.info().payload_schema))
            for field_name, schema in PAYLOAD_INDEXES.items():
                if field_name not in indexed_fields:
                    create_index = edge.UpdateOperation.create_field_index(field_name, schema)
                    self._call(partial(_update, operation=create_index))
            self._call(lambda shard: shard.flush())

    def _new_shard_config(self, dimension: int) -> edge.EdgeConfig:
        return edge.EdgeConfig(
            vectors=edge.EdgeVectorParams(size=dimension, distance=edge.Distance.Cosine),
            hnsw_config=edge.HnswIndexConfig(
                m=self._settings.hnsw_m,
                ef_construct=self._settings.hnsw_ef_construct,
                full_scan_threshold=FULL_SCAN_THRESHOLD_KB,
            ),
            quantization_config=(
                edge.ScalarQuantizationConfig(edge.ScalarType.Int8, quantile=SCALAR_QUANTILE, always_ram=True)
                if self._settings.quantization == SCALAR_INT8
                else None
            ),
        )

    def _search_params(self) -> edge.SearchParams:
        # A quantized shard walks the graph on int8 vectors and rescores the best hits with
        # the float originals, so the top 10 keeps full precision.
        quantization = edge.QuantizationSearchParams(rescore=True) if self._settings.quantization else None
        return edge.SearchParams(hnsw_ef=self._settings.search_ef, quantization=quantization)

    def upsert(self, points: Sequence[MoviePoint]) -> None:
        if not points:
            return
        edge_points = [
            edge.Point(
                int(point.movie_id),
                vector_as_list(point.vector),
                point.payload.as_payload(),
            )
            for point in points
        ]
        self._call(lambda shard: shard.update(edge.UpdateOperation.upsert_points(edge_points)))
        self._optimize_when_backlog_is_large()

    def _optimize_when_backlog_is_large(self) -> None:
        info = self._call(lambda shard: shard.info())
        if info.points_count - info.indexed_vectors_count >= EDGE_AUTO_OPTIMIZE_UNINDEXED_POINTS:
            self.optimize()

    def delete(self, movie_ids: Sequence[int]) -> None:
        if not movie_ids:
            return
        point_ids: list[int | UUID | str] = [int(movie_id) for movie_id in movie_ids]
        self._call(lambda shard: shard.update(edge.UpdateOperation.delete_points(point_ids)))

    def search(
        self,
        vector: VectorLike,
        limit: int,
        search_filter: SearchFilter | None = None,
        exclude_ids: Sequence[int] = (),
    ) -> list[ScoredMovie]:
        require_positive_limit(limit)
        request = edge.QueryRequest(
            limit=limit,
            query=edge.Query.Nearest(vector_as_list(vector)),
            filter=build_filter(search_filter, exclude_ids),
            params=self._search_params(),
            with_payload=False,
        )
        hits = self._call(lambda shard: shard.query(request))
        return [ScoredMovie(movie_id=int(hit.id), score=hit.score) for hit in hits]

    def recommend(
        self,
        positive_ids: Sequence[int],
        negative_ids: Sequence[int],
        limit: int,
        search_filter: SearchFilter | None = None,
    ) -> list[ScoredMovie]:
        require_positive_limit(limit)
        require_positive_examples(positive_ids)
        example_ids = [int(movie_id) for movie_id in (*positive_ids, *negative_ids)]
        vectors_by_id = self._vectors(example_ids)
        missing = set(example_ids) - vectors_by_id.keys()
        if missing:
            raise PointsNotFound(missing)
        # Edge takes example vectors, not ids, and so does not skip the examples itself.
        request = edge.QueryRequest(
            limit=limit,
            query=edge.Query.RecommendBestScore(
                edge.RecommendQuery(
                    [vectors_by_id[int(movie_id)] for movie_id in positive_ids],
                    [vectors_by_id[int(movie_id)] for movie_id in negative_ids],
                )
            ),
            filter=build_filter(search_filter, example_ids),
            params=self._search_params(),
            with_payload=False,
        )
        hits = self._call(lambda shard: shard.query(request))
        return [ScoredMovie(movie_id=int(hit.id), score=hit.score) for hit in hits]

    def _vectors(self, movie_ids: Sequence[int]) -> dict[int, list[float]]:
        point_ids: list[int | UUID | str] = [int(movie_id) for movie_id in movie_ids]
        records = self._call(lambda shard: shard.retrieve(point_ids, False, True))
        # One unnamed dense vector per point: the collection's only vector.
        return {int(record.id): cast(list[float], record.vector) for record in records if record.vector is not None}

    def get_vector(self, movie_id: int) -> tuple[float, ...] | None:
        vector = self._vectors([int(movie_id)]).get(int(movie_id))
        return None if vector is None else tuple(float(value) for value in vector)

    def get_vectors(self, movie_ids: Sequence[int]) -> dict[int, tuple[float, ...]]:
        if not movie_ids:
            return {}
        return {movie_id: tuple(vector) for movie_id, vector in self._vectors(movie_ids).items()}

    def has(self, movie_id: int) -> bool:
        return bool(self._call(lambda shard: shard.retrieve([int(movie_id)], False, False)))

    def stored_movies(self) -> list[StoredMovie]:
        stored: list[StoredMovie] = []
        offset = None
        payload_fields = edge.PayloadSelector.Include([CONTENT_HASH_FIELD, VERSION_FIELD])
        while True:
            request = edge.ScrollRequest(offset=offset, limit=SCROLL_PAGE_SIZE, with_payload=payload_fields)
            records, offset = self._call(partial(_scroll, page=request))
            stored.extend(_stored_movie(int(record.id), record.payload or {}) for record in records)
            if offset is None:
                return stored

    def stored_states(self, movie_ids: Sequence[int]) -> dict[int, StoredMovie]:
        if not movie_ids:
            return {}
        point_ids: list[int | UUID | str] = [int(movie_id) for movie_id in movie_ids]
        records = self._call(
            lambda shard: shard.retrieve(
                point_ids, edge.PayloadSelector.Include([CONTENT_HASH_FIELD, VERSION_FIELD]), False
            )
        )
        return {int(record.id): _stored_movie(int(record.id), record.payload or {}) for record in records}

    def stored_versions(self, movie_ids: Sequence[int]) -> dict[int, int]:
        return {movie_id: stored.version for movie_id, stored in self.stored_states(movie_ids).items()}

    def count(self) -> int:
        return self._call(lambda shard: shard.count(edge.CountRequest(exact=True)))

    def optimize(self) -> None:
        """Build HNSW for every segment above the indexing threshold, blocking (seconds per
        10k points on 2 cores), then flush so the index is not rebuilt after a restart."""
        self._call(lambda shard: shard.optimize())
        self._call(lambda shard: shard.flush())

    def indexed_vectors_count(self) -> int:
        """How many vectors an HNSW index covers (Edge only; for tests and diagnostics)."""
        return self._call(lambda shard: shard.info().indexed_vectors_count)

    def ping(self) -> None:
        """Raises VectorStoreUnavailable when closed; a directory without a shard yet is healthy."""
        if self._directory_lock is None:
            raise VectorStoreUnavailable("The vector store is closed")
        if self._shard is not None:
            self._call(lambda shard: shard.info())

    def clear(self) -> None:
        self._call(lambda shard: shard.update(edge.UpdateOperation.delete_points_by_filter(edge.Filter())))

    def close(self) -> None:
        with self._state_lock:
            if self._directory_lock is None:
                return
            shard, self._shard = self._shard, None
            try:
                if shard is not None:
                    with translated_errors():
                        shard.flush()
                        shard.close()
            finally:
                # Unlock only after the shard let go of its files, so a successor never
                # opens a directory still being written.
                self._directory_lock.release()
                self._directory_lock = None


def _update(shard: edge.EdgeShard, operation: edge.UpdateOperation) -> None:
    shard.update(operation)


def _scroll(shard: edge.EdgeShard, page: edge.ScrollRequest) -> tuple[list[edge.Record], int | UUID | str | None]:
    return shard.scroll(page)


def _stored_movie(movie_id: int, payload: dict[str, Any]) -> StoredMovie:
    return StoredMovie(
        movie_id=movie_id,
        content_hash=str(payload.get(CONTENT_HASH_FIELD, "")),
        version=int(payload.get(VERSION_FIELD, 0)),
    )
