"""Latency of GET /api/movies/{id}/similar/ at 50k films, through the whole stack, beside the engine alone.

Usage: .venv/bin/python bench/bench_similar.py [--movies 50000] [--requests 300] [--quick]
       [--imdb PATH] [--ml100k PATH]

Films with words drawn from the IMDb top 1000 are bulk-loaded into the embedded Postgres
(bench_search's loader) and get clustered vectors built from real plot embeddings
(bench_hnsw's synthetic set) in the Edge shard, HNSW built. Then, for random films: the Edge
search alone (get_vector + search, what the view asks the engine), the engine with the previous
hydration (an EXISTS, the rows, a genre prefetch) and with selectors.similar_movies's one query,
each serialized, and the endpoint through django.test.Client (routing, middleware, JSON).
"""

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from results import Results, add_json_argument  # bench/results.py, beside this script

UPSERT_BATCH = 2_000


def percentiles(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), statistics.quantiles(samples, n=100)[94]


def timed(operation: Callable[[], object], requests: int) -> tuple[float, float]:
    for _ in range(20):
        operation()
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        operation()
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def main() -> None:
    # A database of its own; bench_search sets the rest of the environment when imported.
    os.environ.setdefault("LOCAL_DATA_DIR", str(Path(__file__).resolve().parents[1] / ".local" / "bench-similar"))
    import bench_hnsw
    import bench_search

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--imdb", default=bench_hnsw.DEFAULT_IMDB, help="imdb_top_1000.csv")
    parser.add_argument("--ml100k", default=bench_hnsw.DEFAULT_ML100K, help="ml-100k u.item (Latin-1)")
    parser.add_argument("--catalog", default=bench_hnsw.DEFAULT_CATALOG, help="the demo catalogue JSON")
    parser.add_argument("--movies", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="5,000 films, 100 requests")
    add_json_argument(parser)
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.movies, arguments.requests = 5_000, 100

    import django
    import numpy as np

    from embedded.postgres import use_embedded_postgres

    use_embedded_postgres()
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    import vectors
    from backend.catalog.selectors import movies_in_order
    from backend.discovery import selectors
    from backend.discovery.serializers import ScoredMovieRowSerializer, ScoredMovieSerializer
    from vectors.types import SearchFilter

    real = np.concatenate(list(bench_hnsw.real_vectors(arguments).values()))
    call_command("migrate", verbosity=0)
    bench_search.reset_database()
    rng = random.Random(5)
    films = bench_search.synthetic_films(arguments.movies, bench_search.read_imdb(Path(arguments.imdb)), rng)
    started = time.perf_counter()
    ids = bench_search.load_films(films)
    clustered = bench_hnsw.clustered_like(real, len(ids), np.random.default_rng(7))
    vectors.bootstrap()
    store = vectors.get_vector_store()
    store.clear()
    for start in range(0, len(ids), UPSERT_BATCH):
        store.upsert(
            [
                vectors.MoviePoint(ids[i], clustered[i], bench_search._payload(ids[i], films[i], "x"))
                for i in range(start, min(len(ids), start + UPSERT_BATCH))
            ]
        )
    store.optimize()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    settings = vectors.get_vector_store()._settings  # type: ignore[attr-defined]
    print(
        f"{len(ids):,} films and vectors loaded in {time.perf_counter() - started:.0f}s; "
        f"HNSW m={settings.hnsw_m} ef_construct={settings.hnsw_ef_construct} ef={settings.search_ef}"
    )

    client = Client(HTTP_HOST="localhost")
    no_filter = SearchFilter()

    def engine() -> object:
        movie_id = rng.choice(ids)
        vector = store.get_vector(movie_id)
        assert vector is not None
        return store.search(vector, 10, no_filter, exclude_ids=[movie_id])

    def previous_hydration() -> object:
        # The view before: an EXISTS for the movie, then the hits' rows and a prefetch of their genres.
        movie_id = rng.choice(ids)
        selectors.require_movie(movie_id)
        vector = store.get_vector(movie_id)
        assert vector is not None
        hits = store.search(vector, 10, no_filter, exclude_ids=[movie_id])
        movies = {m.id: m for m in movies_in_order([hit.movie_id for hit in hits])}
        rows = [{"movie": movies[hit.movie_id], "score": hit.score} for hit in hits if hit.movie_id in movies]
        return ScoredMovieSerializer(rows, many=True).data

    def one_query_hydration() -> object:
        similar = selectors.similar_movies(rng.choice(ids), limit=10, search_filter=no_filter)
        return ScoredMovieRowSerializer([{"movie": r.movie, "score": r.score} for r in similar], many=True).data

    def endpoint() -> object:
        response = client.get(f"/api/movies/{rng.choice(ids)}/similar/")
        assert response.status_code == 200, response.content
        return response

    query_counts = {}
    for name, path in (("previous", previous_hydration), ("one query", one_query_hydration)):
        with CaptureQueriesContext(connection) as captured:
            path()
        query_counts[name] = len(captured.captured_queries)
    rows = {
        "Edge get_vector + search (engine)": timed(engine, arguments.requests),
        f"engine + previous hydration ({query_counts['previous']} SQL)": timed(previous_hydration, arguments.requests),
        f"engine + one-query hydration ({query_counts['one query']} SQL)": timed(
            one_query_hydration, arguments.requests
        ),
        "GET /api/movies/{id}/similar/ (Client)": timed(endpoint, arguments.requests),
    }
    print(f"\n{arguments.requests} requests each, random films, limit 10, no filter")
    print(f"{'path':<42}{'p50 ms':>9}{'p95 ms':>9}")
    results = Results("similar")
    for name, (p50, p95) in rows.items():
        print(f"{name:<42}{p50:>9.2f}{p95:>9.2f}")
        results.figure(f"{len(ids):,} films: {name} p50", p50, "ms")
        results.figure(f"{len(ids):,} films: {name} p95", p95, "ms")
    engine_p95, endpoint_p95 = next(iter(rows.values()))[1], list(rows.values())[-1][1]
    results.ratio(f"{len(ids):,} films: p95 endpoint / engine alone", endpoint_p95 / engine_p95)
    results.write(arguments.json)


if __name__ == "__main__":
    main()
