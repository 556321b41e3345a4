"""Hands the Django settings to the Django-free store packages (`graph/`, `vectors/`).

Configuring only records settings: drivers, shards and the model are created lazily, on first use,
in the process that uses them (after a Celery fork, never before).
"""

from django.conf import settings

import graph
import vectors
from graph.settings import GraphSettings
from vectors.settings import VectorSettings


def graph_settings() -> GraphSettings | None:
    if not settings.NEO4J_URI:
        return None
    return GraphSettings(
        uri=settings.NEO4J_URI,
        user=settings.NEO4J_USER,
        password=settings.NEO4J_PASSWORD or "",
        database=settings.NEO4J_DATABASE,
        query_timeout_seconds=settings.NEO4J_QUERY_TIMEOUT,
    )


def vector_settings() -> VectorSettings:
    return VectorSettings(
        url=settings.QDRANT_URL,
        api_key=settings.QDRANT_API_KEY,
        path=None if settings.QDRANT_URL else settings.QDRANT_PATH,
        collection=settings.QDRANT_COLLECTION,
        hnsw_m=settings.QDRANT_HNSW_M,
        hnsw_ef_construct=settings.QDRANT_HNSW_EF_CONSTRUCT,
        search_ef=settings.QDRANT_SEARCH_EF,
        quantization=settings.QDRANT_QUANTIZATION,
        embedding_model=settings.EMBEDDING_MODEL,
        embedding_device=settings.EMBEDDING_DEVICE,
    )


def configure_from_settings() -> None:
    graph.configure(graph_settings())
    vectors.configure(vector_settings())
