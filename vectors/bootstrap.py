"""Startup step that makes the vector collection match the embedding model."""


def bootstrap() -> None:
    """Create the collection for the embedder's dimension (with payload indexes) and build
    any pending HNSW index. Idempotent; loads the model and opens the store if needed.

    Raises VectorSizeMismatch when the collection was built for another model, and
    VectorStoreUnavailable / VectorShardLocked when the store cannot be reached.
    """
    from vectors import get_embedder, get_vector_store

    store = get_vector_store()
    store.ensure_collection(get_embedder().dimension)
    store.optimize()
