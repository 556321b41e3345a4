"""Recording a bulk import's events: the old path against `record_many`, side by side in one run.

Usage: .venv/bin/python bench/bench_record.py [--ratings 50000] [--rounds 3]

Loads --ratings ratings (and a like for each rating of 4 or more) into embedded Postgres, then
records their events in turn with
  before: the state read through model instances, the arrays in psycopg's text format through
          Django's (client-binding) cursor, an OutboxEvent built per event (the code before this change);
  after:  `record_many` (states from plain values, arrays in binary, no objects).
Each round runs in a transaction that is rolled back, so both paths write the same rows. Reports this
process's CPU seconds (the machine is shared: CPU is the fairer figure), wall, and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from environment import use_bench_data  # noqa: E402  (bench/environment.py, beside this script)

DATA = use_bench_data("bench-record", vectors=False)
BATCH = 5000


def old_record_changes(kind: str, keys: list[str], event_type: str) -> list:
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from backend.sync import registry
    from backend.sync.models import Delivery, OutboxEvent

    text = (
        "INSERT INTO sync_aggregateversion (kind, key, version) SELECT %s, key, 1 FROM unnest(%s::text[]) AS key"
        " ON CONFLICT (kind, key) DO UPDATE SET version = sync_aggregateversion.version + 1 RETURNING key, version",
        "INSERT INTO sync_outboxevent (kind, key, version, event_type, payload, created_at)"
        " SELECT %s, key, version, %s, payload::jsonb, clock_timestamp()"
        " FROM unnest(%s::text[], %s::bigint[], %s::text[]) WITH ORDINALITY AS e(key, version, payload, position)"
        " ORDER BY position RETURNING key, id, created_at",
        "INSERT INTO sync_delivery (event_id, target, status, attempts, last_error, next_attempt_at)"
        " SELECT event_id, target, %s, 0, '', %s FROM unnest(%s::bigint[]) AS e(event_id), unnest(%s::text[]) AS t(target)",
    )
    keys = list(dict.fromkeys(keys))
    aggregate = registry.get(kind)
    states = {aggregate.key(row): aggregate.state(row) for row in aggregate.lookup(keys)}
    sweep_at = timezone.now() + timedelta(seconds=settings.SYNC_SWEEP_AFTER_SECONDS)
    payloads = [None if states.get(key) is None else json.dumps(states[key]) for key in keys]
    with connection.cursor() as cursor:
        cursor.execute(text[0], [kind, keys])
        versions = dict(cursor.fetchall())
        ordered = [versions[key] for key in keys]
        cursor.execute(text[1], [kind, event_type, keys, ordered, payloads])
        inserted = {key: (event_id, at) for key, event_id, at in cursor.fetchall()}
        event_ids = [inserted[key][0] for key in keys]
        cursor.execute(text[2], [Delivery.PENDING, sweep_at, event_ids, list(aggregate.targets)])
    return [
        OutboxEvent(
            id=inserted[k][0],
            kind=kind,
            key=k,
            version=v,
            event_type=event_type,
            payload=states.get(k),
            created_at=inserted[k][1],
        )
        for k, v in zip(keys, ordered, strict=True)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ratings", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import shutil

    shutil.rmtree(DATA, ignore_errors=True)
    from embedded.postgres import use_embedded_postgres

    use_embedded_postgres()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    import numpy as np

    from backend.sync.outbox import record_many

    users, movies = max(1, args.ratings // 100), 2000
    rng = np.random.default_rng(7)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, email, is_staff,"
            " is_active, date_joined) SELECT g, '', false, 'u' || g, '', '', '', false, true, now()"
            " FROM generate_series(1, %s) g",
            [users],
        )
    from backend.catalog.models import Movie
    from backend.social.models import Like, Rating

    Movie.objects.bulk_create(Movie(id=i, title=f"m{i}") for i in range(1, movies + 1))
    pairs = {
        (int(u), int(m))
        for u, m in zip(
            rng.integers(1, users + 1, args.ratings * 2), rng.integers(1, movies + 1, args.ratings * 2), strict=True
        )
    }
    pairs = sorted(pairs)[: args.ratings]
    scores = rng.integers(1, 11, len(pairs)) / 2
    Rating.objects.bulk_create(
        (Rating(user_id=u, movie_id=m, score=str(s)) for (u, m), s in zip(pairs, scores, strict=True)), batch_size=5000
    )
    liked = [p for p, s in zip(pairs, scores, strict=True) if s >= 4]
    Like.objects.bulk_create((Like(user_id=u, movie_id=m) for u, m in liked), batch_size=5000)
    rating_keys = [f"{u}:{m}" for u, m in pairs]
    like_keys = [f"{u}:{m}" for u, m in liked]
    print(f"{len(rating_keys)} ratings, {len(like_keys)} likes, batches of {BATCH}")

    def run(record) -> tuple[float, float]:
        cpu, wall = time.process_time(), time.perf_counter()
        with transaction.atomic():
            for start in range(0, len(rating_keys), BATCH):
                record("rating", rating_keys[start : start + BATCH], "rating.set")
            for start in range(0, len(like_keys), BATCH):
                record("like", like_keys[start : start + BATCH], "like.created")
            transaction.set_rollback(True)
        return time.process_time() - cpu, time.perf_counter() - wall

    totals = {"before": [0.0, 0.0], "after": [0.0, 0.0]}
    for round_ in range(args.rounds):
        for name, record in (("before", old_record_changes), ("after", record_many)):
            cpu, wall = run(record)
            totals[name][0] += cpu
            totals[name][1] += wall
            print(f"round {round_ + 1} {name:6} cpu {cpu:6.2f} s  wall {wall:6.2f} s")
    events = len(rating_keys) + len(like_keys)
    (bc, bw), (ac, aw) = totals["before"], totals["after"]
    n = args.rounds
    print(
        f"per round, {events} events: before cpu {bc / n:.2f} s wall {bw / n:.2f} s | after cpu {ac / n:.2f} s wall {aw / n:.2f} s"
    )
    print(
        f"cpu ratio before/after {bc / ac:.2f}x, wall {bw / aw:.2f}x; this process's cpu per 1M ratings"
        f" (+ likes in the same share): before {bc / n * 1e6 / len(rating_keys):.1f} s, after {ac / n * 1e6 / len(rating_keys):.1f} s"
    )
    print("load:", os.getloadavg())


if __name__ == "__main__":
    main()
