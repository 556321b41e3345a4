"""Benchmark of the recommender: training time by catalogue size, and GET /api/me/recommendations/.

Usage: .venv/bin/python bench/bench_recommendations.py [--quick] [--skip-latency] [--skip-training]
       [--profile FILE] [--reuse]

(1) Training (recommender.neighbours.train_ease, no Django) on synthetic interactions with a
    Zipf-like film popularity: ml-latest-small scale (610 users, 9.7k films, 100k interactions),
    smaller catalogues, and ml-25m's 60k films, where EASE trains on the EASE_MAX_ITEMS most
    interacted-with films. With fewer users than half the films EASE takes the Woodbury form; the
    table puts the n x n inverse form on the same data beside it, with the ratio.
(2) Serving, through the whole stack (django.test.Client): ml-latest-small scale bulk-loaded into
    its own embedded Postgres under .local/bench-recommendations, trained by train_recommender
    (neighbour lists written with COPY), an Edge shard of random unit vectors (content source),
    and the embedded graph engine (social source, no follows: the query round trip). p50/p95 per
    request, uncached (cache cleared before each) and cached; --profile writes cProfile stats of
    the uncached requests and prints the top of them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("LOCAL_DATA_DIR", str(ROOT / ".local" / "bench-recommendations"))
os.environ["QDRANT_PATH"] = tempfile.mkdtemp(prefix="bench-recs-qdrant-")
os.environ.pop("QDRANT_URL", None)
os.environ.setdefault("THROTTLE_USER", "100000000/min")

from recommender.neighbours import EASE_MAX_ITEMS, train_ease  # noqa: E402


def synthetic(users: int, items: int, interactions: int, seed: int = 1) -> sp.csr_matrix:
    """Users with a taste cluster each (films in 20 blocks) and a Zipf-like film popularity."""
    rng = np.random.default_rng(seed)
    popularity = 1.0 / np.arange(1, items + 1) ** 0.8
    rng.shuffle(popularity)
    blocks = np.arange(items) % 20
    per_user = max(1, interactions // users)
    rows, cols = [], []
    for user in range(users):
        weights = popularity * np.where(blocks == user % 20, 8.0, 1.0)
        chosen = rng.choice(items, size=min(per_user, items), replace=False, p=weights / weights.sum())
        rows.append(np.full(len(chosen), user))
        cols.append(chosen)
    r, c = np.concatenate(rows), np.concatenate(cols)
    return sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(users, items))


def _train_direct(matrix: sp.csr_matrix, items: int) -> float:
    """Seconds for the n x n inverse form on the same data (what training did before the Woodbury form)."""
    from recommender import neighbours

    x = matrix.tocsc().astype(np.float32)
    x.data[:] = 1.0
    started = time.perf_counter()
    neighbours._top_k_rows(neighbours._ease_blocks_direct(x, neighbours.EASE_DEFAULT_LAMBDA, 3), items, 200)
    return time.perf_counter() - started


def time_training(quick: bool) -> None:
    print("training (EASE closed form, float32, top-200 neighbours per film)")
    print(
        f"{'users':>7} {'films':>7} {'interactions':>13} {'films trained':>14} {'seconds':>8} {'n x n inverse s':>16} {'ratio':>6}"
    )
    cases = [(610, 2_500, 100_000), (610, 5_000, 100_000), (610, 9_700, 100_000)]
    if not quick:
        cases.append((20_000, 60_000, 1_000_000))
    for users, items, n in cases:
        matrix = synthetic(users, items, n)
        started = time.perf_counter()
        model = train_ease(matrix, np.arange(items))
        seconds = time.perf_counter() - started
        # The reference form on the same data, where it differs (fewer users than half the films)
        # and, with --quick, only up to 5,000 films (it is O(n³)).
        direct = _train_direct(matrix, items) if 2 * users < items and (items <= 5_000 or not quick) else None
        ratio = f"{direct / seconds:6.1f}" if direct else f"{'':6}"
        direct_text = f"{direct:16.1f}" if direct else f"{'-':>16}"
        print(f"{users:7} {items:7} {matrix.nnz:13} {len(model.item_ids):14} {seconds:8.1f} {direct_text} {ratio}")
    print(
        f"(above {EASE_MAX_ITEMS} films only the most interacted-with {EASE_MAX_ITEMS} train: time stays flat in films)"
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _load_serving_data(users: int, items: int, genre_names: list[str], reuse: bool) -> None:
    """ml-latest-small scale in the bench's own Postgres, ranked and trained; with `reuse`, what an
    earlier run loaded (same counts, a training run) is kept as it is."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from backend.accounts.models import Profile
    from backend.catalog import rankings
    from backend.catalog.models import Genre, Movie
    from backend.recommendations.models import TrainingRun
    from backend.recommendations.training import train_recommender
    from backend.social.models import Rating

    User = get_user_model()
    if (
        reuse
        and TrainingRun.objects.exists()
        and Movie.objects.count() == items
        and User.objects.filter(username__startswith="viewer").count() == users
    ):
        print("\nreusing the data and the training run of an earlier run (--reuse)")
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE catalog_movie, catalog_genre, catalog_movie_genres, social_rating, social_like, "
            "recommendations_itemneighbour, recommendations_trainingrun, recommendations_hiddenmovie, "
            "accounts_profile, auth_user, sync_outboxevent, sync_delivery RESTART IDENTITY CASCADE"
        )
    matrix = synthetic(users, items, 100_000).tocoo()
    with transaction.atomic():
        genres = Genre.objects.bulk_create([Genre(name=name) for name in genre_names])
        movies = Movie.objects.bulk_create(
            [Movie(title=f"Film {i}", year=1950 + i % 70, popularity=float(i % 97)) for i in range(items)],
            batch_size=5_000,
        )
        through = Movie.genres.through
        through.objects.bulk_create(
            [through(movie_id=m.id, genre_id=genres[i % 20].id) for i, m in enumerate(movies)], batch_size=10_000
        )
        people = User.objects.bulk_create([User(username=f"viewer{i}") for i in range(users)])
        Profile.objects.bulk_create([Profile(user=u) for u in people])
        rng = np.random.default_rng(2)
        Rating.objects.bulk_create(
            [
                Rating(user_id=people[u].id, movie_id=movies[i].id, score=float(rng.choice([2.0, 3.5, 4.0, 4.5, 5.0])))
                for u, i in zip(matrix.row.tolist(), matrix.col.tolist(), strict=True)
            ],
            batch_size=10_000,
        )
    rankings.recompute_all()
    started = time.perf_counter()
    run = train_recommender()
    print(
        f"\ntrain_recommender at ml-latest-small scale: {run.interactions} interactions, {run.movies} films, "
        f"{run.pairs} pairs stored, {time.perf_counter() - started:.1f} s end to end ({run.seconds:.1f} s in the run)"
    )


def _fill_vector_shard(movie_ids: list[int], genre_names: list[str]) -> None:
    """Random unit plot vectors for every film (the content source's store), in a fresh shard."""
    import vectors
    from vectors.types import MoviePayload, MoviePoint

    vectors.bootstrap()
    store = vectors.get_vector_store()
    dimension = vectors.get_embedder().dimension
    unit = np.random.default_rng(3).standard_normal((len(movie_ids), dimension)).astype(np.float32)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    for start in range(0, len(movie_ids), 1_000):
        store.upsert(
            [
                MoviePoint(
                    movie_id=movie_ids[i],
                    vector=unit[i],
                    payload=MoviePayload(
                        movie_ids[i], f"Film {i}", 1950 + i % 70, (genre_names[i % 20],), "", 0.0, "h", 1
                    ),
                )
                for i in range(start, min(len(movie_ids), start + 1_000))
            ]
        )
    store.optimize()


def time_serving(quick: bool, profile: Path | None = None, reuse: bool = False) -> None:
    import cProfile
    import pstats

    import django

    from embedded.postgres import use_embedded_postgres

    use_embedded_postgres()
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework_simplejwt.tokens import AccessToken

    from backend.catalog.models import Movie
    from embedded.graph import EmbeddedGraphServer, free_port
    from graph import driver, schema

    User = get_user_model()
    call_command("migrate", verbosity=0)
    users, items = 610, 9_700
    genre_names = [f"Genre {i}" for i in range(20)]
    _load_serving_data(users, items, genre_names, reuse)
    _fill_vector_shard(list(Movie.objects.order_by("id").values_list("id", flat=True)), genre_names)
    graph_dir = Path(tempfile.mkdtemp(prefix="bench-recs-graph-"))
    server = EmbeddedGraphServer(graph_dir, bolt_port=free_port(), http_port=free_port(), password="bench-only-pass")
    server.start()
    try:
        driver.configure(server.settings())
        schema.bootstrap()
        client = Client(HTTP_HOST="localhost")
        people = list(User.objects.filter(username__startswith="viewer").order_by("id"))
        sample = people[: 40 if quick else 150]
        headers = {u.id: {"HTTP_AUTHORIZATION": f"Bearer {AccessToken.for_user(u)}"} for u in sample}
        for u in sample[:5]:
            client.get("/api/me/recommendations/", **headers[u.id])  # warm up
        queries = {}
        for name in ("uncached", "cached"):
            if name == "uncached":
                cache.clear()
            with CaptureQueriesContext(connection) as captured:
                client.get("/api/me/recommendations/", **headers[sample[0].id])
            queries[name] = len(captured)
        uncached, cached, uncached_cpu, cached_cpu = [], [], [], []
        profiler = cProfile.Profile() if profile else None
        for u in sample:
            cache.clear()
            started, started_cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            response = client.get("/api/me/recommendations/", **headers[u.id])
            if profiler:
                profiler.disable()
            uncached.append((time.perf_counter() - started) * 1000)
            uncached_cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200, response.content
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get("/api/me/recommendations/", **headers[u.id])
            cached.append((time.perf_counter() - started) * 1000)
            cached_cpu.append((time.process_time() - started_cpu) * 1000)
        print(f"GET /api/me/recommendations/ over {len(sample)} users ({response.json()['sources']})")
        # Wall time on a shared machine counts other processes' turns; this process's CPU time
        # (the request's thread and the source threads) does not; Postgres's own share is in neither.
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"{'':10} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'cpu p95':>8} {'queries':>8}")
        for name, values, cpu in (("uncached", uncached, uncached_cpu), ("cached", cached, cached_cpu)):
            print(
                f"{name:10} {statistics.median(values):8.1f} {percentile(values, 0.95):8.1f} "
                f"{statistics.median(cpu):8.1f} {percentile(cpu, 0.95):8.1f} {queries[name]:8}"
            )
        print(f"cached/uncached p95 ratio: {percentile(cached, 0.95) / percentile(uncached, 0.95):.2f}")
        if profiler and profile:
            profiler.dump_stats(profile)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    finally:
        driver.configure(None)
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 60k-film case, fewer requests")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--skip-training", action="store_true", help="only the serving part")
    parser.add_argument("--profile", type=Path, help="cProfile the uncached requests, write the stats here")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the data and training run an earlier run left, if complete"
    )
    args = parser.parse_args()
    if not args.skip_training:
        time_training(args.quick)
    if not args.skip_latency:
        time_serving(args.quick, args.profile, args.reuse)


if __name__ == "__main__":
    main()
