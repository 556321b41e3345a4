"""VectorStore on a Qdrant server (or qdrant-client's local mode) through qdrant-client.

Many processes may share one server collection; this is the backend for
multi-process deployments. Writes use wait=True so they are applied (and
searchable) when a call returns.
"""

import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar, cast

import httpx
from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import ResponseHandlingException, UnexpectedResponse

from vectors.errors import (
    PointsNotFound,
    VectorSizeMismatch,
    VectorStoreError,
    VectorStoreRejected,
    VectorStoreUnavailable,
)
from vectors.query_checks import require_positive_examples, require_positive_limit
from vectors.settings import SCALAR_INT8, SCALAR_QUANTILE, VectorSettings
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

LOCAL_MEMORY_URL = ":memory:"
SCROLL_PAGE_SIZE = 1_000
PAYLOAD_INDEXES = {
    GENRES_FIELD: models.PayloadSchemaType.KEYWORD,
    YEAR_FIELD: models.PayloadSchemaType.INTEGER,
    LANGUAGE_FIELD: models.PayloadSchemaType.KEYWORD,
}
# Local mode has no payload indexes and says so on every create_payload_index call.
LOCAL_MODE_INDEX_WARNING = "Payload indexes have no effect in the local Qdrant"

Result = TypeVar("Result")


@contextmanager
def translated_errors(collection: str) -> Iterator[None]:
    """Turn qdrant-client / httpx exceptions into vectors.errors at the boundary."""
    try:
        yield
    except VectorStoreError:
        raise
    except UnexpectedResponse as error:
        if error.status_code is not None and error.status_code >= 500:
            raise VectorStoreUnavailable(f"Qdrant server error {error.status_code}: {error}") from error
        if error.status_code == 404 and "collection" in str(error).lower():
            raise VectorStoreUnavailable(
                f"Qdrant collection {collection!r} does not exist yet; run vectors.bootstrap()"
            ) from error
        raise VectorStoreRejected(f"Qdrant rejected the request: {error}") from error
    except (
        ResponseHandlingException,
        httpx.TransportError,
        ConnectionError,
        TimeoutError,
    ) as error:
        raise VectorStoreUnavailable(f"Qdrant server unreachable: {error}") from error
    except RuntimeError as error:
        # Local mode raises RuntimeError once closed.
        raise VectorStoreUnavailable(f"Qdrant client unusable: {error}") from error
    except ValueError as error:
        # Local mode reports bad input (wrong dimension, missing collection) as ValueError.
        if "collection" in str(error).lower() and "not found" in str(error).lower():
            raise VectorStoreUnavailable(
                f"Qdrant collection {collection!r} does not exist yet; run vectors.bootstrap()"
            ) from error
        raise VectorStoreRejected(f"Qdrant rejected the request: {error}") from error


def build_filter(search_filter: SearchFilter | None, exclude_ids: Sequence[int] = ()) -> models.Filter | None:
    """The Qdrant filter for a SearchFilter plus excluded ids (None when there is nothing to filter)."""
    must: list[models.Condition] = []
    if search_filter is not None:
        if search_filter.genre is not None:
            must.append(models.FieldCondition(key=GENRES_FIELD, match=models.MatchValue(value=search_filter.genre)))
        if search_filter.language is not None:
            must.append(
                models.FieldCondition(
                    key=LANGUAGE_FIELD,
                    match=models.MatchValue(value=search_filter.language),
                )
            )
        if search_filter.year_min is not None or search_filter.year_max is not None:
            must.append(
                models.FieldCondition(
                    key=YEAR_FIELD,
                    range=models.Range(gte=search_filter.year_min, lte=search_filter.year_max),
                )
            )
    must_not: list[models.Condition] = []
    if exclude_ids:
        must_not.append(models.HasIdCondition(has_id=[int(movie_id) for movie_id in exclude_ids]))
    if not must and not must_not:
        return None
    return models.Filter(must=must or None, must_not=must_not or None)


class ServerVectorStore:
    """VectorStore backed by qdrant-client (REST). See vectors.store.VectorStore for the contract."""

    def __init__(self, settings: VectorSettings) -> None:
        if not settings.url:
            raise ValueError("ServerVectorStore needs settings.url")
        self._settings = settings
        self._collection = settings.collection
        if settings.url == LOCAL_MEMORY_URL:
            self._client = QdrantClient(location=LOCAL_MEMORY_URL)
            # Local mode always searches exactly and warns on every call given hnsw_ef.
            self._search_params: models.SearchParams | None = None
        else:
            self._search_params = models.SearchParams(
                hnsw_ef=settings.search_ef,
                quantization=models.QuantizationSearchParams(rescore=True) if settings.quantization else None,
            )
            self._client = QdrantClient(
                url=settings.url,
                api_key=settings.api_key,
                timeout=int(max(1, round(settings.timeout_seconds))),
            )
        self._closed = False

    def _call(self, operation: Callable[[], Result]) -> Result:
        if self._closed:
            raise VectorStoreUnavailable("The vector store is closed")
        with translated_errors(self._collection):
            return operation()

    def ensure_collection(self, dimension: int) -> None:
        def ensure() -> None:
            if self._client.collection_exists(self._collection):
                params = self._client.get_collection(self._collection).config.params.vectors
                stored_dimension = params.size if isinstance(params, models.VectorParams) else None
                if stored_dimension != dimension:
                    raise VectorSizeMismatch(self._collection, stored_dimension or -1, dimension)
            else:
                self._client.create_collection(
                    self._collection,
                    vectors_config=models.VectorParams(size=dimension, distance=models.Distance.COSINE),
                    hnsw_config=models.HnswConfigDiff(
                        m=self._settings.hnsw_m,
                        ef_construct=self._settings.hnsw_ef_construct,
                    ),
                    quantization_config=(
                        models.ScalarQuantization(
                            scalar=models.ScalarQuantizationConfig(
                                type=models.ScalarType.INT8, quantile=SCALAR_QUANTILE, always_ram=True
                            )
                        )
                        if self._settings.quantization == SCALAR_INT8
                        else None
                    ),
                )
            # create_payload_index is idempotent for an existing index of the same type,
            # so re-running it also repairs a collection created without them.
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=LOCAL_MODE_INDEX_WARNING)
                for field_name, schema in PAYLOAD_INDEXES.items():
                    self._client.create_payload_index(self._collection, field_name, schema, wait=True)

        self._call(ensure)

    def upsert(self, points: Sequence[MoviePoint]) -> None:
        if not points:
            return
        structs = [
            models.PointStruct(
                id=point.movie_id,
                vector=vector_as_list(point.vector),
                payload=point.payload.as_payload(),
            )
            for point in points
        ]
        self._call(lambda: self._client.upsert(self._collection, points=structs, wait=True))

    def delete(self, movie_ids: Sequence[int]) -> None:
        if not movie_ids:
            return
        selector = models.PointIdsList(points=[int(movie_id) for movie_id in movie_ids])
        self._call(lambda: self._client.delete(self._collection, points_selector=selector, wait=True))

    def search(
        self,
        vector: VectorLike,
        limit: int,
        search_filter: SearchFilter | None = None,
        exclude_ids: Sequence[int] = (),
    ) -> list[ScoredMovie]:
        require_positive_limit(limit)
        response = self._call(
            lambda: self._client.query_points(
                self._collection,
                query=vector_as_list(vector),
                query_filter=build_filter(search_filter, exclude_ids),
                limit=limit,
                search_params=self._search_params,
                with_payload=False,
            )
        )
        return [ScoredMovie(movie_id=int(hit.id), score=hit.score) for hit in response.points]

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
        self._raise_unless_stored(example_ids)
        query = models.RecommendQuery(
            recommend=models.RecommendInput(
                positive=[int(movie_id) for movie_id in positive_ids],
                negative=[int(movie_id) for movie_id in negative_ids],
                strategy=models.RecommendStrategy.BEST_SCORE,
            )
        )
        response = self._call(
            lambda: self._client.query_points(
                self._collection,
                query=query,
                # The server already skips the examples; the explicit exclusion keeps the
                # guarantee identical to the Edge backend.
                query_filter=build_filter(search_filter, example_ids),
                limit=limit,
                search_params=self._search_params,
                with_payload=False,
            )
        )
        return [ScoredMovie(movie_id=int(hit.id), score=hit.score) for hit in response.points]

    def _raise_unless_stored(self, movie_ids: Sequence[int]) -> None:
        # Checked up front rather than parsed out of the server's 404 text, which differs
        # between server versions and local mode.
        records = self._call(
            lambda: self._client.retrieve(
                self._collection,
                ids=list(movie_ids),
                with_payload=False,
                with_vectors=False,
            )
        )
        missing = set(movie_ids) - {int(record.id) for record in records}
        if missing:
            raise PointsNotFound(missing)

    def get_vector(self, movie_id: int) -> tuple[float, ...] | None:
        records = self._call(
            lambda: self._client.retrieve(
                self._collection,
                ids=[int(movie_id)],
                with_payload=False,
                with_vectors=True,
            )
        )
        if not records or records[0].vector is None:
            return None
        return tuple(float(value) for value in cast(list[float], records[0].vector))

    def get_vectors(self, movie_ids: Sequence[int]) -> dict[int, tuple[float, ...]]:
        if not movie_ids:
            return {}
        records = self._call(
            lambda: self._client.retrieve(
                self._collection,
                ids=[int(movie_id) for movie_id in movie_ids],
                with_payload=False,
                with_vectors=True,
            )
        )
        return {
            int(record.id): tuple(float(value) for value in cast(list[float], record.vector))
            for record in records
            if record.vector is not None
        }

    def has(self, movie_id: int) -> bool:
        records = self._call(
            lambda: self._client.retrieve(
                self._collection,
                ids=[int(movie_id)],
                with_payload=False,
                with_vectors=False,
            )
        )
        return bool(records)

    def stored_movies(self) -> list[StoredMovie]:
        stored: list[StoredMovie] = []
        offset: models.ExtendedPointId | None = None
        while True:
            records, offset = self._call(
                lambda page_start=offset: self._client.scroll(  # type: ignore[misc]  # binds the page, B023
                    self._collection,
                    limit=SCROLL_PAGE_SIZE,
                    offset=page_start,
                    with_payload=[CONTENT_HASH_FIELD, VERSION_FIELD],
                    with_vectors=False,
                )
            )
            stored.extend(
                StoredMovie(
                    movie_id=int(record.id),
                    content_hash=str((record.payload or {}).get(CONTENT_HASH_FIELD, "")),
                    version=int((record.payload or {}).get(VERSION_FIELD, 0)),
                )
                for record in records
            )
            if offset is None:
                return stored

    def stored_states(self, movie_ids: Sequence[int]) -> dict[int, StoredMovie]:
        if not movie_ids:
            return {}
        records = self._call(
            lambda: self._client.retrieve(
                self._collection,
                ids=[int(movie_id) for movie_id in movie_ids],
                with_payload=[CONTENT_HASH_FIELD, VERSION_FIELD],
                with_vectors=False,
            )
        )
        return {
            int(record.id): StoredMovie(
                movie_id=int(record.id),
                content_hash=str((record.payload or {}).get(CONTENT_HASH_FIELD, "")),
                version=int((record.payload or {}).get(VERSION_FIELD, 0)),
            )
            for record in records
        }

    def stored_versions(self, movie_ids: Sequence[int]) -> dict[int, int]:
        return {movie_id: stored.version for movie_id, stored in self.stored_states(movie_ids).items()}

    def count(self) -> int:
        return self._call(lambda: self._client.count(self._collection, exact=True).count)

    def optimize(self) -> None:
        """No-op: the Qdrant server builds HNSW indexes in the background on its own."""

    def ping(self) -> None:
        self._call(self._client.get_collections)

    def clear(self) -> None:
        everything = models.FilterSelector(filter=models.Filter())
        self._call(lambda: self._client.delete(self._collection, points_selector=everything, wait=True))

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with translated_errors(self._collection):
            self._client.close()
