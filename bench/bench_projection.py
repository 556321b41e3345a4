"""Graph projection benchmark: the batched path against the per-event path, side by side in one run.

Usage: .venv/bin/python bench/bench_projection.py [--events 5000] [--movies 5000] [--clients 4] [--quick]

1. Apply rate: the same graph events (users, movies, follows, likes, ratings, recorded through the
   bulk path) applied by `apply_graph_events` on the embedded engine, first the per-event way the
   platform worked before (one graph transaction per event, 200 events per task), then batched
   (one graph transaction per kind per task of 500 events).
2. Burst: movie creates through the API (waitress, staff JWT, several client threads) with a real
   Celery worker process on the `sync` queue; the age of the oldest pending graph event is sampled
   every 0.25 s; the per-event worker, then the batched one.

Real engines only: embedded Postgres, ArcadeDB over Bolt, embedded Redis. Data under
.local/bench-projection, emptied at each run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from environment import use_bench_data  # noqa: E402  (bench/environment.py, beside this script)
from results import Results, add_json_argument  # noqa: E402  (bench/results.py, beside this script)

DATA = use_bench_data("bench-projection", raise_throttles=True)

PER_EVENT = {"graph_transaction_rows": 1, "events_per_task": 200}
BATCHED = {"graph_transaction_rows": 2000, "events_per_task": 500}
# A worker process that applies events the per-event way: the patch happens before Celery starts.
WORKER_BOOT = (
    "import sys, django; django.setup(); import graph.projection as p, backend.sync.dispatch as d; "
    "p.BATCH_SIZE, d.GRAPH_BATCH_SIZE = int(sys.argv[1]), int(sys.argv[2]); "
    "from celery.__main__ import main; sys.argv = ['celery'] + sys.argv[3:]; main()"
)


def configure(path: dict[str, int]) -> None:
    from backend.sync import dispatch
    from graph import projection

    projection.BATCH_SIZE = path["graph_transaction_rows"]
    dispatch.GRAPH_BATCH_SIZE = path["events_per_task"]


def empty_everything() -> None:
    from django.db import connection

    from graph import projection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE sync_delivery, sync_outboxevent, sync_aggregateversion, social_rating, social_like, "
            "social_follow, catalog_movie_genres, catalog_credit, catalog_movie, accounts_profile, auth_user CASCADE"
        )
    projection.clear_all()


# ---------------------------------------------------------------- 1. apply rate


def record_events(total: int) -> list[int]:
    """Rows written in bulk, then their events through record_changes (the bulk path)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from backend.accounts.models import Profile
    from backend.catalog.models import Movie
    from backend.social.models import Follow, Like, Rating
    from backend.sync.models import OutboxEvent
    from backend.sync.outbox import aggregate_key, record_changes

    users_n, movies_n = max(10, total // 25), max(10, total // 25)
    edges_n = (total - users_n - movies_n) // 3
    User = get_user_model()
    with transaction.atomic():
        users = User.objects.bulk_create(User(username=f"bench{i}", password="!") for i in range(users_n))
        Profile.objects.bulk_create(Profile(user=u, display_name=u.username) for u in users)
        movies = Movie.objects.bulk_create(Movie(title=f"Bench movie {i}", overview="x") for i in range(movies_n))
        pairs = [(users[i % users_n], users[(i * 7 + 1) % users_n]) for i in range(edges_n * 2)]
        follows = list({(a.id, b.id): (a, b) for a, b in pairs if a.id != b.id}.values())[:edges_n]
        Follow.objects.bulk_create(Follow(follower=a, followee=b) for a, b in follows)
        user_movie = [(users[i % users_n], movies[(i // users_n) % movies_n]) for i in range(edges_n)]
        Like.objects.bulk_create(Like(user=u, movie=m) for u, m in user_movie)
        Rating.objects.bulk_create(Rating(user=u, movie=m, score=4) for u, m in user_movie)
        record_changes("user", [aggregate_key(u.id) for u in users], "user.created")
        record_changes("movie", [aggregate_key(m.id) for m in movies], "movie.created")
        record_changes("follow", [aggregate_key(a.id, b.id) for a, b in follows], "follow.created")
        record_changes("like", [aggregate_key(u.id, m.id) for u, m in user_movie], "like.created")
        record_changes("rating", [aggregate_key(u.id, m.id) for u, m in user_movie], "rating.set")
    return list(OutboxEvent.objects.order_by("id").values_list("id", flat=True))


def apply_rate(event_ids: list[int], path: dict[str, int]) -> float:
    from django.utils import timezone

    from backend.projector.graph_apply import apply_graph_events
    from backend.sync.models import Delivery
    from graph import projection

    projection.clear_all()
    Delivery.objects.filter(target=Delivery.GRAPH).update(
        status=Delivery.PENDING, attempts=0, applied_at=None, next_attempt_at=timezone.now()
    )
    configure(path)
    size = path["events_per_task"]
    started = time.perf_counter()
    for start in range(0, len(event_ids), size):
        apply_graph_events(event_ids[start : start + size])
    seconds = time.perf_counter() - started
    assert not Delivery.objects.filter(target=Delivery.GRAPH).exclude(status=Delivery.DONE).exists()
    return len(event_ids) / seconds


# ---------------------------------------------------------------- 2. burst through the API


def serve_api() -> int:
    import waitress

    from backend.config.wsgi import application
    from embedded.graph import free_port

    port = free_port()
    server = waitress.create_server(application, host="127.0.0.1", port=port, threads=8)
    threading.Thread(target=server.run, daemon=True).start()
    return port


def post_json(url: str, body: dict, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def start_worker(path: dict[str, int], log: Path) -> subprocess.Popen:
    celery_args = ["-A", "tasks", "worker", "-P", "threads", "-c", "4", "-Q", "sync,maintenance",
                   "--without-mingle", "--without-gossip", "--loglevel", "WARNING"]  # fmt: skip
    args = [str(path["graph_transaction_rows"]), str(path["events_per_task"]), *celery_args]
    return subprocess.Popen(
        [sys.executable, "-c", WORKER_BOOT, *args],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def burst(port: int, movies: int, clients: int, path: dict[str, int], label: str) -> dict[str, float]:
    from django.contrib.auth import get_user_model

    from backend.accounts.services import register_user
    from backend.sync.monitoring import target_health
    from tasks import app

    empty_everything()
    app.control.purge()
    configure(path)  # this process dispatches: its task size must match the path
    staff = register_user(username="bench_staff", email="staff@bench.invalid", password="bench-password-2026")
    get_user_model().objects.filter(id=staff.id).update(is_staff=True)
    base = f"http://127.0.0.1:{port}/api"
    token = post_json(f"{base}/auth/token/", {"username": "bench_staff", "password": "bench-password-2026"})["access"]

    worker = start_worker(path, DATA / f"worker-{label}.log")
    # Ready once it has applied the staff account's event: the burst starts on a running worker.
    while next(h for h in target_health() if h.target == "graph").backlog:
        time.sleep(0.25)
    oldest: list[float] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            graph = next(h for h in target_health() if h.target == "graph")
            oldest.append(graph.oldest_pending_age_seconds or 0.0)
            time.sleep(0.25)

    def create(offset: int) -> None:
        for i in range(offset, movies, clients):
            post_json(f"{base}/movies/", {"title": f"Burst {i}", "overview": "A bench film."}, token)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    writers = [threading.Thread(target=create, args=(k,)) for k in range(clients)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    written = time.perf_counter() - started
    while next(h for h in target_health() if h.target == "graph").backlog:
        time.sleep(0.25)
    drained = time.perf_counter() - started - written
    done.set()
    sampler.join()
    worker.terminate()
    worker.wait(timeout=60)
    return {"creates_per_s": movies / written, "oldest_max_s": max(oldest), "drained_after_s": drained}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000, help="graph events in the apply-rate phase")
    parser.add_argument("--movies", type=int, default=5000, help="movie creates in the burst")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--quick", action="store_true")
    add_json_argument(parser)
    args = parser.parse_args()
    if args.quick:
        args.events, args.movies = 2000, 500

    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    from engines import start_engines  # bench/engines.py, beside this script

    broker, graph_server = start_engines(DATA)
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        from graph import schema

        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        call_command("migrate", verbosity=0)
        schema.bootstrap()

        empty_everything()
        event_ids = record_events(args.events)
        rates = {name: apply_rate(event_ids, path) for name, path in (("per-event", PER_EVENT), ("batched", BATCHED))}
        print(f"1. apply rate, {len(event_ids)} graph events on the embedded engine (events/s)")
        for name, rate in rates.items():
            print(f"   {name:10} {rate:8,.0f}")
        print(f"   batched / per-event: {rates['batched'] / rates['per-event']:.1f}x")
        measured = Results("projection")
        for name, rate in rates.items():
            measured.figure(f"apply rate, {len(event_ids)} graph events, {name}", rate, "events/s")
        measured.ratio("apply rate batched / per-event", rates["batched"] / rates["per-event"])

        port = serve_api()
        print(f"2. burst: {args.movies} movie creates through the API from {args.clients} clients")
        results = {name: burst(port, args.movies, args.clients, path, name) for name, path in (("per-event", PER_EVENT), ("batched", BATCHED))}  # fmt: skip
        for name, r in results.items():
            print(
                f"   {name:10} creates/s {r['creates_per_s']:6.1f}  oldest pending graph event max {r['oldest_max_s']:6.1f} s"
                f"  backlog drained {r['drained_after_s']:5.1f} s after the last create"
            )
            burst_name = f"burst of {args.movies} API creates, {name}"
            measured.figure(f"{burst_name}: creates per second", r["creates_per_s"], "creates/s")
            measured.figure(f"{burst_name}: oldest pending graph event, max", r["oldest_max_s"], "s")
            measured.figure(f"{burst_name}: backlog drained after the last create", r["drained_after_s"], "s")
        measured.ratio(
            "burst: oldest pending graph event max, batched / per-event",
            results["batched"]["oldest_max_s"] / max(results["per-event"]["oldest_max_s"], 1e-9),
        )
        measured.write(args.json)
    finally:
        graph_server.stop()
        broker.stop()


if __name__ == "__main__":
    main()
