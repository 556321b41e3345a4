"""Erasure benchmark: an account with 5,000 ratings, 500 follows and 2,000 likes erased from every
store, and the time until the graph holds nothing of it; side by side with erasing it edge by edge.

Usage: .venv/bin/python bench/bench_erase.py [--runs 5] [--ratings 5000] [--follows 500] [--likes 2000] [--quick]

Each run builds the account (bulk rows, their events through `record_changes`, delivered to the
graph), then erases it and delivers the erasure's events as the `sync` worker does
(`apply_graph_events`, GRAPH_BATCH_SIZE events per task), until an independent Bolt session finds
no User node with its id and no relationship of it. Two paths, alternating run by run:

* node: the platform's path (`erase_account`): one `user.deleted` event; its DETACH DELETE takes
  every edge, and the user's tombstone refuses late edge events;
* edges: the same rows deleted, plus one delete event per rating, like and follow (what recording
  every removed row like a single write would cost).

Then the outbox redaction pass. Figures are p50/p95 over the runs, in seconds. The broker hop is
left out (dispatch is called in-process): bench_sync.py measures it.

Real engines only: embedded Postgres and ArcadeDB over Bolt. Data under .local/bench-erase,
emptied at each run.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from engines import GRAPH_START_TIMEOUT_SECONDS  # noqa: E402  (bench/engines.py, beside this script)
from results import Results, add_json_argument  # noqa: E402

DATA = ROOT / ".local" / "bench-erase"
os.environ.update(
    DJANGO_SETTINGS_MODULE="backend.config.settings",
    SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-secret-key"),
    LOCAL_DATA_DIR=str(DATA),
    QDRANT_PATH=str(DATA / "qdrant"),
    # A loaded machine can take longer than the default 5 s over a 2,000-edge transaction.
    NEO4J_QUERY_TIMEOUT=os.environ.get("NEO4J_QUERY_TIMEOUT", "120"),
)
PASSWORD = "bench-password-2026"


def start_graph():
    from embedded.graph import EmbeddedGraphServer, free_port
    from embedded.postgres import use_embedded_postgres

    use_embedded_postgres()
    # The engine's own command timeout bounds a transaction; a loaded machine needs more than 10 s.
    server = EmbeddedGraphServer(
        DATA / "graph", free_port(), free_port(), secrets.token_urlsafe(16), query_timeout_seconds=120.0
    )
    server.start(timeout=GRAPH_START_TIMEOUT_SECONDS)
    settings = server.settings()
    os.environ.update(
        NEO4J_URI=settings.uri,
        NEO4J_USER=settings.user,
        NEO4J_PASSWORD=settings.password,
        NEO4J_DATABASE=settings.database,
    )
    return server


def deliver_pending() -> int:
    """Apply every pending graph delivery, a task's worth at a time, as the sync worker would (a
    delivery set back for a retry is retried at once). Returns how many events there were."""
    from django.utils import timezone

    from backend.projector.graph_apply import apply_graph_events
    from backend.sync import dispatch
    from backend.sync.models import Delivery

    waiting = Delivery.objects.filter(target=Delivery.GRAPH, status=Delivery.PENDING)
    total = waiting.count()
    while pending := list(waiting.order_by("event_id").values_list("event_id", flat=True)):
        for start in range(0, len(pending), dispatch.GRAPH_BATCH_SIZE):
            apply_graph_events(pending[start : start + dispatch.GRAPH_BATCH_SIZE])
        waiting.update(next_attempt_at=timezone.now())
    return total


def build_world(movies_n: int, others_n: int):
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from backend.accounts.models import Profile
    from backend.catalog.models import Movie
    from backend.sync.outbox import aggregate_key, record_changes

    User = get_user_model()
    with transaction.atomic():
        movies = Movie.objects.bulk_create(Movie(title=f"Erase bench {i}", overview="x") for i in range(movies_n))
        others = User.objects.bulk_create(User(username=f"other{i}", password="!") for i in range(others_n))
        Profile.objects.bulk_create(Profile(user=u, display_name=u.username) for u in others)
        record_changes("movie", [aggregate_key(m.id) for m in movies], "movie.created")
        record_changes("user", [aggregate_key(u.id) for u in others], "user.created")
    deliver_pending()
    return [m.id for m in movies], [u.id for u in others]


def build_account(run: int, movie_ids, other_ids, ratings: int, follows: int, likes: int):
    from django.db import transaction

    from backend.accounts.services import register_user
    from backend.social.models import Follow, Like, Rating
    from backend.sync.outbox import aggregate_key, record_changes

    user = register_user(username=f"leaver{run}", email=f"leaver{run}@bench.invalid", password=PASSWORD)
    half = follows // 2
    with transaction.atomic():
        Rating.objects.bulk_create(Rating(user=user, movie_id=m, score=3.5) for m in movie_ids[:ratings])
        Like.objects.bulk_create(Like(user=user, movie_id=m) for m in movie_ids[:likes])
        Follow.objects.bulk_create(Follow(follower=user, followee_id=o) for o in other_ids[:half])
        Follow.objects.bulk_create(Follow(follower_id=o, followee=user) for o in other_ids[half:follows])
        record_changes("rating", [aggregate_key(user.id, m) for m in movie_ids[:ratings]], "rating.set")
        record_changes("like", [aggregate_key(user.id, m) for m in movie_ids[:likes]], "like.created")
        keys = [aggregate_key(user.id, o) for o in other_ids[:half]]
        record_changes("follow", keys + [aggregate_key(o, user.id) for o in other_ids[half:follows]], "follow.created")
    deliver_pending()
    return user


def graph_holds(bolt, database: str, user_id: int) -> int:
    """User nodes with the id plus their relationships, asked outside the project's graph package."""
    records, _, _ = bolt.execute_query(
        "MATCH (u:User {id: $id}) OPTIONAL MATCH (u)-[r]-() RETURN count(DISTINCT u) + count(r) AS held",
        {"id": user_id},
        database_=database,
    )
    return records[0]["held"]


def erase_edge_by_edge(user) -> None:
    """The comparison path: the same deletes, and one outbox event per removed row."""
    from django.db import transaction
    from django.db.models import Q

    from backend.accounts.services import revoke_refresh_tokens
    from backend.catalog import rankings
    from backend.personal_data.models import Erasure
    from backend.social.models import Follow, Like, Rating
    from backend.sync.outbox import aggregate_key, record_change, record_changes

    with transaction.atomic():
        uid = user.id
        rated = list(Rating.objects.filter(user_id=uid).values_list("movie_id", flat=True))
        liked = list(Like.objects.filter(user_id=uid).values_list("movie_id", flat=True))
        follows = list(Follow.objects.filter(Q(follower_id=uid) | Q(followee_id=uid)).values_list("follower_id", "followee_id"))  # fmt: skip
        revoke_refresh_tokens(uid)
        Rating.objects.filter(user_id=uid).delete()
        Like.objects.filter(user_id=uid).delete()
        Follow.objects.filter(Q(follower_id=uid) | Q(followee_id=uid)).delete()
        type(user).objects.filter(id=uid).delete()
        rankings.mark_stale_many(rated)
        record_changes("rating", [aggregate_key(uid, m) for m in rated], "rating.deleted")
        record_changes("like", [aggregate_key(uid, m) for m in liked], "like.deleted")
        record_changes("follow", [aggregate_key(a, b) for a, b in follows], "follow.deleted")
        record_change("user", aggregate_key(uid), "user.deleted")
        Erasure.objects.create(user_id=uid)


def one_run(path: str, run: int, world, sizes, bolt, database: str) -> dict[str, float]:
    from backend.personal_data import erasure

    user = build_account(run, *world, *sizes)
    assert graph_holds(bolt, database, user.id) == 1 + sum(sizes)
    started = time.perf_counter()
    if path == "node":
        erasure.erase_account(user, password=PASSWORD)
    else:
        erase_edge_by_edge(user)
    committed = time.perf_counter()
    events = deliver_pending()
    held = graph_holds(bolt, database, user.id)
    gone = time.perf_counter()
    assert held == 0, f"the graph still holds {held} of user {user.id}"
    redact_started = time.perf_counter()
    erasure.redact_erased_outbox()
    redacted = time.perf_counter()
    return {
        "postgres_s": committed - started,
        "graph_s": gone - committed,
        "total_s": gone - started,
        "redact_s": redacted - redact_started,
        "events": events,
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per path")
    parser.add_argument("--ratings", type=int, default=5000)
    parser.add_argument("--follows", type=int, default=500)
    parser.add_argument("--likes", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="3 runs per path")
    add_json_argument(parser)
    args = parser.parse_args()
    if args.quick:
        args.runs = 3

    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    server = start_graph()
    try:
        import django

        django.setup()
        import neo4j
        from django.conf import settings
        from django.core.management import call_command

        from backend.projector import reconcile
        from graph import schema

        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        call_command("migrate", verbosity=0)
        schema.bootstrap()
        world = build_world(max(args.ratings, args.likes), args.follows)
        sizes = (args.ratings, args.follows, args.likes)
        graph_settings = server.settings()
        results: dict[str, list[dict[str, float]]] = {"node": [], "edges": []}
        with neo4j.GraphDatabase.driver(
            graph_settings.uri, auth=(graph_settings.user, graph_settings.password)
        ) as bolt:
            for run in range(args.runs * 2):
                path = ("node", "edges")[run % 2]
                results[path].append(one_run(path, run, world, sizes, bolt, graph_settings.database))
                figures = "  ".join(f"{name} {value:.2f}" for name, value in results[path][-1].items())
                print(f"   run {run + 1}, {path}: {figures}", flush=True)
        # The graph side only: this bench embeds no movie, so the vector side has nothing to say.
        drift = sum(d.total for d in reconcile.graph_drift())

        print(
            f"erasing an account of {args.ratings} ratings, {args.follows} follows, {args.likes} likes; "
            f"{args.runs} runs per path (seconds, p50 / p95)"
        )
        print(f"   {'path':6} {'events':>7} {'postgres':>17} {'graph empty after':>19} {'total':>17} {'redaction':>17}")
        measured = Results("erase")
        for path, runs in results.items():
            cells = []
            for name in ("postgres_s", "graph_s", "total_s", "redact_s"):
                values = [r[name] for r in runs]
                cells.append(f"{statistics.median(values):7.2f} / {percentile(values, 0.95):6.2f}")
            total_values = [r["total_s"] for r in runs]
            measured.figure(f"erase an account, {path} path: total p50", statistics.median(total_values), "s")
            measured.figure(f"erase an account, {path} path: total p95", percentile(total_values, 0.95), "s")
            print(f"   {path:6} {int(runs[0]['events']):7d} " + "  ".join(f"{c:>17}" for c in cells))
        node = percentile([r["total_s"] for r in results["node"]], 0.95)
        edges = percentile([r["total_s"] for r in results["edges"]], 0.95)
        print(f"   total p95, edges / node: {edges / node:.1f}x   reconcile drift afterwards: {drift}")
        measured.ratio("erase total p95, edges / node", edges / node, f"reconcile drift afterwards {drift}")
        measured.write(args.json)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
