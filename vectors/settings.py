"""Connection and tuning settings for the vector store and the embedder.

Plain values only: the Django settings module builds one of these from the
environment and hands it to `vectors.configure`.
"""

from dataclasses import dataclass

# The one quantization offered: each float32 value stored again as one byte (4x smaller copy of
# the vectors, kept in RAM); https://qdrant.tech/documentation/guides/quantization/#scalar-quantization
SCALAR_INT8 = "int8"
QUANTIZATION_CHOICES = (SCALAR_INT8,)
# The int8 range covers this quantile of the values, so rare outliers do not waste its resolution.
SCALAR_QUANTILE = 0.99


@dataclass(frozen=True)
class VectorSettings:
    """Which Qdrant to use and how to index and embed.

    Backend choice: `url` set -> Qdrant server through qdrant-client
    (`url == ":memory:"` -> qdrant-client's local in-memory mode, used by tests
    to run the server code path without a server); otherwise `path` -> an
    embedded Qdrant Edge shard stored in that directory (single process only).

    HNSW parameters: https://qdrant.tech/documentation/concepts/indexing/#vector-index
    The defaults (m=16, ef_construct=200, ef=128) are chosen on real plot embeddings
    (IMDb top-1000 overviews, ml-100k titles, the demo catalogue) and 50k synthetic
    vectors keeping their clusters (bench/bench_hnsw.py): recall@10 0.98 against exact
    search on the Edge shard at about a third of the latency of the settings below.
    A deployment whose vectors are i.i.d.-like (random, or a model whose embeddings
    spread evenly over the sphere) should set m=32, ef_construct=200, ef=512
    (QDRANT_HNSW_M, QDRANT_HNSW_EF_CONSTRUCT, QDRANT_SEARCH_EF): those reach 0.98 on
    20k i.i.d. unit vectors but 0.90 on 50k, so a bigger such set needs higher m and
    ef_construct, measured on its own vectors.
    `search_ef` is the hnsw_ef sent with every search and recommend. m and ef_construct
    apply when the collection is created, as does `quantization` ("int8": scalar
    quantization, searched on int8 copies in RAM and rescored with the originals;
    None: float32 only).
    """

    url: str | None = None
    api_key: str | None = None
    path: str | None = None
    collection: str = "movies"
    hnsw_m: int = 16
    hnsw_ef_construct: int = 200
    search_ef: int = 128
    quantization: str | None = None
    timeout_seconds: float = 5.0
    embedding_model: str | None = None
    embedding_device: str = "cpu"
    embedding_batch_size: int = 64
