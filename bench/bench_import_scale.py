"""Import at scale: a seeded 1M-rating MovieLens (bench/synth_movielens.py) through
`manage.py import_movielens`, API read latency while it runs against idle, and the projections
catching up after it.

Usage: .venv/bin/python bench/bench_import_scale.py [--ratings 1000000] [--users 6000]
       [--movies 10000] [--drain-seconds 240] [--synthesize-follows] [--keep DIR]

1. Generate the files into a temporary directory (deleted at the end unless --keep).
2. Import them from an empty platform with `manage.py import_movielens` in its own process, as an
   operator would, while one client here reads the API (waitress, 8 threads, in this process as
   under `make run`): GET /api/movies/?page=N and GET /api/movies/ID/ in turn, 20 ms apart.
3. The same reads on the same data with the platform idle, then while the projections catch up:
   the graph deliveries in a child process (the batched path, 500 events a task, as the sync worker
   runs them), the embeddings in this process (as the serving process owns the shard), for at most
   --drain-seconds. Events per second per target, and the backlog left with the time it would take.

Real engines: embedded Postgres, the ArcadeDB Bolt engine, a Qdrant Edge shard, the real model.
Data lives under .local/bench-import-scale and is emptied at each run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from environment import use_bench_data  # noqa: E402  (bench/environment.py, beside this script)

DATA = use_bench_data("bench-import-scale", raise_throttles=True, TQDM_DISABLE="1")
IDLE_SECONDS = 20
READ_PAUSE_SECONDS = 0.02
LATENCY_TARGET_MS = 100


IMPORT_APPLICATION_NAME = "bench-import-scale"  # PGAPPNAME of the import: finds its Postgres backend


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a live process (Linux /proc), None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


# ---------------------------------------------------------------- the reader


class Reader:
    """One client reading the API in a loop; each latency is kept under the phase it fell in."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}/api/movies/"
        self.phase = "before"
        self.samples: dict[tuple[str, str], list[float]] = {}
        self.errors: dict[str, int] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        from django.db import connection

        from backend.catalog.models import Movie

        rng = random.Random(3)
        ids: list[int] = []
        refreshed = 0.0
        try:
            while not self.stop.is_set():
                if time.monotonic() - refreshed > 2:
                    ids = list(Movie.objects.values_list("id", flat=True))
                    refreshed = time.monotonic()
                if not ids:
                    time.sleep(0.2)
                    continue
                pages = max(1, len(ids) // 20)
                for endpoint, url in (
                    ("list", f"{self.base}?page={rng.randint(1, pages)}"),
                    ("detail", f"{self.base}{rng.choice(ids)}/"),
                ):
                    phase = self.phase
                    started = time.perf_counter()
                    try:
                        with urllib.request.urlopen(url, timeout=30) as response:
                            response.read()
                    except OSError as error:  # a 5xx or a refused connection: the API was not available
                        self.errors[phase] = self.errors.get(phase, 0) + 1
                        print(f"   read failed ({phase}): {error}")
                        continue
                    self.samples.setdefault((phase, endpoint), []).append((time.perf_counter() - started) * 1000)
                    time.sleep(READ_PAUSE_SECONDS)
        finally:
            connection.close()


def serve_api() -> int:
    import waitress

    from backend.config.wsgi import application
    from embedded.graph import free_port

    port = free_port()
    server = waitress.create_server(application, host="127.0.0.1", port=port, threads=8)
    threading.Thread(target=server.run, daemon=True).start()
    return port


# ---------------------------------------------------------------- draining


def drain_graph(seconds: float) -> None:
    """Child-process mode: apply pending graph deliveries for at most `seconds`; print JSON."""
    import django

    django.setup()
    from backend.projector.graph_apply import apply_graph_events
    from backend.sync.dispatch import GRAPH_BATCH_SIZE
    from backend.sync.models import Delivery

    started = time.perf_counter()
    applied = 0
    while time.perf_counter() - started < seconds:
        ids = list(
            Delivery.objects.filter(target=Delivery.GRAPH, status=Delivery.PENDING)
            .order_by("id")
            .values_list("event_id", flat=True)[:GRAPH_BATCH_SIZE]
        )
        if not ids:
            break
        applied += apply_graph_events(ids)
    print(json.dumps({"events": applied, "seconds": time.perf_counter() - started}))


def drain(seconds: float) -> dict[str, tuple[int, float]]:
    """(events, seconds) per target: graph in a child process, embeddings here, side by side."""
    from django.db import connection

    from backend.projector.vector_apply import embed_pending_movies

    graph = subprocess.Popen(
        [sys.executable, __file__, "--drain-graph", str(seconds)],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        text=True,
    )
    result: dict[str, tuple[int, float]] = {}
    started = time.perf_counter()
    applied = 0
    try:
        while time.perf_counter() - started < seconds and (claimed := embed_pending_movies()):
            applied += claimed
    finally:
        connection.close()
    result["vectors"] = (applied, time.perf_counter() - started)
    out, _ = graph.communicate()
    answer = json.loads(out.strip().splitlines()[-1])
    result["graph"] = (answer["events"], answer["seconds"])
    return result


def pending() -> dict[str, int]:
    from backend.sync.models import Delivery

    return {t: Delivery.objects.filter(target=t, status=Delivery.PENDING).count() for t in (Delivery.GRAPH, "vectors")}


# ---------------------------------------------------------------- the run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=6_000)
    parser.add_argument("--movies", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--drain-seconds", type=float, default=240)
    parser.add_argument("--synthesize-follows", action="store_true")
    parser.add_argument("--keep", type=Path, help="generate into (and keep) this directory")
    parser.add_argument("--drain-graph", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drain_graph is not None:
        drain_graph(args.drain_graph)
        return

    import synth_movielens  # bench/synth_movielens.py, beside this script
    from engines import start_graph

    print(f"load before: {os.getloadavg()[0]:.1f} (1 min), {os.cpu_count()} cores, shared with other work")
    files = args.keep or Path(tempfile.mkdtemp(prefix="synth-movielens-"))
    started = time.perf_counter()
    counts = synth_movielens.write(files, ratings=args.ratings, users=args.users, movies=args.movies, seed=args.seed)
    print(f"1. generated {counts} (seed {args.seed}) in {time.perf_counter() - started:.1f} s")

    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    graph_server = start_graph(DATA)
    try:
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection

        import vectors
        from backend.catalog.models import Movie
        from backend.social.models import Follow, Like, Rating
        from graph import schema

        call_command("migrate", verbosity=0)
        schema.bootstrap()
        vectors.bootstrap()
        reader = Reader(serve_api())
        reader.thread.start()

        command = [sys.executable, "manage.py", "import_movielens", str(files)]
        if args.synthesize_follows:
            command.append("--synthesize-follows")
        log = DATA / "import.log"
        reader.phase = "import"
        loads = []
        backend_cpu: dict[int, float] = {}
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        with log.open("w") as out, connection.cursor() as cursor:
            environment = os.environ.copy() | {"PGAPPNAME": IMPORT_APPLICATION_NAME}
            importer = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT)
            while importer.poll() is None:
                loads.append(os.getloadavg()[0])
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [IMPORT_APPLICATION_NAME]
                )
                for (pid,) in cursor.fetchall():
                    seconds = cpu_seconds(pid)
                    if seconds is not None:
                        backend_cpu[pid] = seconds
                time.sleep(1)
        import_s = time.perf_counter() - started
        if importer.returncode:
            raise SystemExit(f"import failed ({importer.returncode}); see {log}")
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        import_cpu = children.ru_utime + children.ru_stime - children_before.ru_utime - children_before.ru_stime
        postgres_cpu = sum(backend_cpu.values())
        load = f"load {min(loads, default=0):.1f}-{max(loads, default=0):.1f}"
        print(f"2. import_movielens, end to end (a process of its own): {import_s:.1f} s ({load} on 2 cores)")
        print(f"   CPU it used: {import_cpu:.1f} s in the importer + {postgres_cpu:.1f} s in its Postgres backend "
              f"= {import_cpu + postgres_cpu:.1f} s (independent of the load; plus I/O waits, the wall time on an idle machine)")  # fmt: skip
        print(f"   {args.ratings / import_s:,.0f} ratings/s; its summary:")
        for line in log.read_text().splitlines():
            if line.strip():
                print(f"     {line.strip()}")
        print(f"   postgres: movies {Movie.objects.count()}, users {get_user_model().objects.count()}, ratings {Rating.objects.count()}, likes {Like.objects.count()}, follows {Follow.objects.count()}")  # fmt: skip
        backlog = pending()
        print(f"   backlog when the import ended: {backlog}")

        reader.phase = "idle"
        time.sleep(IDLE_SECONDS)
        reader.phase = "projecting"
        print(f"3. projections catching up (at most {args.drain_seconds:.0f} s; load {os.getloadavg()[0]:.1f}):")
        for target, (events, seconds) in sorted(drain(args.drain_seconds).items()):
            left = pending()[target]
            rate = events / max(seconds, 1e-9)
            eta = f", {left:,} left: {left / rate:,.0f} s more at this rate" if left and rate else ", drained"
            print(f"   {target:8} {events:9,} events in {seconds:6.1f} s  {rate:7,.0f} events/s{eta}")
        reader.stop.set()
        reader.thread.join()

        print(f"4. API reads (ms), one client, 20 ms apart; target p95 < {LATENCY_TARGET_MS} ms")
        print(f"   {'phase':11} {'endpoint':8} {'n':>6} {'p50':>7} {'p95':>7} {'p95/idle':>9} errors")
        for phase in ("import", "idle", "projecting"):
            for endpoint in ("list", "detail"):
                values = reader.samples.get((phase, endpoint), [])
                idle = percentile(reader.samples.get(("idle", endpoint), []), 0.95)
                p95 = percentile(values, 0.95)
                print(
                    f"   {phase:11} {endpoint:8} {len(values):6} {percentile(values, 0.5):7.1f} {p95:7.1f} "
                    f"{p95 / idle:8.1f}x {reader.errors.get(phase, 0)}"
                )
    finally:
        graph_server.stop()
        if not args.keep:
            shutil.rmtree(files, ignore_errors=True)


if __name__ == "__main__":
    main()
