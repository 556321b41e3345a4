"""Validation shared by both backends before a query reaches Qdrant."""

from collections.abc import Sequence

from vectors.errors import VectorStoreRejected


def require_positive_limit(limit: int) -> None:
    """Qdrant rejects limit 0 with an unhelpful message; say it plainly."""
    if limit < 1:
        raise VectorStoreRejected(f"limit must be at least 1, got {limit}")


def require_positive_examples(positive_ids: Sequence[int]) -> None:
    """A recommend query without a positive example has nothing to be similar to."""
    if not positive_ids:
        raise VectorStoreRejected("recommend needs at least one positive movie id")
