"""Sync benchmark: commit-to-applied lag (p50/p95/p99) and events applied per second under a
sustained write load, a burst's throughput, and bulk rebuild throughput.

Usage: .venv/bin/python bench/bench_sync.py [--rate 40] [--seconds 30] [--burst 2000]
       [--rebuild-ratings 200000] [--quick]

Real parts only: writes go through the services (outbox, on-commit dispatch to Redis); one Celery
worker process (4 threads) applies them to the ArcadeDB Bolt engine and a Qdrant Edge shard it owns.
Data lives under .local/bench-sync and is emptied at each run.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from environment import use_bench_data  # noqa: E402  (bench/environment.py, beside this script)
from results import Results, add_json_argument  # noqa: E402  (bench/results.py, beside this script)

DATA = use_bench_data("bench-sync", SYNC_SWEEP_AFTER_SECONDS="30")


# The lag-over-time plot: each event's commit-to-applied lag, the worst per bin of commit time.
LAG_BIN_SECONDS = 0.5


def percentiles(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")  # noqa: E731
    return pick(0.50), pick(0.95), pick(0.99)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=40.0, help="writes per second in the sustained phase")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--burst", type=int, default=2000, help="writes issued back to back")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--movies", type=int, default=200)
    parser.add_argument("--rebuild-ratings", type=int, default=200_000)
    parser.add_argument("--quick", action="store_true")
    add_json_argument(parser)
    args = parser.parse_args()
    if args.quick:
        args.rate, args.seconds, args.burst, args.users, args.movies, args.rebuild_ratings = 20, 8, 300, 40, 30, 20_000

    import shutil

    shutil.rmtree(DATA, ignore_errors=True)
    from engines import start_engines  # bench/engines.py, beside this script

    broker, graph_server = start_engines(DATA)
    results = Results("sync")
    worker = None
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        import vectors
        from graph import schema

        # Bench accounts need no strong password hash; PBKDF2 would dominate the setup phase.
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        call_command("migrate", verbosity=0)
        schema.bootstrap()
        vectors.bootstrap()
        vectors.close_vector_store()  # the worker process owns the shard
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tasks", "worker", "-P", "threads", "-c", "4",
             "-Q", "sync,embeddings,maintenance", "--without-mingle", "--without-gossip", "--loglevel", "WARNING"],
            cwd=ROOT, env=os.environ.copy(), stdout=open(DATA / "worker.log", "wb"), stderr=subprocess.STDOUT,  # noqa: SIM115
        )  # fmt: skip
        run_phases(args, results)
        results.write(args.json)  # the lag figures survive a rebuild that fails on a loaded machine
        worker.terminate()
        worker.wait(timeout=60)
        worker = None
        rebuild_phase(args, results)
        results.write(args.json)
    finally:
        if worker is not None:
            worker.kill()
        graph_server.stop()
        broker.stop()


def wait_for_backlog_zero(timeout: float = 900) -> float:
    from backend.sync.models import Delivery

    started = time.monotonic()
    while Delivery.objects.filter(status=Delivery.PENDING).exists():
        if time.monotonic() - started > timeout:
            raise SystemExit("backlog did not drain; see .local/bench-sync/worker.log")
        time.sleep(0.2)
    return time.monotonic() - started


def random_write(users, movies, rng) -> None:
    from backend.social import services as social

    who = rng.choice(users)
    roll = rng.random()
    if roll < 0.35:
        other = rng.choice(users)
        if other.id != who.id:
            (social.follow_user if rng.random() < 0.7 else social.unfollow_user)(who, other.id)
    elif roll < 0.7:
        movie = rng.choice(movies)
        (social.like_movie if rng.random() < 0.7 else social.unlike_movie)(who, movie.id)
    else:
        social.rate_movie(who, rng.choice(movies).id, Decimal(rng.randint(1, 10)) / 2)


def lag_report(label: str, since, results: Results, load_started) -> None:
    from django.db.models import Max, Min

    from backend.sync.models import Delivery
    from backend.sync.monitoring import lag_percentiles

    for target in (Delivery.GRAPH, Delivery.VECTORS):
        applied = Delivery.objects.filter(target=target, status=Delivery.DONE, event__created_at__gte=since)
        span = applied.aggregate(first=Min("event__created_at"), last=Max("applied_at"))
        count = applied.count()
        if not count:
            continue
        seconds = (span["last"] - span["first"]).total_seconds() or float("nan")
        p = lag_percentiles(target, since)
        results.figure(f"{label}: {target} events applied per second", count / seconds, "events/s")
        for q in ("p50", "p95", "p99"):
            results.figure(f"{label}: {target} commit-to-applied lag {q}", p[q] * 1000, "ms")
        lag_over_time(results, target, since, load_started)
        print(
            f"{label:10} {target:8} events={count:6d}  applied/s={count / seconds:8.1f}  "
            f"lag p50={p['p50'] * 1000:8.1f} ms  p95={p['p95'] * 1000:8.1f} ms  p99={p['p99'] * 1000:8.1f} ms"
        )


def lag_over_time(results: Results, target: str, since, load_started) -> None:
    """Points (seconds since the load began, worst lag in ms) per LAG_BIN_SECONDS of commit time."""
    from backend.sync.models import Delivery

    worst: dict[int, float] = {}
    applied = Delivery.objects.filter(target=target, status=Delivery.DONE, event__created_at__gte=since)
    for created_at, applied_at in applied.values_list("event__created_at", "applied_at"):
        bin_index = int((created_at - load_started).total_seconds() // LAG_BIN_SECONDS)
        lag_ms = (applied_at - created_at).total_seconds() * 1000
        worst[bin_index] = max(worst.get(bin_index, 0.0), lag_ms)
    for bin_index, lag_ms in sorted(worst.items()):
        results.point("sync_lag_over_time", target, bin_index * LAG_BIN_SECONDS, lag_ms)


def run_phases(args, results: Results) -> None:
    from django.utils import timezone

    from tests.factories import MovieFactory, UserFactory

    rng = random.Random(7)
    started = time.perf_counter()
    users = [UserFactory() for _ in range(args.users)]
    movies = [
        MovieFactory(genres=["Drama"], overview=f"A story of journey number {i} across the sea.")
        for i in range(args.movies)
    ]
    print(f"setup: {args.users} users and {args.movies} movies written in {time.perf_counter() - started:.1f}s; "
          f"drained in {wait_for_backlog_zero():.1f}s more (includes the worker's model load)")  # fmt: skip

    since = load_started = timezone.now()
    interval = 1.0 / args.rate
    deadline = time.monotonic() + args.seconds
    writes = 0
    next_at = time.monotonic()
    while time.monotonic() < deadline:
        random_write(users, movies, rng)
        writes += 1
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))
    drained = wait_for_backlog_zero()
    print(
        f"sustained: {writes} writes at {args.rate}/s target for {args.seconds}s; backlog drained {drained:.1f}s after the last write"
    )
    results.figure("sustained: writes issued per second", writes / args.seconds, "writes/s", f"target {args.rate:g}/s")
    results.figure("sustained: backlog drained after the last write", drained, "s")
    lag_report("sustained", since, results, load_started)

    since = timezone.now()
    started = time.perf_counter()
    for _ in range(args.burst):
        random_write(users, movies, rng)
    written = time.perf_counter() - started
    drained = wait_for_backlog_zero()
    print(
        f"burst: {args.burst} writes in {written:.1f}s ({args.burst / written:.0f} writes/s); drained {drained:.1f}s after"
    )
    results.figure(f"burst: {args.burst} writes issued per second", args.burst / written, "writes/s")
    results.figure("burst: backlog drained after the last write", drained, "s")
    lag_report("burst", since, results, load_started)


def rebuild_phase(args, results: Results) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from backend.catalog.models import Movie
    from backend.projector.rebuild import rebuild_graph, rebuild_vectors
    from backend.social.models import Rating

    # Enough extra users that the requested ratings fit one per (user, movie).
    per_user = max(1, len(Movie.objects.all()))
    extra_users = args.rebuild_ratings // per_user + 1
    first = (get_user_model().objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    get_user_model().objects.bulk_create(
        [get_user_model()(username=f"bench{first + i}", password="!") for i in range(extra_users)], batch_size=5000
    )
    taken = set(Rating.objects.values_list("user_id", "movie_id"))
    user_ids = list(get_user_model().objects.filter(id__gte=first).values_list("id", flat=True))
    movie_ids = list(Movie.objects.values_list("id", flat=True))
    rows = [(u, m) for u in user_ids for m in movie_ids if (u, m) not in taken][: args.rebuild_ratings]
    with (
        connection.cursor() as cursor,
        cursor.connection.cursor().copy(
            "COPY social_rating (user_id, movie_id, score, created_at, updated_at) FROM STDIN"
        ) as copy,
    ):
        for user_id, movie_id in rows:
            copy.write_row((user_id, movie_id, Decimal(random.randint(1, 10)) / 2, "2025-01-01", "2025-01-01"))
    print(f"rebuild: added {len(rows)} ratings straight into Postgres (COPY, bypassing the outbox)")

    started = time.perf_counter()
    counts = rebuild_graph()
    seconds = time.perf_counter() - started
    results.figure(
        "rebuild_graph rows per second", sum(counts.values()) / seconds, "rows/s", f"{sum(counts.values())} rows"
    )
    print(
        f"rebuild_graph: {sum(counts.values())} rows in {seconds:.1f}s = {sum(counts.values()) / seconds:,.0f} rows/s {counts}"
    )
    started = time.perf_counter()
    embedded = rebuild_vectors()
    seconds = time.perf_counter() - started
    results.figure("rebuild_vectors movies per second", embedded / seconds, "movies/s", "model-bound on CPU")
    print(
        f"rebuild_vectors: {embedded} movies in {seconds:.1f}s = {embedded / seconds:.1f} movies/s (model-bound on CPU)"
    )


if __name__ == "__main__":
    main()
