"""Benchmark of vectors/: ingest throughput and Edge search latency / recall.

Usage: .venv/bin/python bench/bench_vectors.py [--movies 50000] [--texts 2000] [--quick]
       [--distribution uniform|clustered]

(1) Ingest: movie_embedding_text + Embedder.encode (batches) + upsert into an Edge
    shard, 64 texts at a time one batch after another (the path before), pipelined
    (vectors.pipeline: the next batch is encoded while the previous one is written), and
    pipelined with vector_apply's ENCODE_WINDOW texts per encode call, against bare
    SentenceTransformer.encode of all the texts in one call (which sorts them by length,
    so its batches carry little padding).
(2) Search: --movies random 384-d unit vectors in an Edge shard with the default
    VectorSettings (HNSW built with optimize()), p50/p95 latency and recall@10
    against exact numpy search. "uniform" (the default) is i.i.d. standard normal
    rows normalized to unit length, HNSW's worst case and the requirement's case.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

# OpenBLAS threads spin after each call and fight Edge's search pool and torch for the
# 2 cores, which made the exact baseline 5-7x slower than alone; one thread is fair.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from results import Results, add_json_argument  # bench/results.py, beside this script

from vectors.edge_backend import EdgeVectorStore
from vectors.embedder import Embedder
from vectors.pipeline import ENCODE_WINDOW, encode_while_writing
from vectors.settings import VectorSettings
from vectors.text import content_hash, movie_embedding_text
from vectors.types import MoviePayload, MoviePoint

DIMENSION = 384
RECALL_AT = 10
UPSERT_BATCH_SIZE = 1_000
INGEST_RUNS = 2
GENRES = (
    "Action",
    "Comedy",
    "Drama",
    "Heist",
    "Horror",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "Western",
)
PLOT_WORDS = [
    "a",
    "retired",
    "thief",
    "returns",
    "for",
    "one",
    "last",
    "job",
    "while",
    "a",
    "detective",
    "closes",
    "in",
    "on",
    "the",
    "crew",
    "an",
    "astronaut",
    "stranded",
    "on",
    "a",
    "hostile",
    "planet",
    "must",
    "find",
    "a",
    "way",
    "home",
    "before",
    "oxygen",
    "runs",
    "out",
    "two",
    "estranged",
    "sisters",
    "inherit",
    "a",
    "crumbling",
    "vineyard",
    "and",
    "a",
    "family",
    "secret",
    "a",
    "small",
    "town",
    "is",
    "haunted",
    "by",
    "something",
    "in",
    "the",
    "woods",
    "that",
    "only",
    "children",
    "can",
    "see",
]


def synthetic_movies(count: int, rng: np.random.Generator) -> list[tuple[str, int, tuple[str, ...], str]]:
    """(title, year, genres, overview) with 30-60 word plots, like catalogue overviews."""
    movies = []
    for index in range(count):
        words = rng.choice(PLOT_WORDS, size=int(rng.integers(30, 60)))
        genres = tuple(rng.choice(GENRES, size=2, replace=False).tolist())
        movies.append(
            (
                f"Movie {index}",
                int(rng.integers(1950, 2025)),
                genres,
                " ".join(words).capitalize() + ".",
            )
        )
    return movies


def payload(movie_id: int, title: str, year: int, genres: tuple[str, ...], text: str) -> MoviePayload:
    return MoviePayload(movie_id, title, year, genres, "en", 0.5, content_hash(text), 1)


def bench_ingest(text_count: int, shard_directory: str) -> dict[str, float]:
    import torch

    rng = np.random.default_rng(1)
    movies = synthetic_movies(text_count, rng)
    # One intra-op thread: on 2 shared cores the second one spins against the other processes.
    torch.set_num_threads(1)
    embedder = Embedder(VectorSettings())
    texts = [movie_embedding_text(*movie) for movie in movies]
    embedder.encode(texts[:64])  # warm-up: first call pays lazy torch initialisation

    def bare_encode_seconds() -> float:
        started = time.perf_counter()
        embedder.model.encode(texts, batch_size=embedder.batch_size, show_progress_bar=False)
        return time.perf_counter() - started

    # Timed before and after the ingest path, best kept: CPU clocks on a shared
    # 2-core box drift by tens of percent over a minute.
    bare_seconds = bare_encode_seconds()

    def ingest_seconds(directory: str, window: int, pipelined: bool) -> float:
        store = EdgeVectorStore(VectorSettings(path=directory))
        store.ensure_collection(embedder.dimension)
        starts = range(0, text_count, window)

        def encode(start: int) -> np.ndarray:
            batch = movies[start : start + window]
            return embedder.encode([movie_embedding_text(*movie) for movie in batch])

        def write(start: int, batch_vectors: np.ndarray) -> None:
            batch = movies[start : start + window]
            store.upsert(
                [
                    MoviePoint(
                        start + offset + 1,
                        batch_vectors[offset],
                        payload(start + offset + 1, movie[0], movie[1], movie[2], movie_embedding_text(*movie)),
                    )
                    for offset, movie in enumerate(batch)
                ]
            )

        started = time.perf_counter()
        if pipelined:
            encode_while_writing(starts, encode, write)
        else:
            for start in tqdm(starts, desc="ingest", leave=False):
                write(start, encode(start))
        seconds = time.perf_counter() - started
        assert store.count() == text_count
        store.close()
        return seconds

    # Alternated and best kept: CPU clocks on a shared 2-core box drift by tens of percent.
    paths = {
        "sequential_64": (embedder.batch_size, False),
        "pipelined_64": (embedder.batch_size, True),
        "pipelined_window": (ENCODE_WINDOW, True),
    }
    seconds: dict[str, list[float]] = {name: [] for name in paths}
    for run in range(INGEST_RUNS):
        for name, (window, pipelined) in paths.items():
            seconds[name].append(ingest_seconds(f"{shard_directory}/{name}-{run}", window, pipelined))
        bare_seconds = min(bare_seconds, bare_encode_seconds())
    return {"bare": text_count / bare_seconds} | {name: text_count / min(runs) for name, runs in seconds.items()}


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def random_movies(count: int, query_count: int, distribution: str) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    if distribution == "uniform":
        return (
            unit_rows(rng.standard_normal((count, DIMENSION)).astype(np.float32)),
            unit_rows(rng.standard_normal((query_count, DIMENSION)).astype(np.float32)),
        )
    # Topic clusters with noise as large as the signal: closer to real embeddings than
    # i.i.d. vectors, which are HNSW's worst case (see tests/vectors/test_recall.py).
    centroids = unit_rows(rng.standard_normal((max(50, count // 100), DIMENSION)).astype(np.float32))

    def around_centroids(size: int) -> np.ndarray:
        noise = rng.standard_normal((size, DIMENSION)).astype(np.float32) * 2.0 / np.sqrt(DIMENSION)
        return unit_rows(centroids[rng.integers(0, len(centroids), size)] + noise)

    return around_centroids(count), around_centroids(query_count)


def percentile_ms(seconds: list[float], percentile: float) -> float:
    return float(np.percentile(np.array(seconds) * 1000, percentile))


def bench_search(movie_count: int, query_count: int, distribution: str, shard_directory: str) -> dict[str, float]:
    vectors, queries = random_movies(movie_count, query_count, distribution)
    store = EdgeVectorStore(VectorSettings(path=shard_directory))
    store.ensure_collection(DIMENSION)
    started = time.perf_counter()
    for start in tqdm(range(0, movie_count, UPSERT_BATCH_SIZE), desc="upsert", leave=False):
        store.upsert(
            [
                MoviePoint(
                    i + 1,
                    vectors[i],
                    payload(i + 1, f"Movie {i}", 2000, ("Drama",), ""),
                )
                for i in range(start, min(movie_count, start + UPSERT_BATCH_SIZE))
            ]
        )
    upsert_seconds = time.perf_counter() - started
    started = time.perf_counter()
    store.optimize()
    optimize_seconds = time.perf_counter() - started

    edge_seconds, exact_seconds, found = [], [], 0
    for query in tqdm(queries, desc="search", leave=False):
        started = time.perf_counter()
        hits = store.search(query, limit=RECALL_AT)
        edge_seconds.append(time.perf_counter() - started)
        started = time.perf_counter()
        similarities = vectors @ query
        top = np.argpartition(-similarities, RECALL_AT)[:RECALL_AT]
        exact_ids = top[np.argsort(-similarities[top])] + 1
        exact_seconds.append(time.perf_counter() - started)
        found += len({hit.movie_id for hit in hits} & set(exact_ids.tolist()))
    result = {
        "upsert_seconds": upsert_seconds,
        "optimize_seconds": optimize_seconds,
        "indexed_vectors": store.indexed_vectors_count(),
        "edge_p50_ms": percentile_ms(edge_seconds, 50),
        "edge_p95_ms": percentile_ms(edge_seconds, 95),
        "exact_p50_ms": percentile_ms(exact_seconds, 50),
        "exact_p95_ms": percentile_ms(exact_seconds, 95),
        "recall_at_10": found / (query_count * RECALL_AT),
    }
    store.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movies", type=int, default=50_000, help="vectors in the search benchmark")
    parser.add_argument(
        "--texts",
        type=int,
        default=2_000,
        help="synthetic plots in the ingest benchmark",
    )
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--distribution", choices=("uniform", "clustered"), default="uniform")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 256 texts, 5,000 movies, 50 queries",
    )
    parser.add_argument("--ingest-only", action="store_true", help="leave out the search section")
    add_json_argument(parser)
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.texts, arguments.movies, arguments.queries = 256, 5_000, 50

    run_started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        # Search first: once torch is loaded its OpenMP threads slow numpy's BLAS by 2-3x
        # on 2 cores, which would flatter Edge against the exact baseline.
        search = (
            None
            if arguments.ingest_only
            else bench_search(arguments.movies, arguments.queries, arguments.distribution, f"{scratch}/search")
        )
        ingest = bench_ingest(arguments.texts, f"{scratch}/ingest")

    print(f"\nIngest, {arguments.texts} synthetic plots (all-MiniLM-L6-v2, CPU)")
    print(f"{'path':<44}{'texts/s':>10}{'/ bare':>8}")
    print(f"{'bare model.encode, all texts in one call':<44}{ingest['bare']:>10.1f}{1.0:>8.2f}")
    bare = ingest["bare"]
    labels = {
        "sequential_64": "64 a time: encode, then upsert (before)",
        "pipelined_64": "64 a time, encode | upsert",
        "pipelined_window": f"{ENCODE_WINDOW} a time, encode | upsert (vector_apply, rebuild)",
    }
    results = Results("vectors")
    results.figure(f"ingest, {arguments.texts} texts: bare model.encode", bare, "texts/s")
    for name, label in labels.items():
        print(f"{label:<44}{ingest[name]:>10.1f}{ingest[name] / bare:>8.2f}")
        results.figure(f"ingest: {label}", ingest[name], "texts/s")
        results.ratio(f"ingest: {label} / bare encode", ingest[name] / bare)

    if search is None:
        results.write(arguments.json)
        return
    scope = f"{arguments.movies:,} {arguments.distribution} vectors, default settings"
    results.figure(f"{scope}: Edge HNSW p50", search["edge_p50_ms"], "ms")
    results.figure(f"{scope}: Edge HNSW p95", search["edge_p95_ms"], "ms")
    results.figure(f"{scope}: recall@10 vs exact", search["recall_at_10"], "")
    results.figure(f"{scope}: exact numpy p95", search["exact_p95_ms"], "ms")
    results.ratio(f"{scope}: p95 Edge / exact", search["edge_p95_ms"] / search["exact_p95_ms"])
    results.write(arguments.json)
    print(
        f"\nSearch, {arguments.movies} {arguments.distribution} 384-d vectors, {arguments.queries} queries, "
        f"top {RECALL_AT} (upsert {search['upsert_seconds']:.1f}s, optimize {search['optimize_seconds']:.1f}s, "
        f"{search['indexed_vectors']} vectors in HNSW)"
    )
    defaults = VectorSettings()
    edge_label = f"Edge HNSW (ef={defaults.search_ef})"
    print(f"HNSW m={defaults.hnsw_m}, ef_construct={defaults.hnsw_ef_construct}, search ef={defaults.search_ef}")
    print(f"{'':<22}{'p50 ms':>9}{'p95 ms':>9}{'recall@10':>11}")
    print(f"{edge_label:<22}{search['edge_p50_ms']:>9.2f}{search['edge_p95_ms']:>9.2f}{search['recall_at_10']:>11.3f}")
    print(f"{'exact numpy':<22}{search['exact_p50_ms']:>9.2f}{search['exact_p95_ms']:>9.2f}{1.0:>11.3f}")
    print(
        f"{'ratio Edge / exact':<22}{search['edge_p50_ms'] / search['exact_p50_ms']:>9.2f}{search['edge_p95_ms'] / search['exact_p95_ms']:>9.2f}"
    )
    print(f"\nTotal run {time.perf_counter() - run_started:.0f}s")


if __name__ == "__main__":
    main()
