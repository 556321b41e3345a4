"""Import benchmark: the bulk path against the per-row service path, and the sync lag after it.

Usage: .venv/bin/python bench/bench_import.py ML100K_DIR [--imdb IMDB_CSV] [--sample 2000]
  e.g. .venv/bin/python bench/bench_import.py ../shared/datasets/ml-100k \
           --imdb ../shared/datasets/imdb-top-1000/imdb_top_1000.csv

1. ml-100k: `import_movielens` (movies, accounts, ratings, likes) against the write services one
   row at a time (create_movie, register_user, rate_movie, like_movie) on the first --sample
   ratings and the movies and users they name. Rows/s count every row written (movies + users +
   ratings + likes), so the two paths are compared on the same mix.
2. IMDb top-1000: `import_catalog` against create_movie per film (people created per name) on a
   sample of --catalog-sample films.
3. The bulk imports of 1 and 2, from an empty platform, then the time until the graph and vector
   backlogs drain: one graph applier (batched path, 500 events a task) and one embedder (64 movies a
   batch) in this process, as the two worker pools run them. Then the counts in each store and
   reconcile's drift, each timed (the graph side is read in keyset pages).

Real engines: embedded Postgres, the ArcadeDB Bolt engine, a Qdrant Edge shard, the real model.
Data lives under .local/bench-import and is emptied at each run.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from environment import use_bench_data  # noqa: E402  (bench/environment.py, beside this script)

DATA = use_bench_data("bench-import")


def empty_everything() -> None:
    from django.db import connection

    import vectors
    from graph import projection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE sync_delivery, sync_outboxevent, sync_aggregateversion, social_rating, social_like, "
            "social_follow, catalog_movie_genres, catalog_credit, catalog_person, catalog_genre, catalog_movie, "
            "catalog_pendingrankupdate, accounts_profile, auth_user CASCADE"
        )
    projection.clear_all()
    vectors.get_vector_store().clear()


def rows_written() -> int:
    from django.contrib.auth import get_user_model

    from backend.catalog.models import Movie
    from backend.social.models import Like, Rating

    return sum(m.objects.count() for m in (Movie, get_user_model(), Rating, Like))


# ---------------------------------------------------------------- per-row paths


def movielens_per_row(directory: Path, sample: int) -> tuple[int, float]:
    from backend.accounts.services import register_user
    from backend.catalog import services as catalog
    from backend.catalog.models import Genre
    from backend.importers import movielens
    from backend.importers.services import DEFAULT_LIKE_THRESHOLD
    from backend.social.services import like_movie, rate_movie

    layout = movielens.detect_layout(directory)
    movies = movielens.read_movies(directory, layout)
    ratings = []
    for rating in movielens.read_ratings(directory, layout, []):
        ratings.append(rating)
        if len(ratings) == sample:
            break
    by_source = dict(zip(movies.source_ids, movies.rows, strict=True))
    started = time.perf_counter()
    Genre.objects.bulk_create([Genre(name=g) for r in movies.rows for g in r.genres], ignore_conflicts=True)
    movie_ids: dict[int, int] = {}
    users: dict[int, object] = {}
    for rating in ratings:
        if rating.movie not in movie_ids:
            row = by_source[rating.movie]
            fields = {"title": row.title, "original_title": row.original_title, "release_date": row.release_date}
            movie_ids[rating.movie] = catalog.create_movie(catalog.MovieInput(fields=fields, genres=row.genres)).id
        if rating.user not in users:
            users[rating.user] = register_user(
                username=f"ml_{rating.user}", email="", password=secrets.token_urlsafe(16)
            )
        rate_movie(users[rating.user], movie_ids[rating.movie], rating.score)
        if rating.score >= DEFAULT_LIKE_THRESHOLD:
            like_movie(users[rating.user], movie_ids[rating.movie])
    return rows_written(), time.perf_counter() - started


def catalog_per_row(path: Path, sample: int) -> tuple[int, float]:
    from backend.catalog import services as catalog
    from backend.catalog.models import Credit, Genre, Person
    from backend.importers import catalogues

    rows = catalogues.read_catalogue(path).rows[:sample]
    started = time.perf_counter()
    for row in rows:
        Genre.objects.bulk_create([Genre(name=g) for g in row.genres], ignore_conflicts=True)
        credits = [
            catalog.CreditInput(Person.objects.get_or_create(name=c.name)[0].id, Credit.CAST, order=c.order)
            for c in row.cast or ()
        ] + [
            catalog.CreditInput(Person.objects.get_or_create(name=n)[0].id, Credit.CREW, job="Director")
            for n in row.directors or ()
        ]
        fields = {"title": row.title, "overview": row.overview, "runtime": row.runtime, "poster_url": row.poster_url}
        catalog.create_movie(catalog.MovieInput(fields=fields, genres=row.genres, credits=credits))
    return len(rows), time.perf_counter() - started


# ---------------------------------------------------------------- draining the projections


def drain() -> dict[str, tuple[int, float]]:
    """Apply every pending delivery, graph and vectors side by side; (events, seconds) per target."""
    from django.db import connection

    from backend.projector.graph_apply import apply_graph_events
    from backend.projector.vector_apply import embed_pending_movies
    from backend.sync.dispatch import GRAPH_BATCH_SIZE
    from backend.sync.models import Delivery

    started = time.perf_counter()
    result: dict[str, tuple[int, float]] = {}

    def graph() -> None:
        applied = 0
        try:
            while True:
                ids = list(
                    Delivery.objects.filter(target=Delivery.GRAPH, status=Delivery.PENDING)
                    .order_by("id")
                    .values_list("event_id", flat=True)[:GRAPH_BATCH_SIZE]
                )
                if not ids:
                    break
                applied += apply_graph_events(ids)
        finally:
            connection.close()
        result["graph"] = (applied, time.perf_counter() - started)

    def embed() -> None:
        applied = 0
        try:
            while claimed := embed_pending_movies():
                applied += claimed
        finally:
            connection.close()
        result["vectors"] = (applied, time.perf_counter() - started)

    threads = [threading.Thread(target=graph), threading.Thread(target=embed)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("movielens", type=Path, help="an ml-100k (or ml-latest) directory")
    parser.add_argument("--imdb", type=Path, help="imdb_top_1000.csv")
    parser.add_argument("--sample", type=int, default=2000, help="ratings through the per-row path (0: bulk only)")
    parser.add_argument("--catalog-sample", type=int, default=200, help="films through the per-row path")
    args = parser.parse_args()

    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    from engines import start_graph  # bench/engines.py, beside this script

    graph_server = start_graph(DATA)
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        import vectors
        from backend.importers.services import import_catalog, import_movielens
        from backend.projector import reconcile
        from backend.social.models import Follow, Like, Rating
        from graph import projection, schema

        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        os.environ["TQDM_DISABLE"] = "1"
        call_command("migrate", verbosity=0)
        schema.bootstrap()
        vectors.bootstrap()

        print(f"1. {args.movielens.name}: rows written per second (movies + users + ratings + likes)")
        empty_everything()
        if args.sample:
            per_row_rows, per_row_s = movielens_per_row(args.movielens, args.sample)
            print(f"   per-row services  {per_row_rows:8,} rows in {per_row_s:6.1f} s  {per_row_rows / per_row_s:9,.0f} rows/s")  # fmt: skip
            empty_everything()
        started = time.perf_counter()
        import_movielens(args.movielens)
        ml_s = time.perf_counter() - started
        ml_rows = rows_written()
        print(f"   bulk import       {ml_rows:8,} rows in {ml_s:6.1f} s  {ml_rows / ml_s:9,.0f} rows/s")
        if args.sample:
            print(f"   bulk / per-row: {(ml_rows / ml_s) / (per_row_rows / per_row_s):.1f}x")

        catalog_s = 0.0
        if args.imdb:
            print(f"2. {args.imdb.name}: films per second (with genres, people and credits)")
            pending = time.perf_counter()
            empty_everything()
            films, per_film_s = catalog_per_row(args.imdb, args.catalog_sample)
            empty_everything()
            started = time.perf_counter()
            import_movielens(args.movielens, follows=True)  # phase 3 drains both imports together
            ml_s = time.perf_counter() - started
            started = time.perf_counter()
            summary = import_catalog(args.imdb).summary
            catalog_s = time.perf_counter() - started
            read = summary.counts.get("movies read", 0)
            print(f"   per-row services  {films:8,} films in {per_film_s:6.1f} s  {films / per_film_s:9,.0f} films/s")
            print(f"   bulk import       {read:8,} films in {catalog_s:6.1f} s  {read / catalog_s:9,.0f} films/s")
            print(f"   bulk / per-row: {(read / catalog_s) / (films / per_film_s):.1f}x")
            print(f"   (matched into the ml-100k catalogue: {summary.counts.get('movies updated', 0)} updated, "
                  f"{summary.counts.get('movies created', 0)} created; phase took {time.perf_counter() - pending:.0f} s)")  # fmt: skip

        from backend.sync.models import Delivery

        backlog = {t: Delivery.objects.filter(target=t, status=Delivery.PENDING).count() for t in ("graph", "vectors")}
        print(f"3. sync lag after the bulk imports (Postgres took {ml_s + catalog_s:.1f} s); backlog {backlog}")
        for target, (events, seconds) in sorted(drain().items()):
            print(
                f"   {target:8} {events:8,} events drained in {seconds:6.1f} s  {events / max(seconds, 1e-9):8,.0f} events/s"
            )
        from django.contrib.auth import get_user_model

        from backend.catalog.models import Movie

        print(f"   counts  postgres: movies {Movie.objects.count()}, users {get_user_model().objects.count()}, ratings {Rating.objects.count()}, likes {Like.objects.count()}, follows {Follow.objects.count()}")  # fmt: skip
        print(f"           vectors: {vectors.get_vector_store().count()} movies")
        started = time.perf_counter()
        graph_counts = {kind: len(projection.projected_versions(kind)) for kind in ("user", "movie", "follow", "like", "rating")}  # fmt: skip
        scan_s = time.perf_counter() - started
        print(f"           graph: {graph_counts} (paged scan: {scan_s:.1f} s, load {os.getloadavg()[0]:.1f})")
        started = time.perf_counter()
        drift = sum(d.total for d in reconcile.reconcile(repair=False))
        reconcile_s = time.perf_counter() - started
        print(f"   reconcile drift: {drift} in {reconcile_s:.1f} s (load {os.getloadavg()[0]:.1f} on 2 cores)")
    finally:
        graph_server.stop()


if __name__ == "__main__":
    main()
