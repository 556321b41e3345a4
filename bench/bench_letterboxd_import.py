"""Benchmark of a person's Letterboxd import: match quality on an 800-film file, and the time until
GET /api/me/recommendations/ reflects it.

Usage: .venv/bin/python bench/bench_letterboxd_import.py ML100K_DIR IMDB_CSV [--films 800] [--seed 7]
  e.g. .venv/bin/python bench/bench_letterboxd_import.py ../shared/datasets/ml-100k \
           ../shared/datasets/imdb-top-1000/imdb_top_1000.csv

1. The catalogue through the importers' bulk path: `import_movielens` (ml-100k: films, accounts,
   ratings, so the recommender has something to learn from), then `import_catalog` (IMDb top-1000).
   The recommender is trained once (`train_recommender`).
2. A `ratings.csv` in Letterboxd's layout (`Date,Name,Year,Letterboxd URI,Rating`) of --films films
   drawn from both source files, with the names as those files spell them (ml-100k's `Usual
   Suspects, The` written as Letterboxd does, `The Usual Suspects`), each row a distinct date:
   - exact rows;
   - harmless variants the matcher must see through: lower case, punctuation dropped, accents
     dropped, the year off by one;
   - typos (a letter dropped or two swapped): a title key no film has, to be reported;
   - films absent from the catalogue (deleted from it after the load), to be reported.
   The truth of each row is the film it was drawn from, known by its id in the source file
   (ml-100k item id = `movielens_id`, an IMDb row by its poster link), never by its title.
3. A new account uploads the file through POST /api/me/imports/; the task runs inline in this
   process (as a worker would run it). Then GET /api/me/recommendations/ until the list is no
   longer the one it gave before the import (it reflects the history at once: request-time
   scoring against the trained neighbour lists, no retraining).

Embedded Postgres under .local/bench-letterboxd-import, emptied at each run; no graph engine and
an empty vector shard (the social and content sources then give nothing; the collaborative one
is what an import changes). Jobs other than personal_data's (the sync's deliveries) stay queued.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
import unicodedata
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ["LOCAL_DATA_DIR"] = str(ROOT / ".local" / "bench-letterboxd-import")
os.environ["QDRANT_PATH"] = tempfile.mkdtemp(prefix="bench-letterboxd-qdrant-")
for _name in ("QDRANT_URL", "NEO4J_URI", "CELERY_BROKER_URL"):
    os.environ.pop(_name, None)
os.environ.setdefault("THROTTLE_USER", "100000000/min")

EXACT, VARIANT, TYPO, ABSENT = "exact", "variant", "typo", "absent"
SHARES = {EXACT: 0.6, VARIANT: 0.2, TYPO: 0.1, ABSENT: 0.1}


def letterboxd_name(title: str) -> str:
    """ml-100k's library order (`Usual Suspects, The`) in natural order, as Letterboxd writes it."""
    for article in ("The", "A", "An", "Il", "La", "Le", "Les", "L'", "Das", "Der", "Die", "El"):
        suffix = f", {article}"
        if title.endswith(suffix):
            return f"{article} {title[: -len(suffix)]}".replace("' ", "'")
    return title


def source_films(ml100k: Path, imdb: Path) -> list[tuple[str, str | int, str, int]]:
    """(source, id in the source, name, year) for every film of both files."""
    films: list[tuple[str, str | int, str, int]] = []
    with open(ml100k / "u.item", encoding="latin-1") as handle:
        for line in handle:
            parts = line.split("|")
            title = parts[1].strip()
            if not title.endswith(")") or "(" not in title:
                continue
            name, year = title[: title.rfind("(")].strip(), title[title.rfind("(") + 1 : -1]
            if "(" in name:  # `Seven (Se7en)`: the first spelling
                name = name[: name.find("(")].strip()
            if year.isdigit():
                films.append(("ml", int(parts[0]), letterboxd_name(name), int(year)))
    with open(imdb, encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            year = record["Released_Year"].strip()
            if year.isdigit():
                films.append(("imdb", record["Poster_Link"], record["Series_Title"].strip(), int(year)))
    return films


def variant(name: str, year: int, rng: random.Random) -> tuple[str, int]:
    choice = rng.randrange(4)
    if choice == 0:
        return name.lower(), year
    if choice == 1:
        return "".join(c for c in name if c.isalnum() or c.isspace()), year
    if choice == 2:
        return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)), year
    return name, year + rng.choice((-1, 1))


def typo(name: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    i = rng.choice(letters[1:-1] or letters)
    if rng.random() < 0.5 or i + 1 >= len(name):
        return name[:i] + name[i + 1 :]
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ml100k", type=Path, help="the ml-100k directory (u.item, u.data)")
    parser.add_argument("imdb", type=Path, help="imdb_top_1000.csv")
    parser.add_argument("--films", type=int, default=800)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    import django

    from embedded.postgres import use_embedded_postgres

    use_embedded_postgres()
    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from rest_framework_simplejwt.tokens import AccessToken

    import vectors
    from backend.accounts.services import register_user
    from backend.catalog.models import Movie
    from backend.catalog.titles import title_keys
    from backend.core import jobs
    from backend.importers.services import import_catalog, import_movielens
    from backend.personal_data.models import ImportJob
    from backend.recommendations.training import train_recommender
    from backend.social.models import Rating
    from tasks.celery import app

    def run_personal_data_inline(sender, task_name, args, countdown, **kwargs) -> None:
        # The import's task runs here, as a worker would run it; the sync's deliveries to the graph
        # and vectors are not what is measured (the recommendations read Postgres) and stay queued.
        if task_name.startswith("personal_data."):
            app.tasks[task_name].apply(args=tuple(args), throw=True)

    jobs.job_requested.receivers = []
    jobs.job_requested.sender_receivers_cache.clear()
    jobs.job_requested.connect(run_personal_data_inline, weak=False)
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables WHERE schemaname = 'public'"
            " AND tablename NOT IN ('django_migrations', 'django_content_type', 'auth_permission',"
            " 'catalog_title_trigram')"
        )
        tables = cursor.fetchone()[0]
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    vectors.bootstrap()

    started = time.perf_counter()
    import_movielens(args.ml100k)
    import_catalog(args.imdb)
    loaded = time.perf_counter() - started
    run = train_recommender()
    print(
        f"catalogue: {Movie.objects.count()} films, {Rating.objects.count()} ratings through the bulk path in "
        f"{loaded:.1f} s; trained once: {run.pairs} neighbour pairs in {run.seconds:.1f} s"
    )

    # The truth of each source film: the catalogue film it became, found by its source id.
    by_ml = dict(Movie.objects.exclude(movielens_id=None).values_list("movielens_id", "id"))
    by_poster = dict(Movie.objects.exclude(poster_url="").values_list("poster_url", "id"))
    rng = random.Random(args.seed)
    films = source_films(args.ml100k, args.imdb)
    rng.shuffle(films)
    chosen: list[tuple[int, str, int]] = []
    seen: set[int] = set()
    for source, source_id, name, year in films:
        truth = (by_ml if source == "ml" else by_poster).get(source_id)  # type: ignore[call-overload]
        if truth is None or truth in seen or not title_keys(name):
            continue
        seen.add(truth)
        chosen.append((truth, name, year))
        if len(chosen) == args.films:
            break
    kinds = [kind for kind, share in SHARES.items() for _ in range(round(share * len(chosen)))]
    kinds += [EXACT] * (len(chosen) - len(kinds))
    rng.shuffle(kinds)
    absent = [truth for (truth, _, _), kind in zip(chosen, kinds, strict=True) if kind == ABSENT]
    Movie.objects.filter(id__in=absent).delete()

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("Date", "Name", "Year", "Letterboxd URI", "Rating"))
    first_day = date(2015, 1, 1)
    expected: dict[str, tuple[int, str]] = {}  # the row's date -> (truth, kind)
    written: dict[int, tuple[str, int, str, int]] = {}  # line -> (name, year, original name, year)
    for line, ((truth, name, year), kind) in enumerate(zip(chosen, kinds, strict=True)):
        if kind == VARIANT:
            name, year = variant(name, year, rng)
        elif kind == TYPO:
            name = typo(name, rng)
        on = (first_day + timedelta(days=line)).isoformat()
        expected[on] = (truth, kind)
        written[line + 2] = (name, year, *chosen[line][1:])
        writer.writerow((on, name, year, "", rng.choice(("3.0", "3.5", "4.0", "4.5", "5.0"))))
    content = out.getvalue().encode("utf-8")

    newcomer = register_user(username="newcomer", email="", password="bench-only-password-1")
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(newcomer)}")
    before = client.get("/api/me/recommendations/")
    assert before.status_code == 200, before.content
    cold = [item["movie"]["id"] for item in before.json()["results"]]

    upload = io.BytesIO(content)
    upload.name = "ratings.csv"
    started = time.perf_counter()
    response = client.post("/api/me/imports/", {"file": upload})
    assert response.status_code == 202, response.content
    imported = time.perf_counter() - started
    job = client.get(f"/api/me/imports/{response.json()['id']}/").json()
    assert job["status"] == ImportJob.DONE, job
    reflected_after = None
    for _ in range(50):
        cache.clear()  # the first request after the import: no cached list to hide behind
        page = client.get("/api/me/recommendations/").json()
        ids = [item["movie"]["id"] for item in page["results"]]
        if ids and ids != cold:
            reflected_after = time.perf_counter() - started
            break
    rated_here = set(Rating.objects.filter(user=newcomer).values_list("movie_id", flat=True))

    # Per row: where the rating landed (by its distinct date), against the truth.
    landed = dict(Rating.objects.filter(user=newcomer).values_list("updated_at__date", "movie_id"))
    reported = {u["line"] for u in job["unmatched"]}
    table = {kind: {"rows": 0, "right": 0, "wrong": 0, "reported": 0} for kind in SHARES}
    for line, (on, (truth, kind)) in enumerate(expected.items(), start=2):
        cell = table[kind]
        cell["rows"] += 1
        got = landed.get(date.fromisoformat(on))
        if line in reported:
            cell["reported"] += 1
        elif got == truth:
            cell["right"] += 1
        else:
            cell["wrong"] += 1
    print(f"\nimport of a {len(chosen)}-film Letterboxd ratings.csv ({len(content) // 1024} KiB) into a new account")
    print(f"{'rows':<10} {'in file':>8} {'matched right':>14} {'matched wrong':>14} {'reported':>9}")
    for kind, cell in table.items():
        print(f"{kind:<10} {cell['rows']:>8} {cell['right']:>14} {cell['wrong']:>14} {cell['reported']:>9}")
    total = {key: sum(cell[key] for cell in table.values()) for key in ("rows", "right", "wrong", "reported")}
    print(f"{'all':<10} {total['rows']:>8} {total['right']:>14} {total['wrong']:>14} {total['reported']:>9}")
    stored = dict(Movie.objects.filter(id__in=[t for t, _ in expected.values()]).values_list("id", "year"))
    for line, (truth, kind) in enumerate(expected.values(), start=2):
        if kind == VARIANT and line in reported:
            name, year, original, original_year = written[line]
            print(
                f"  variant reported, line {line}: {name!r} {year} (source {original!r} {original_year},"
                f" catalogue year {stored.get(truth)})"
            )
    reasons: dict[str, int] = {}
    for u in job["unmatched"]:
        reasons[u["reason"]] = reasons.get(u["reason"], 0) + 1
    print(f"reported, by reason: {reasons}; counts: {job['counts']}")
    print(f"\nPOST /api/me/imports/ to done (task inline): {imported:.2f} s")
    if reflected_after is None:
        print("GET /api/me/recommendations/ did not change after the import")
    else:
        overlap = len(set(ids) & rated_here)
        print(
            f"POST to a recommendations page that reflects it: {reflected_after:.2f} s "
            f"(sources {page['sources']}; {overlap} of {len(ids)} already rated; "
            f"{len(set(ids) & set(cold))} of the cold-start page kept)"
        )
        print(f"import / (import + first reflecting page): {imported / reflected_after:.2f}")


if __name__ == "__main__":
    main()
