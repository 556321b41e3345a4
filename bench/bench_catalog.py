"""Benchmark of the catalog API: bulk-loaded synthetic data, the ranking recompute, and in-process
p50/p95 latency of /api/movies/ list, filter, full-text search and detail.

Usage: .venv/bin/python bench/bench_catalog.py [--movies 50000] [--ratings 1000000] [--users 20000]
       [--requests 200] [--quick]

Data goes into its own embedded Postgres under .local/bench (LOCAL_DATA_DIR), so the dev database is
untouched; each run empties the bench tables first. Rows are written with COPY, bypassing the write
services and therefore the outbox: the bench measures reads and rankings, not the sync path.
Requests go through django.test.Client: the full middleware and DRF stack, no network.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from results import Results, add_json_argument  # noqa: E402  (bench/results.py, beside this script)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("LOCAL_DATA_DIR", str(ROOT / ".local" / "bench"))
# The bench measures the stack, not the throttle.
os.environ.setdefault("THROTTLE_ANON", "100000000/min")
os.environ.setdefault("THROTTLE_USER", "100000000/min")

GENRES = [
    "Action",
    "Adventure",
    "Animation",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Family",
    "Fantasy",
    "Heist",
    "History",
    "Horror",
    "Music",
    "Mystery",
    "Romance",
    "Science Fiction",
    "Thriller",
    "War",
    "Western",
    "Film Noir",
]
LANGUAGES = ["en"] * 14 + ["fr", "es", "ja", "ko", "de", "it"]
# A Zipf-like vocabulary: the first words appear in most overviews, the tail in very few.
VOCABULARY = [
    "story",
    "life",
    "love",
    "family",
    "world",
    "young",
    "friends",
    "find",
    "must",
    "home",
    "journey",
    "secret",
    "past",
    "city",
    "night",
    "war",
    "detective",
    "stranger",
    "mother",
    "father",
    "brother",
    "sister",
    "island",
    "desert",
    "river",
    "mountain",
    "ship",
    "train",
    "letter",
    "music",
    "dance",
    "village",
    "kingdom",
    "empire",
    "robot",
    "planet",
    "station",
    "dream",
    "memory",
    "ghost",
    "forest",
    "winter",
    "summer",
    "heist",
    "vault",
    "casino",
    "crew",
    "thief",
    "fortune",
    "border",
    "storm",
    "lighthouse",
    "circus",
    "violin",
    "orchard",
    "glacier",
]
COMMON_WORD = "story"  # the most frequent word
RARE_WORD = "zeppelin"  # planted in RARE_FRACTION of overviews
RARE_FRACTION = 0.001
TITLE_WORDS = [
    "the",
    "last",
    "first",
    "dark",
    "silent",
    "golden",
    "broken",
    "hidden",
    "long",
    "red",
    "blue",
    "lost",
    "wild",
    "new",
    "old",
]
COPY_TIME = datetime(2024, 1, 1, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movies", type=int, default=50_000)
    parser.add_argument("--ratings", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per scenario")
    parser.add_argument("--quick", action="store_true", help="2,000 movies, 40,000 ratings, 50 requests")
    parser.add_argument("--seed", type=int, default=7)
    add_json_argument(parser)
    args = parser.parse_args()
    if args.quick:
        args.movies, args.ratings, args.users, args.requests = 2_000, 40_000, 1_000, 50
    if args.ratings > args.movies * args.users:
        parser.error("--ratings exceeds --movies x --users (one rating per user and movie)")

    import django

    from embedded.postgres import use_embedded_postgres

    use_embedded_postgres()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    print(f"database: embedded Postgres under {settings.LOCAL_DATA_DIR} (the dev database is untouched)")
    call_command("migrate", verbosity=0)

    rng = random.Random(args.seed)
    timings = {}
    started = time.perf_counter()
    load(rng, args)
    timings["bulk load (COPY)"] = time.perf_counter() - started
    print(
        f"loaded {args.movies:,} movies, {args.users:,} users, {args.ratings:,} ratings with COPY "
        f"in {timings['bulk load (COPY)']:.1f}s -- bench data bypasses the write services and the outbox"
    )

    from backend.catalog import rankings

    started = time.perf_counter()
    ranked = rankings.recompute_all()
    timings["rankings.recompute_all()"] = time.perf_counter() - started
    print(
        f"rankings.recompute_all(): {ranked:,} movies in {timings['rankings.recompute_all()']:.2f}s "
        "(includes recording a movie.ranked outbox event per changed score)"
    )

    results = Results("catalog")
    results.figure(
        f"{args.movies:,} movies, {args.ratings:,} ratings: bulk load (COPY)", timings["bulk load (COPY)"], "s"
    )
    results.figure("rankings.recompute_all()", timings["rankings.recompute_all()"], "s", f"{ranked:,} movies")
    measure(rng, args, results)
    results.write(args.json)


def load(rng: random.Random, args) -> None:
    """Empty the bench tables and COPY synthetic rows in; Postgres fills the search_document column."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    password = make_password("bench-password-unused")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE catalog_movie, catalog_genre, catalog_person, catalog_credit, catalog_movie_genres, "
            "catalog_pendingrankupdate, social_rating, social_like, social_follow, accounts_profile, auth_user, "
            "sync_outboxevent, sync_delivery, sync_aggregateversion RESTART IDENTITY CASCADE"
        )
        raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
        with raw.copy("COPY catalog_genre (name) FROM STDIN") as copy:
            for name in GENRES:
                copy.write_row((name,))

        with raw.copy(
            "COPY catalog_movie (title, original_title, release_date, year, runtime, overview, original_language, "
            "poster_url, popularity, rating_count, rating_mean, rank_score, created_at, updated_at) FROM STDIN"
        ) as copy:
            for n in range(args.movies):
                title = f"{rng.choice(TITLE_WORDS).title()} {rng.choice(VOCABULARY).title()} {n}"
                released = date(1950, 1, 1) + timedelta(days=rng.randrange(27_000))
                copy.write_row(
                    (
                        title,
                        title,
                        released,
                        released.year,
                        rng.randint(75, 190),
                        _overview(rng),
                        rng.choice(LANGUAGES),
                        "",
                        round(rng.paretovariate(1.5), 3),
                        0,
                        0.0,
                        0.0,
                        COPY_TIME,
                        COPY_TIME,
                    )
                )

        with raw.copy("COPY catalog_movie_genres (movie_id, genre_id) FROM STDIN") as copy:
            for movie_id in range(1, args.movies + 1):
                for genre_id in rng.sample(range(1, len(GENRES) + 1), rng.randint(1, 3)):
                    copy.write_row((movie_id, genre_id))

        with raw.copy(
            "COPY auth_user (username, password, is_superuser, is_staff, is_active, first_name, last_name, email, "
            "date_joined) FROM STDIN"
        ) as copy:
            for n in range(args.users):
                copy.write_row(
                    (f"bench{n}", password, False, False, True, "", "", f"bench{n}@bench.invalid", COPY_TIME)
                )
        with raw.copy("COPY accounts_profile (user_id, display_name, bio, is_private) FROM STDIN") as copy:
            for user_id in range(1, args.users + 1):
                copy.write_row((user_id, f"bench{user_id}", "", False))

        # Popular movies get more ratings: pick movies with a skewed distribution, distinct per user.
        per_user, extra = divmod(args.ratings, args.users)
        with raw.copy("COPY social_rating (user_id, movie_id, score, created_at, updated_at) FROM STDIN") as copy:
            for user_id in range(1, args.users + 1):
                wanted = per_user + (1 if user_id <= extra else 0)
                chosen: set[int] = set()
                while len(chosen) < wanted:
                    chosen.add(
                        min(args.movies, int(rng.paretovariate(0.6)))
                        if rng.random() < 0.5
                        else rng.randint(1, args.movies)
                    )
                for movie_id in chosen:
                    copy.write_row((user_id, movie_id, rng.randint(1, 10) / 2, COPY_TIME, COPY_TIME))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _overview(rng: random.Random) -> str:
    words = [VOCABULARY[min(len(VOCABULARY) - 1, int(rng.expovariate(0.08)))] for _ in range(rng.randint(25, 45))]
    if rng.random() < RARE_FRACTION:
        words.insert(rng.randrange(len(words)), RARE_WORD)
    return " ".join(words).capitalize() + "."


def measure(rng: random.Random, args, results: Results) -> None:
    from django.db import connection
    from django.test import Client

    from backend.catalog.models import Movie

    client = Client(HTTP_HOST="localhost")
    movie_ids = list(Movie.objects.values_list("id", flat=True))
    matches = {}
    for word in (COMMON_WORD, RARE_WORD):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM catalog_movie WHERE search_document @@ websearch_to_tsquery('english', %s)",
                [word],
            )
            matches[word] = cursor.fetchone()[0]

    scenarios = {
        "list page 1, ordering=rank": lambda: "/api/movies/?ordering=rank",
        "list genre + year range": lambda: (
            f"/api/movies/?genre={rng.choice(GENRES).replace(' ', '+')}&year_min={(y := rng.randint(1950, 2010))}&year_max={y + 10}"
        ),
        f"search q={COMMON_WORD} ({matches[COMMON_WORD]:,} hits)": lambda: f"/api/movies/?q={COMMON_WORD}",
        f"search q={RARE_WORD} ({matches[RARE_WORD]:,} hits)": lambda: f"/api/movies/?q={RARE_WORD}",
        "detail": lambda: f"/api/movies/{rng.choice(movie_ids)}/",
    }
    print(f"\n{args.requests} requests per scenario, in-process django.test.Client, after 5 warm-up requests")
    print(f"{'scenario':<40} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, next_path in scenarios.items():
        for _ in range(5):
            _get(client, next_path())
        samples = []
        for _ in range(args.requests):
            path = next_path()
            started = time.perf_counter()
            _get(client, path)
            samples.append((time.perf_counter() - started) * 1000)
        p50 = statistics.median(samples)
        p95 = statistics.quantiles(samples, n=20)[18]
        print(f"{name:<40} {p50:>8.1f} {p95:>8.1f} {max(samples):>8.1f}")
        results.figure(f"{args.movies:,} movies: {name} p50", p50, "ms", "in-process django.test.Client")
        results.figure(f"{args.movies:,} movies: {name} p95", p95, "ms", "in-process django.test.Client")


def _get(client, path: str) -> None:
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}: {response.content[:300]!r}")


if __name__ == "__main__":
    main()
