"""Benchmark: the graph read queries on the embedded engine vs the same questions in SQL on Postgres.

    .venv/bin/python bench/bench_graph.py [--users 10000 --follows 200000 --likes 500000] [--quick]
                                          [--graph-dir DIR] [--reload]

Generates one random social graph (skewed: popular users and movies), loads it
into Postgres (COPY) and into the graph (graph.projection bulk loaders, load
throughput reported), then times each question for random viewers and prints
p50/p95 per store and the graph/SQL ratios of p50s and p95s.

The generator is seeded, so the loaded graph is kept under --graph-dir (default
.local/bench-graph/<users>-<follows>-<likes>) and reused by the next run at the same
scale (the projection loads ~700 rows/s here; --reload loads it again).
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from results import Results, add_json_argument  # bench/results.py, beside this script

from embedded.graph import EmbeddedGraphServer, free_port
from graph import driver, projection, queries, schema
from graph.types import Versioned

ROOT = Path(__file__).resolve().parent.parent
EPOCH = 1_704_067_200

SQL_SCHEMA = """
CREATE TABLE users (id bigint PRIMARY KEY, is_private boolean NOT NULL);
CREATE TABLE movies (id bigint PRIMARY KEY, genre text NOT NULL);
CREATE TABLE follows (follower_id bigint NOT NULL, followee_id bigint NOT NULL, since double precision NOT NULL,
                      PRIMARY KEY (follower_id, followee_id));
CREATE TABLE likes (user_id bigint NOT NULL, movie_id bigint NOT NULL, at double precision NOT NULL,
                    PRIMARY KEY (user_id, movie_id));
CREATE TABLE ratings (user_id bigint NOT NULL, movie_id bigint NOT NULL, score real NOT NULL,
                      at double precision NOT NULL, PRIMARY KEY (user_id, movie_id));
"""
SQL_INDEXES = """
CREATE INDEX follows_followee ON follows (followee_id, follower_id);
CREATE INDEX likes_movie ON likes (movie_id, user_id);
CREATE INDEX ratings_movie ON ratings (movie_id, user_id);
ANALYZE;
"""

# Visible(p, viewer): public, the viewer, or following the viewer back.
SQL_FRIENDS_LIKED = """
WITH friends AS (
  SELECT f.followee_id AS fid FROM follows f JOIN users u ON u.id = f.followee_id
  WHERE f.follower_id = %(v)s
    AND (NOT u.is_private OR EXISTS (SELECT 1 FROM follows b WHERE b.follower_id = f.followee_id AND b.followee_id = %(v)s))
), acts AS (
  SELECT l.user_id, l.movie_id, l.at FROM likes l JOIN friends ON l.user_id = friends.fid
  UNION ALL
  SELECT r.user_id, r.movie_id, r.at FROM ratings r JOIN friends ON r.user_id = friends.fid WHERE r.score >= 4
), per AS (
  SELECT user_id, movie_id, max(at) AS at FROM acts
  WHERE movie_id NOT IN (SELECT movie_id FROM likes WHERE user_id = %(v)s UNION SELECT movie_id FROM ratings WHERE user_id = %(v)s)
  GROUP BY user_id, movie_id
)
SELECT movie_id, count(*) AS friend_count, max(at) AS last_at, (array_agg(user_id ORDER BY at DESC, user_id))[1:3]
FROM per GROUP BY movie_id ORDER BY friend_count DESC, last_at DESC, movie_id LIMIT 20
"""
SQL_MOVIE_FRIENDS = """
SELECT f.followee_id, l.user_id IS NOT NULL AS liked, r.score
FROM follows f JOIN users u ON u.id = f.followee_id
LEFT JOIN likes l ON l.user_id = f.followee_id AND l.movie_id = %(m)s
LEFT JOIN ratings r ON r.user_id = f.followee_id AND r.movie_id = %(m)s
WHERE f.follower_id = %(v)s AND (l.user_id IS NOT NULL OR r.user_id IS NOT NULL)
  AND (NOT u.is_private OR EXISTS (SELECT 1 FROM follows b WHERE b.follower_id = f.followee_id AND b.followee_id = %(v)s))
ORDER BY 1 LIMIT 200
"""
SQL_FOLLOW_SUGGESTIONS = """
WITH friends AS (SELECT followee_id AS fid FROM follows WHERE follower_id = %(v)s),
liked AS (SELECT movie_id FROM likes WHERE user_id = %(v)s),
mutual AS (SELECT f2.followee_id AS c, count(*) AS m FROM follows f2 JOIN friends ON f2.follower_id = friends.fid GROUP BY 1),
shared AS (
  SELECT l.user_id AS c, count(*) AS s FROM likes l JOIN liked USING (movie_id) JOIN users u ON u.id = l.user_id
  WHERE NOT u.is_private OR EXISTS (SELECT 1 FROM follows b WHERE b.follower_id = l.user_id AND b.followee_id = %(v)s)
  GROUP BY 1)
SELECT c, coalesce(m, 0) AS m, coalesce(s, 0) AS s FROM mutual FULL JOIN shared USING (c)
WHERE c <> %(v)s AND c NOT IN (SELECT fid FROM friends)
ORDER BY m DESC, s DESC, c LIMIT 20
"""
SQL_ALSO_LIKED = """
WITH a AS (
  SELECT l.user_id FROM likes l JOIN users u ON u.id = l.user_id WHERE l.movie_id = %(m)s
    AND (NOT u.is_private OR u.id = %(v)s OR EXISTS (SELECT 1 FROM follows b WHERE b.follower_id = u.id AND b.followee_id = %(v)s))
), co AS (
  SELECT l.movie_id AS b, count(*) AS co FROM likes l JOIN a USING (user_id) WHERE l.movie_id <> %(m)s GROUP BY 1
), bl AS (
  SELECT l.movie_id AS b, count(*) AS n FROM likes l JOIN users u ON u.id = l.user_id
  WHERE l.movie_id IN (SELECT b FROM co)
    AND (NOT u.is_private OR u.id = %(v)s OR EXISTS (SELECT 1 FROM follows b WHERE b.follower_id = u.id AND b.followee_id = %(v)s))
  GROUP BY 1)
SELECT b, co, co::float / ((SELECT count(*) FROM a) + n - co) AS score
FROM co JOIN bl USING (b) ORDER BY score DESC, co DESC, b LIMIT 20
"""
# UNION ALL recursion emits rows level by level, so LIMIT 1 stops at the first (shortest) hit.
SQL_CONNECTION = """
WITH RECURSIVE walk(node, depth, path) AS (
  SELECT %(v)s::bigint, 0, ARRAY[%(v)s::bigint]
  UNION ALL
  SELECT f.followee_id, w.depth + 1, w.path || f.followee_id
  FROM walk w JOIN follows f ON f.follower_id = w.node
  WHERE w.depth < 4 AND NOT f.followee_id = ANY (w.path)
)
SELECT path FROM walk WHERE node = %(t)s LIMIT 1
"""


def generate(users: int, follows: int, likes: int, seed: int = 7):
    rng = random.Random(seed)
    movies = max(500, likes // 100)
    private = {u: rng.random() < 0.15 for u in range(1, users + 1)}
    genres = {m: rng.choice(["Drama", "Comedy", "Horror", "SciFi", "Noir"]) for m in range(1, movies + 1)}
    follow_set: set[tuple[int, int]] = set()
    while len(follow_set) < follows:
        a = rng.randint(1, users)
        b = 1 + int(users * rng.random() ** 2)  # popular accounts get followed more
        if a != b:
            follow_set.add((a, b))
    like_set: set[tuple[int, int]] = set()
    while len(like_set) < likes:
        like_set.add((rng.randint(1, users), 1 + int(movies * rng.random() ** 3)))
    rating_set: set[tuple[int, int]] = set()
    while len(rating_set) < likes // 5:
        rating_set.add((rng.randint(1, users), 1 + int(movies * rng.random() ** 3)))
    return {
        "users": [(u, p) for u, p in private.items()],
        "movies": list(genres.items()),
        "follows": [(a, b, float(EPOCH + rng.randint(0, 10**7))) for a, b in follow_set],
        "likes": [(u, m, float(EPOCH + rng.randint(0, 10**7))) for u, m in like_set],
        "ratings": [
            (
                u,
                m,
                rng.choice([1.0, 2.0, 3.0, 3.5, 4.0, 4.5, 5.0]),
                float(EPOCH + rng.randint(0, 10**7)),
            )
            for u, m in rating_set
        ],
    }


def dt(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def load_postgres(conn, data) -> float:
    started = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute(SQL_SCHEMA)
        for table, columns in [
            ("users", "id, is_private"),
            ("movies", "id, genre"),
            ("follows", "follower_id, followee_id, since"),
            ("likes", "user_id, movie_id, at"),
            ("ratings", "user_id, movie_id, score, at"),
        ]:
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in data[table]:
                    copy.write_row(row)
        cur.execute(SQL_INDEXES)
    conn.commit()
    return time.perf_counter() - started


def create_edges(kind: projection.EdgeProjection, changes: list[Versioned]) -> None:
    """--fast-load: CREATE the relationships `projection.apply` would write on an empty graph (same
    properties and version), without its per-row tombstone checks and MERGEs."""
    properties = ", ".join(f"{name}: row.{name}" for name in (*kind.fields, "version"))
    query = (
        f"UNWIND $rows AS row MATCH (a:{kind.start.label} {{id: row.start_id}}) "
        f"MATCH (b:{kind.end.label} {{id: row.end_id}}) CREATE (a)-[:{kind.rel_type} {{{properties}}}]->(b)"
    )
    for start in range(0, len(changes), 5_000):
        driver.write_rows(query, {"rows": [kind.params(c) for c in changes[start : start + 5_000]]})


def load_graph(data, fast: bool = False) -> dict[str, tuple[int, float]]:
    timings = {}
    steps = [
        (
            "users",
            projection.USERS,
            [Versioned((u,), 1, {"username": f"u{u}", "is_private": p}) for u, p in data["users"]],
        ),
        (
            "movies",
            projection.MOVIES,
            [Versioned((m,), 1, {"title": f"m{m}", "year": None, "genres": [g]}) for m, g in data["movies"]],
        ),
        ("follows", projection.FOLLOWS, [Versioned((a, b), 1, {"since": dt(t)}) for a, b, t in data["follows"]]),
        ("likes", projection.LIKES, [Versioned((u, m), 1, {"at": dt(t)}) for u, m, t in data["likes"]]),
        (
            "ratings",
            projection.RATINGS,
            [Versioned((u, m), 1, {"score": s, "at": dt(t)}) for u, m, s, t in data["ratings"]],
        ),
    ]
    for name, kind, rows in steps:
        started = time.perf_counter()
        if fast and isinstance(kind, projection.EdgeProjection):
            create_edges(kind, rows)
        else:
            projection.apply(kind, rows)
        timings[name] = (len(rows), time.perf_counter() - started)
        print(
            f"  graph load {name:8s} {len(rows):>8} rows in {timings[name][1]:7.1f}s "
            f"({len(rows) / timings[name][1]:,.0f} rows/s)",
            flush=True,
        )
    return timings


API_TARGET_P95_MS = 25.0


def setup_api(server: EmbeddedGraphServer, data) -> None:
    """Django on its own embedded Postgres (under .local/bench-graph-api), its graph settings on the
    bench's engine, and the users and movies the endpoints hydrate (the graph answers the rest)."""
    graph_settings = server.settings()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="backend.config.settings",
        NEO4J_URI=graph_settings.uri,
        NEO4J_USER=graph_settings.user,
        NEO4J_PASSWORD=graph_settings.password,
        NEO4J_DATABASE=graph_settings.database,
        NEO4J_QUERY_TIMEOUT="120",
    )
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("LOCAL_DATA_DIR", str(ROOT / ".local" / "bench-graph-api"))
    os.environ.setdefault("THROTTLE_ANON", "100000000/min")
    os.environ.setdefault("THROTTLE_USER", "100000000/min")
    import django

    from embedded.postgres import use_embedded_postgres

    use_embedded_postgres()
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from backend.accounts.models import Profile
    from backend.catalog.models import Movie

    call_command("migrate", verbosity=0)
    user_model = get_user_model()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE catalog_movie, accounts_profile, auth_user RESTART IDENTITY CASCADE")
        user_model.objects.bulk_create(user_model(id=u, username=f"u{u}", password="!") for u, _ in data["users"])
        Profile.objects.bulk_create(Profile(user_id=u, is_private=p) for u, p in data["users"])
        Movie.objects.bulk_create(
            Movie(id=m, title=f"m{m}", overview="", original_language="en") for m, _ in data["movies"]
        )


def api_cases(viewers, movie_ids, targets):
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    users = get_user_model().objects.select_related("profile").in_bulk(list(viewers))
    clients = {}
    for viewer in viewers:
        clients[viewer] = APIClient(HTTP_HOST="localhost")
        clients[viewer].force_authenticate(users[viewer])

    def get(viewer, path):
        def call():
            response = clients[viewer].get(path)
            if response.status_code != 200:
                raise SystemExit(f"GET {path} answered {response.status_code}: {response.content[:300]!r}")

        return call

    pairs = list(zip(viewers, movie_ids, strict=False))
    return [
        ("GET me/feed/friends-liked/", [get(v, "/api/me/feed/friends-liked/") for v in viewers]),
        ("GET movies/{id}/friends/", [get(v, f"/api/movies/{m}/friends/") for v, m in pairs]),
        ("GET me/suggestions/follow/", [get(v, "/api/me/suggestions/follow/") for v in viewers]),
        ("GET movies/{id}/also-liked/", [get(v, f"/api/movies/{m}/also-liked/") for v, m in pairs]),
        (
            "GET users/{id}/connection/",
            [get(v, f"/api/users/{t}/connection/") for v, t in zip(viewers, targets, strict=False)],
        ),
    ]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_calls(calls) -> list[float]:
    for call in calls[:3]:  # warm-up
        call()
    samples = []
    for call in calls:
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def record(results: Results, args, name: str, graph_ms: list[float], sql_ms: list[float]) -> None:
    """One question's figures, and its p95s as points of the latency-against-scale plot."""
    scale = f"{args.users:,} users"
    for store, samples in (("graph", graph_ms), ("SQL", sql_ms)):
        results.figure(f"{scale}: {name} {store} p50", statistics.median(samples), "ms")
        results.figure(f"{scale}: {name} {store} p95", percentile(samples, 0.95), "ms")
        results.point("graph_latency_vs_scale", f"{name} · {store}", args.users, percentile(samples, 0.95))
    results.ratio(f"{scale}: {name} p95 graph / SQL", percentile(graph_ms, 0.95) / percentile(sql_ms, 0.95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--follows", type=int, default=200_000)
    parser.add_argument("--likes", type=int, default=500_000)
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="2k users, 40k follows, 100k likes, 30 viewers",
    )
    parser.add_argument("--graph-dir", type=Path, help="where the loaded graph is kept between runs")
    parser.add_argument(
        "--fast-load", action="store_true", help="CREATE the relationships instead of projection.apply (same graph)"
    )
    parser.add_argument("--skip-api", action="store_true", help="skip timing the DRF endpoints")
    parser.add_argument("--reload", action="store_true", help="load the graph again even if --graph-dir holds it")
    add_json_argument(parser)
    args = parser.parse_args()
    if args.quick:
        args.users, args.follows, args.likes, args.viewers = 2_000, 40_000, 100_000, 30
    graph_dir = args.graph_dir or ROOT / ".local" / "bench-graph" / f"{args.users}-{args.follows}-{args.likes}"

    import pgserver
    import psycopg

    work = Path(tempfile.mkdtemp(prefix="bench-graph-"))
    print(f"generating {args.users} users, {args.follows} follows, {args.likes} likes (+{args.likes // 5} ratings)")
    data = generate(args.users, args.follows, args.likes)
    loaded_marker, password_file = graph_dir / "loaded", graph_dir / "password"
    if args.reload or not loaded_marker.exists():
        shutil.rmtree(graph_dir, ignore_errors=True)
        graph_dir.mkdir(parents=True)
        password_file.write_text(secrets.token_urlsafe(16))
    bolt_port = free_port()
    server = EmbeddedGraphServer(
        graph_dir,
        bolt_port,
        next(port for port in iter(free_port, None) if port != bolt_port),
        password_file.read_text(),
        query_timeout_seconds=120.0,
    )
    server.start(timeout=300.0)
    pg = pgserver.get_server(str(work / "pg"), cleanup_mode="stop")
    api_ready = False
    try:
        driver.configure(server.settings(query_timeout_seconds=120.0))
        schema.bootstrap()
        conn = psycopg.connect(pg.get_uri(), autocommit=False)
        pg_seconds = load_postgres(conn, data)
        total = sum(len(data[t]) for t in ("users", "movies", "follows", "likes", "ratings"))
        print(f"  postgres COPY + indexes: {total} rows in {pg_seconds:.1f}s ({total / pg_seconds:,.0f} rows/s)")
        if loaded_marker.exists():
            print(f"  graph: reusing the graph loaded under {graph_dir}")
        else:
            started = time.perf_counter()
            load_graph(data, fast=args.fast_load)
            graph_seconds = time.perf_counter() - started
            print(
                f"  graph bulk load total: {total} rows in {graph_seconds:.1f}s ({total / graph_seconds:,.0f} rows/s)"
            )
            loaded_marker.write_text(f"{total} rows in {graph_seconds:.0f}s\n")
        # Counts kept on nodes by projection.apply; the fast load and a graph loaded before they
        # existed get them here (a no-op once every movie has one).
        started = time.perf_counter()
        counted = projection.backfill_public_likes()
        print(f"  graph: public_likes counted on {counted} movies in {time.perf_counter() - started:.1f}s")

        rng = random.Random(11)
        viewers = rng.sample(range(1, args.users + 1), args.viewers)
        movie_ids = [m for _, m, _ in rng.sample(data["likes"], args.viewers)]
        targets = rng.sample(range(1, args.users + 1), args.viewers)
        conn.autocommit = True

        def sql(query, **params):
            return lambda: conn.execute(query, params).fetchall()

        cases = [
            (
                "friends_liked",
                [lambda v=v: queries.friends_liked(v) for v in viewers],
                [sql(SQL_FRIENDS_LIKED, v=v) for v in viewers],
            ),
            (
                "movie_friends",
                [lambda v=v, m=m: queries.movie_friends(v, m) for v, m in zip(viewers, movie_ids, strict=False)],
                [sql(SQL_MOVIE_FRIENDS, v=v, m=m) for v, m in zip(viewers, movie_ids, strict=False)],
            ),
            (
                "follow_suggestions",
                [lambda v=v: queries.follow_suggestions(v) for v in viewers],
                [sql(SQL_FOLLOW_SUGGESTIONS, v=v) for v in viewers],
            ),
            (
                "also_liked",
                [lambda v=v, m=m: queries.also_liked(m, viewer_id=v) for v, m in zip(viewers, movie_ids, strict=False)],
                [sql(SQL_ALSO_LIKED, v=v, m=m) for v, m in zip(viewers, movie_ids, strict=False)],
            ),
            (
                "connection",
                [lambda v=v, t=t: queries.connection(v, t, max_hops=4) for v, t in zip(viewers, targets, strict=False)],
                [sql(SQL_CONNECTION, v=v, t=t) for v, t in zip(viewers, targets, strict=False)],
            ),
        ]
        print(f"\nload average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {args.viewers} viewers per question")
        print(
            f"{'query':20s} {'graph p50':>10s} {'graph p95':>10s} {'sql p50':>9s} {'sql p95':>9s}"
            f" {'p50 ratio':>10s} {'p95 ratio':>10s}"
        )
        results = Results("graph")
        for name, graph_calls, sql_calls in cases:
            g = time_calls(graph_calls)
            s = time_calls(sql_calls)
            ratio = statistics.median(g) / statistics.median(s)
            ratio95 = percentile(g, 0.95) / percentile(s, 0.95)
            record(results, args, name, g, s)
            print(
                f"{name:20s} {statistics.median(g):9.1f}ms {percentile(g, 0.95):9.1f}ms "
                f"{statistics.median(s):8.1f}ms {percentile(s, 0.95):8.1f}ms {ratio:9.2f}x {ratio95:9.2f}x",
                flush=True,
            )
        conn.close()
        results.write(args.json)
        if not args.skip_api:
            started = time.perf_counter()
            setup_api(server, data)
            api_ready = True
            print(
                f"\nAPI: Django on its own embedded Postgres, users and movies loaded in {time.perf_counter() - started:.0f}s"
            )
            print(f"load average {os.getloadavg()[0]:.1f}; target p95 {API_TARGET_P95_MS:.0f} ms")
            print(f"{'endpoint':30s} {'p50':>9s} {'p95':>9s} {'p95/target':>11s}")
            for name, calls in api_cases(viewers, movie_ids, targets):
                samples = time_calls(calls)
                p95 = percentile(samples, 0.95)
                print(
                    f"{name:30s} {statistics.median(samples):7.1f}ms {p95:7.1f}ms {p95 / API_TARGET_P95_MS:10.2f}x",
                    flush=True,
                )
    finally:
        driver.configure(None)
        server.stop()
        pg.cleanup()
        if api_ready:
            # os._exit below skips pgserver's exit hook, which would stop Django's embedded Postgres.
            from django.db import connections

            connections.close_all()
            pgserver.get_server(Path(os.environ["LOCAL_DATA_DIR"]) / "postgres", cleanup_mode="stop").cleanup()
    os._exit(0)


if __name__ == "__main__":
    main()
