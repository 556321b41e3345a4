"""HNSW settings on realistic vectors: recall@10 and latency on the Edge shard against exact search.

Usage: .venv/bin/python bench/bench_hnsw.py [--imdb PATH] [--ml100k PATH] [--catalog PATH]
       [--movies 50000] [--queries 200] [--grid 16:100,16:200,32:200] [--efs 32,64,128,256,512]
       [--scales 10000,50000,100000,200000] [--quick]

(1) Real plot embeddings: the IMDb top-1000 overviews, the ml-100k titles (Latin-1) and the demo
    catalogue, embedded as the platform embeds a movie (vectors/text.py, all-MiniLM-L6-v2). They
    are encoded in a child process and cached under .local/bench/, so this process never loads
    torch (whose OpenMP threads slow numpy's exact baseline 2-3x on 2 cores).
(2) A synthetic --movies set that keeps their cluster structure: each point is a real vector plus
    Gaussian noise whose length is that vector's distance to its own nearest real neighbour,
    renormalized; queries are drawn the same way with other noise. The table compares the
    nearest-neighbour similarities of the real and the synthetic sets.
(3) The grid: for each m:ef_construct, one Edge shard built with optimize(), then every search ef:
    recall@10 against exact numpy search, p50/p95 latency. The same for i.i.d. unit vectors
    (HNSW's worst case) at the old defaults and at the chosen ones.
(4) Scale: the chosen settings from 10k to 200k synthetic vectors, float32 against scalar int8
    quantization: build time, latency, recall, shard size on disk and resident memory growth.
"""

import argparse
import csv
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

# One BLAS thread: OpenBLAS threads spin after each call and fight Edge's search pool for the cores.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from results import Results, add_json_argument  # bench/results.py, beside this script

from backend.importers.movielens import ML100K_GENRES  # plain Python: no Django is set up
from vectors.edge_backend import EdgeVectorStore
from vectors.settings import SCALAR_INT8, VectorSettings
from vectors.text import movie_embedding_text
from vectors.types import MoviePayload, MoviePoint

ROOT = Path(__file__).resolve().parents[1]
DIMENSION = 384
RECALL_AT = 10
UPSERT_BATCH_SIZE = 2_000
# shared/ sits beside the checkout (/work/main) or beside the folder of worktrees (/work/wt/NAME).
SHARED_DATASETS = next(
    (folder / "shared" / "datasets" for folder in ROOT.parents if (folder / "shared" / "datasets").is_dir()),
    ROOT.parent / "shared" / "datasets",
)
DEFAULT_IMDB = str(SHARED_DATASETS / "imdb-top-1000/imdb_top_1000.csv")
DEFAULT_ML100K = str(SHARED_DATASETS / "ml-100k/u.item")
DEFAULT_CATALOG = str(ROOT / "backend/demo/data/catalog.json")
CACHE_DIRECTORY = ROOT / ".local" / "bench"
# The settings before this benchmark: chosen to reach 0.98 on i.i.d. vectors.
IID_SETTINGS = (32, 200, 512)


def imdb_texts(path: str) -> list[str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return [
            movie_embedding_text(
                row["Series_Title"],
                int(row["Released_Year"]) if row["Released_Year"].isdigit() else None,
                [genre.strip() for genre in row["Genre"].split(",")],
                row["Overview"],
            )
            for row in csv.DictReader(handle)
        ]


def ml100k_texts(path: str) -> list[str]:
    texts = []
    with open(path, encoding="latin-1") as handle:
        for line in handle:
            fields = line.rstrip("\n").split("|")
            if len(fields) < 24:
                continue
            title = fields[1]
            flags = fields[5:24]
            genres = [name for name, flag in zip(ML100K_GENRES, flags, strict=True) if flag == "1"]
            # The title carries its year, "Toy Story (1995)"; there is no overview.
            texts.append(movie_embedding_text(title, None, genres, ""))
    return texts


def catalog_texts(path: str) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        catalog = json.load(handle)
    return [
        movie_embedding_text(
            movie["title"],
            int(movie["release_date"][:4]) if movie.get("release_date") else None,
            movie.get("genres", []),
            movie.get("overview", ""),
        )
        for movie in catalog["movies"]
    ]


def encode_in_child(texts: list[str], cache_file: Path) -> None:
    """Encode in a separate interpreter so torch's threads never share this process with numpy."""
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    text_file = cache_file.with_suffix(".json")
    text_file.write_text(json.dumps(texts))
    code = (
        "import json, sys, numpy as np; sys.path.insert(0, sys.argv[3]);"
        "from vectors.embedder import Embedder; from vectors.settings import VectorSettings;"
        "texts = json.load(open(sys.argv[1]));"
        "np.save(sys.argv[2], Embedder(VectorSettings()).encode(texts))"
    )
    subprocess.run([sys.executable, "-c", code, str(text_file), str(cache_file), str(ROOT)], check=True)


def real_vectors(arguments: argparse.Namespace) -> dict[str, np.ndarray]:
    sources = {
        "IMDb top-1000 overviews": imdb_texts(arguments.imdb),
        "ml-100k titles": ml100k_texts(arguments.ml100k),
        "demo catalogue": catalog_texts(arguments.catalog),
    }
    embedded = {}
    for name, texts in sources.items():
        digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
        cache_file = CACHE_DIRECTORY / f"real-{digest}.npy"
        if not cache_file.exists():
            print(f"encoding {len(texts)} texts of {name} ...", flush=True)
            encode_in_child(texts, cache_file)
        embedded[name] = np.load(cache_file).astype(np.float32)
    return embedded


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)


def nearest_neighbour_similarity(vectors: np.ndarray, sample: np.ndarray | None = None) -> np.ndarray:
    """Cosine similarity of each (sampled) row to its nearest other row."""
    rows = np.arange(len(vectors)) if sample is None else sample
    best = np.empty(len(rows), dtype=np.float32)
    for start in range(0, len(rows), 1_000):
        chunk = rows[start : start + 1_000]
        similarities = vectors[chunk] @ vectors.T
        similarities[np.arange(len(chunk)), chunk] = -2.0
        best[start : start + len(chunk)] = similarities.max(axis=1)
    return best


def clustered_like(real: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` unit vectors around the real ones, each moved by its base's nearest-neighbour distance."""
    base_nn_distance = np.sqrt(np.maximum(0.0, 2.0 - 2.0 * nearest_neighbour_similarity(real)))
    bases = rng.integers(0, len(real), count)
    noise = rng.standard_normal((count, DIMENSION)).astype(np.float32)
    noise *= (base_nn_distance[bases] / np.sqrt(DIMENSION))[:, None]
    return unit_rows(real[bases] + noise)


def iid_unit(count: int, rng: np.random.Generator) -> np.ndarray:
    return unit_rows(rng.standard_normal((count, DIMENSION)).astype(np.float32))


@dataclass(frozen=True)
class Build:
    store: EdgeVectorStore
    settings: VectorSettings
    build_seconds: float
    disk_megabytes: float
    resident_megabytes: float


def resident_megabytes() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def directory_megabytes(path: str) -> float:
    return sum(file.stat().st_size for file in Path(path).rglob("*") if file.is_file()) / 1e6


def build_shard(vectors: np.ndarray, settings: VectorSettings) -> Build:
    """An Edge shard holding `vectors` (ids 1..n), HNSW built, then reopened from disk."""
    assert settings.path is not None
    store = EdgeVectorStore(settings)
    store.ensure_collection(DIMENSION)
    started = time.perf_counter()
    for start in range(0, len(vectors), UPSERT_BATCH_SIZE):
        stop = min(len(vectors), start + UPSERT_BATCH_SIZE)
        # No payload values: a value shared by many points makes Edge build one more HNSW graph
        # for it, which would double every build here and is not what this measures.
        store.upsert(
            [
                MoviePoint(i + 1, vectors[i], MoviePayload(i + 1, "", None, (), "", 0.0, "", 1))
                for i in range(start, stop)
            ]
        )
    store.optimize()
    build_seconds = time.perf_counter() - started
    assert store.indexed_vectors_count() == len(vectors), "searches must go through HNSW"
    store.close()
    before = resident_megabytes()
    store = EdgeVectorStore(settings)
    store.search(vectors[0], RECALL_AT)
    return Build(store, settings, build_seconds, directory_megabytes(settings.path), resident_megabytes() - before)


def with_search_ef(build: Build, search_ef: int) -> Build:
    """The same shard reopened with another search ef (the store reads it from its settings)."""
    build.store.close()
    settings = replace(build.settings, search_ef=search_ef)
    return replace(build, store=EdgeVectorStore(settings), settings=settings)


def exact_top(vectors: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """Ids (1-based) of each query's exact top 10, and the time each query took alone."""
    top_ids = np.empty((len(queries), RECALL_AT), dtype=np.int64)
    seconds = []
    for row, query in enumerate(queries):
        started = time.perf_counter()
        similarities = vectors @ query
        top = np.argpartition(-similarities, RECALL_AT)[:RECALL_AT]
        top_ids[row] = top[np.argsort(-similarities[top])] + 1
        seconds.append(time.perf_counter() - started)
    return top_ids, seconds


def measure(store: EdgeVectorStore, queries: np.ndarray, expected: np.ndarray) -> tuple[float, float, float]:
    """(recall@10, p50 ms, p95 ms) over the queries, after a warm-up pass over the first 20."""
    for query in queries[:20]:
        store.search(query, RECALL_AT)
    seconds, found = [], 0
    for query, expected_ids in zip(queries, expected, strict=True):
        started = time.perf_counter()
        hits = store.search(query, RECALL_AT)
        seconds.append(time.perf_counter() - started)
        found += len({hit.movie_id for hit in hits} & set(expected_ids.tolist()))
    milliseconds = np.array(seconds) * 1000
    return found / expected.size, float(np.percentile(milliseconds, 50)), float(np.percentile(milliseconds, 95))


def grid_rows(
    vectors: np.ndarray,
    queries: np.ndarray,
    grid: list[tuple[int, int]],
    efs: list[int],
    scratch: str,
    label: str,
) -> list[tuple[str, int, int, int, float, float, float, float]]:
    expected, _ = exact_top(vectors, queries)
    rows = []
    for m, ef_construct in grid:
        path = f"{scratch}/{label}-{m}-{ef_construct}"
        build = build_shard(vectors, VectorSettings(path=path, hnsw_m=m, hnsw_ef_construct=ef_construct))
        for search_ef in efs:
            build = with_search_ef(build, search_ef)
            recall, p50, p95 = measure(build.store, queries, expected)
            rows.append((label, m, ef_construct, search_ef, build.build_seconds, recall, p50, p95))
            print(
                f"  {label:<10}m={m:<3} ef_construct={ef_construct:<4} ef={search_ef:<4} "
                f"recall@10 {recall:.3f}  p50 {p50:.2f} ms  p95 {p95:.2f} ms",
                flush=True,
            )
        build.store.close()
    return rows


def parse_grid(text: str) -> list[tuple[int, int]]:
    return [(int(m), int(ef_construct)) for m, ef_construct in (pair.split(":") for pair in text.split(","))]


def parse_ints(text: str) -> list[int]:
    return [int(value) for value in text.split(",")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--imdb", default=DEFAULT_IMDB, help="imdb_top_1000.csv")
    parser.add_argument("--ml100k", default=DEFAULT_ML100K, help="ml-100k u.item (Latin-1)")
    parser.add_argument("--catalog", default=DEFAULT_CATALOG, help="the demo catalogue JSON")
    parser.add_argument("--movies", type=int, default=50_000, help="synthetic vectors in the grid")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--grid", default="16:100,16:200,32:200", help="m:ef_construct pairs")
    parser.add_argument("--efs", default="16,32,64,128,256,512", help="search ef values")
    parser.add_argument("--iid-grid", default="", help="m:ef_construct pairs on i.i.d. vectors (default: old + chosen)")
    parser.add_argument("--scales", default="10000,50000,100000,200000")
    parser.add_argument("--skip-grid", action="store_true", help="only the scale table")
    parser.add_argument("--skip-scale", action="store_true", help="only the grid")
    parser.add_argument("--quick", action="store_true", help="smoke run: 10k vectors, one pair, 50 queries")
    add_json_argument(parser)
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.movies, arguments.queries, arguments.scales = 10_000, 50, "10000,20000"
        arguments.grid, arguments.efs = "16:100", "32,128"

    chosen = VectorSettings()
    results = Results("hnsw")
    run_started = time.perf_counter()
    real = real_vectors(arguments)
    real_all = np.concatenate(list(real.values()))
    rng = np.random.default_rng(7)
    synthetic = clustered_like(real_all, max(arguments.movies, *parse_ints(arguments.scales)), rng)
    synthetic_queries = clustered_like(real_all, arguments.queries, np.random.default_rng(8))

    print("\nReal plot embeddings (all-MiniLM-L6-v2) and the synthetic set built from them")
    print(f"{'set':<34}{'vectors':>9}{'nn cos p10':>12}{'p50':>7}{'p90':>7}")
    sample = rng.choice(arguments.movies, size=min(2_000, arguments.movies), replace=False)
    sets = [*real.items(), ("all real", real_all)]
    for name, matrix in sets:
        similarity = nearest_neighbour_similarity(matrix)
        print(
            f"{name:<34}{len(matrix):>9}{np.percentile(similarity, 10):>12.3f}{np.median(similarity):>7.3f}{np.percentile(similarity, 90):>7.3f}"
        )
    for name, matrix, rows in (
        (f"synthetic {arguments.movies}", synthetic[: arguments.movies], sample),
        (f"i.i.d. {arguments.movies}", iid_unit(arguments.movies, np.random.default_rng(9)), sample),
    ):
        similarity = nearest_neighbour_similarity(matrix, rows)
        print(
            f"{name:<34}{len(matrix):>9}{np.percentile(similarity, 10):>12.3f}{np.median(similarity):>7.3f}{np.percentile(similarity, 90):>7.3f}"
        )

    with tempfile.TemporaryDirectory() as scratch:
        if not arguments.skip_grid:
            print(f"\nGrid on the Edge shard, {arguments.movies} vectors, {arguments.queries} queries, top {RECALL_AT}")
            rows = grid_rows(
                synthetic[: arguments.movies],
                synthetic_queries,
                parse_grid(arguments.grid),
                parse_ints(arguments.efs),
                scratch,
                "clustered",
            )
            iid_grid = arguments.iid_grid or ",".join(
                dict.fromkeys([f"{IID_SETTINGS[0]}:{IID_SETTINGS[1]}", f"{chosen.hnsw_m}:{chosen.hnsw_ef_construct}"])
            )
            iid_rng = np.random.default_rng(10)
            rows += grid_rows(
                iid_unit(arguments.movies, iid_rng),
                iid_unit(arguments.queries, iid_rng),
                parse_grid(iid_grid),
                sorted({chosen.search_ef, IID_SETTINGS[2]}),
                scratch,
                "i.i.d.",
            )
            _, exact_seconds = exact_top(synthetic[: arguments.movies], synthetic_queries)
            exact_p50, exact_p95 = np.percentile(np.array(exact_seconds) * 1000, [50, 95])
            print(
                f"\n{'vectors':<11}{'m':>4}{'ef_c':>6}{'ef':>6}{'build s':>9}{'recall@10':>11}{'p50 ms':>9}{'p95 ms':>9}{'p95/exact':>11}"
            )
            record_grid(results, rows, chosen, exact_p50, exact_p95, arguments.movies)
            results.write(arguments.json)
            for label, m, ef_construct, search_ef, build_seconds, recall, p50, p95 in rows:
                marker = (
                    " <- default"
                    if (m, ef_construct, search_ef) == (chosen.hnsw_m, chosen.hnsw_ef_construct, chosen.search_ef)
                    else ""
                )
                marker = marker or (" <- i.i.d. setting" if (m, ef_construct, search_ef) == IID_SETTINGS else "")
                print(
                    f"{label:<11}{m:>4}{ef_construct:>6}{search_ef:>6}{build_seconds:>9.1f}{recall:>11.3f}"
                    f"{p50:>9.2f}{p95:>9.2f}{p95 / exact_p95:>11.2f}{marker}"
                )
            print(f"{'exact numpy':<36}{1.0:>11.3f}{exact_p50:>9.2f}{exact_p95:>9.2f}{1.0:>11.2f}")

        if not arguments.skip_scale:
            print(
                f"\nScale, synthetic clustered vectors, m={chosen.hnsw_m} ef_construct={chosen.hnsw_ef_construct} "
                f"ef={chosen.search_ef}, float32 against scalar int8 (rescored), {arguments.queries} queries"
            )
            print(
                f"{'vectors':>8}{'quantization':>14}{'build s':>9}{'recall@10':>11}{'p50 ms':>9}{'p95 ms':>9}"
                f"{'disk MB':>9}{'RSS MB':>8}{'exact p95':>11}"
            )
            for count in parse_ints(arguments.scales):
                vectors = synthetic[:count]
                expected, exact_seconds = exact_top(vectors, synthetic_queries)
                exact_p50, exact_p95 = (float(p) for p in np.percentile(np.array(exact_seconds) * 1000, [50, 95]))
                results.point("vector_latency_vs_scale", "exact numpy · p95", count, exact_p95)
                results.point("vector_latency_vs_scale", "exact numpy · p50", count, exact_p50)
                float32_resident = None
                for quantization in (None, SCALAR_INT8):
                    settings = replace(
                        chosen, path=f"{scratch}/scale-{count}-{quantization}", quantization=quantization
                    )
                    build = build_shard(vectors, settings)
                    recall, p50, p95 = measure(build.store, synthetic_queries, expected)
                    build.store.close()
                    kind = quantization or "float32"
                    results.point("vector_latency_vs_scale", f"HNSW {kind} · p95", count, p95)
                    results.point("vector_latency_vs_scale", f"HNSW {kind} · p50", count, p50)
                    results.point("vector_memory_vs_scale", f"{kind} · resident", count, build.resident_megabytes)
                    results.point("vector_memory_vs_scale", f"{kind} · on disk", count, build.disk_megabytes)
                    name = f"scale {count:,} vectors, {kind}"
                    results.figure(f"{name}: search p50", p50, "ms")
                    results.figure(f"{name}: search p95", p95, "ms", f"exact numpy p95 {exact_p95:.2f} ms")
                    results.figure(f"{name}: recall@10 vs exact", recall, "")
                    results.figure(f"{name}: resident memory growth", build.resident_megabytes, "MB")
                    results.figure(f"{name}: shard on disk", build.disk_megabytes, "MB")
                    results.figure(f"{name}: build (upsert + optimize)", build.build_seconds, "s")
                    results.ratio(f"{name}: p95 HNSW / exact", p95 / exact_p95)
                    if quantization is None:
                        float32_resident = build.resident_megabytes
                    elif float32_resident:
                        results.ratio(
                            f"{name}: resident memory int8 / float32", build.resident_megabytes / float32_resident
                        )
                    results.write(arguments.json)  # row by row: a run stopped at its timeout keeps its rows
                    print(
                        f"{count:>8}{quantization or 'none':>14}{build.build_seconds:>9.1f}{recall:>11.3f}{p50:>9.2f}"
                        f"{p95:>9.2f}{build.disk_megabytes:>9.0f}{build.resident_megabytes:>8.0f}{exact_p95:>11.2f}",
                        flush=True,
                    )
    print(f"\nTotal run {time.perf_counter() - run_started:.0f}s")
    results.write(arguments.json)


def record_grid(
    results: Results,
    rows: list[tuple[str, int, int, int, float, float, float, float]],
    chosen: VectorSettings,
    exact_p50: float,
    exact_p95: float,
    movies: int,
) -> None:
    """Recall against ef for every m:ef_construct; figures for the chosen and the i.i.d. settings."""
    chosen_triple = (chosen.hnsw_m, chosen.hnsw_ef_construct, chosen.search_ef)
    for label, m, ef_construct, search_ef, _, recall, p50, p95 in rows:
        results.point("recall_vs_ef", f"{label} m={m} ef_construct={ef_construct}", search_ef, recall)
        if (m, ef_construct, search_ef) not in (chosen_triple, IID_SETTINGS):
            continue
        which = "default" if (m, ef_construct, search_ef) == chosen_triple else "old i.i.d. setting"
        name = f"{movies:,} {label} vectors, {which} m={m} ef_construct={ef_construct} ef={search_ef}"
        results.figure(f"{name}: recall@10 vs exact", recall, "")
        results.figure(f"{name}: search p50", p50, "ms")
        results.figure(f"{name}: search p95", p95, "ms")
        if label == "clustered":
            results.ratio(f"{name}: p95 HNSW / exact numpy", p95 / exact_p95, f"exact p95 {exact_p95:.2f} ms")
    results.figure(f"{movies:,} clustered vectors, exact numpy: search p50", exact_p50, "ms")
    results.figure(f"{movies:,} clustered vectors, exact numpy: search p95", exact_p95, "ms")


if __name__ == "__main__":
    main()
