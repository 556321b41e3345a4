"""Bringing a history in: the upload is read and checked in the request (`import_files`), then a
worker matches its rows to the catalogue and writes them through the bulk path, one transaction
with its outbox events (`record_changes`), so the graph follows like after any write.

Matching is the catalogue importers' one matcher (`backend.catalog.matching.match_movies`): by IMDb
id where the file has one, else by title key and year; a year off by one only when that finds
exactly one film. Never a guess: several candidates are reported as ambiguous. Dates are kept. The
newer of an existing rating and the imported one wins; re-importing the same file changes nothing.

Ratings and likes carry outbox events (they are projected); the watchlist, reviews and list
entries are Postgres only and are bulk-written without events, and without feed activity or
notifications (an imported history is not news). Films only watched are counted, not written.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.catalog import rankings
from backend.catalog.matching import MatchQuery, match_movies
from backend.core import jobs
from backend.core.errors import Conflict, NotFound
from backend.core.transactions import service_transaction
from backend.personal_data.import_files import Row, UploadTooLarge, parse_upload
from backend.personal_data.models import ImportJob
from backend.social.models import (
    LIST_MAX_ENTRIES,
    REVIEW_BODY_MAX_LENGTH,
    FilmList,
    Like,
    ListEntry,
    Rating,
    Review,
    WatchlistEntry,
)
from backend.social.services.lists import list_create
from backend.sync.outbox import aggregate_key, record_changes

User = get_user_model()
NOT_IN_CATALOGUE = "not in the catalogue"
AMBIGUOUS = "ambiguous: several films have this title and year"


def start_import(user, *, file_name: str, size: int, read) -> ImportJob:
    """Check the upload and queue its import: 413 over IMPORT_MAX_UPLOAD_BYTES, 400 for a file
    that is not an export, 409 while another import of the user is queued or running."""
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if size > limit:
        raise UploadTooLarge(f"The file is over {limit} bytes.", fields={"file": ["Too large."]})
    if ImportJob.objects.filter(user=user, status__in=(ImportJob.QUEUED, ImportJob.RUNNING)).exists():
        raise _busy()
    parsed = parse_upload(file_name, read(), limit)
    try:
        with service_transaction():
            job = ImportJob.objects.create(
                user=user,
                source=parsed.source,
                file_name=file_name[:255],
                rows=[row.as_json() for row in parsed.rows],
                skipped_files=parsed.skipped_files,
            )
            transaction.on_commit(lambda: jobs.enqueue("personal_data.run_import", job.id))
    except IntegrityError:  # another import of theirs was queued meanwhile
        raise _busy() from None
    return job


def _busy() -> Conflict:
    return Conflict("An import of yours is already running.", code="import_in_progress")


def owned_import(user, job_id: int) -> ImportJob:
    job = ImportJob.objects.defer("rows").filter(id=job_id, user=user).first()
    if job is None:
        raise NotFound("No such import.")
    return job


def run_import(job_id: int) -> str:
    """The task: match and write the rows of a queued import; returns its status."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(id=job_id).first()
        if job is None or job.status not in (ImportJob.QUEUED, ImportJob.RUNNING):
            return job.status if job else "gone"
        ImportJob.objects.filter(id=job_id).update(status=ImportJob.RUNNING)
    rows = [Row(**row) for row in job.rows]
    try:
        with service_transaction():
            counts, unmatched = _write(job.user_id, rows)
    except Exception as error:
        ImportJob.objects.filter(id=job_id).update(
            status=ImportJob.FAILED, error=str(error), finished_at=timezone.now()
        )
        raise
    ImportJob.objects.filter(id=job_id).update(
        status=ImportJob.DONE, counts=counts, unmatched=unmatched, rows=[], finished_at=timezone.now()
    )
    return ImportJob.DONE


def match_rows(rows: list[Row]) -> tuple[dict[int, int], list[dict[str, Any]]]:
    """Row index -> movie id for the matched rows, and the unmatched ones with their reason, by the
    catalogue's one matcher (`backend.catalog.matching`): a few queries whatever the number of rows."""
    matches = match_movies([MatchQuery(title=row.name, year=row.year, imdb_id=row.imdb_id) for row in rows])
    matched: dict[int, int] = {}
    unmatched: list[dict[str, Any]] = []
    for index, (row, match) in enumerate(zip(rows, matches, strict=True)):
        if match.movie_id is not None:
            matched[index] = match.movie_id
            continue
        reason = AMBIGUOUS if match.ambiguous else NOT_IN_CATALOGUE
        unmatched.append({"file": row.source, "line": row.line, "name": row.name, "year": row.year, "reason": reason})
    return matched, unmatched


def _moment(on: str) -> datetime:
    return datetime.combine(date.fromisoformat(on), datetime.min.time(), tzinfo=UTC)


def _write(user_id: int, rows: list[Row]) -> tuple[dict[str, int], list[dict[str, Any]]]:
    # A film only watched (watched.csv, a diary entry without a rating) has nothing to write here:
    # counted, not matched.
    watched = [row for row in rows if row.kind == "watched"]
    rows = [row for row in rows if row.kind != "watched"]
    matched, unmatched = match_rows(rows)
    counts = {"read": len(rows) + len(watched), "matched": len(matched), "unmatched": len(unmatched)}
    counts |= {"watched": len(watched), "created": 0, "updated": 0, "kept": 0, "skipped": 0}
    # One row per film and kind: the file's latest date wins (ratings.csv over the diary on a tie).
    # A review's rating is a rating like the others.
    chosen: dict[str, dict[int, Row]] = defaultdict(dict)
    lists: dict[str, dict[int, Row]] = defaultdict(dict)
    considered = 0
    for index, movie_id in matched.items():
        row = rows[index]
        if row.kind == "list_entry":
            assert row.list_name is not None
            entries = lists[row.list_name]
            if movie_id not in entries or (row.position or 0) < (entries[movie_id].position or 0):
                entries[movie_id] = row
            considered += 1
            continue
        for kind in (row.kind, "rating") if row.kind == "review" and row.score else (row.kind,):
            pick = chosen[kind]
            considered += 1
            if movie_id not in pick or _rank(pick[movie_id]) <= _rank(row):
                pick[movie_id] = row
    counts["skipped"] += considered - sum(len(pick) for pick in chosen.values()) - sum(map(len, lists.values()))
    rated = _write_ratings(user_id, chosen["rating"], counts)
    liked = _write_likes(user_id, chosen["like"], counts)
    _write_watchlist(user_id, chosen["watchlist"], counts)
    _write_reviews(user_id, chosen["review"], counts)
    _write_lists(user_id, lists, counts)
    rankings.mark_stale_many(rated)
    record_changes("rating", [aggregate_key(user_id, movie_id) for movie_id in rated], "rating.imported")
    record_changes("like", [aggregate_key(user_id, movie_id) for movie_id in liked], "like.created")
    return counts, unmatched


def _rank(row: Row) -> tuple[str, bool]:
    return row.on, row.source.endswith("ratings.csv")


def _write_ratings(user_id: int, ratings: dict[int, Row], counts: dict[str, int]) -> list[int]:
    existing = {r.movie_id: r for r in Rating.objects.select_for_update().filter(user_id=user_id, movie_id__in=ratings)}
    new, changed = [], []
    for movie_id, row in ratings.items():
        score, at = Decimal(row.score or "0"), _moment(row.on)
        current = existing.get(movie_id)
        if current is None:
            new.append(Rating(user_id=user_id, movie_id=movie_id, score=score, created_at=at, updated_at=at))
        elif current.score == score:
            counts["skipped"] += 1
        elif current.updated_at >= at:
            counts["kept"] += 1  # rated here after the date in the file: the newer one stays
        else:
            current.score, current.updated_at = score, at
            changed.append(current)
    created = Rating.objects.bulk_create(new)
    # bulk_create stamps auto_now fields with now; the dates of the file are written back.
    for rating, original in zip(created, new, strict=True):
        rating.created_at = rating.updated_at = _moment(ratings[original.movie_id].on)
    Rating.objects.bulk_update(created + changed, ["score", "created_at", "updated_at"], batch_size=1000)
    counts["created"] += len(created)
    counts["updated"] += len(changed)
    return [r.movie_id for r in created + changed]


def _write_likes(user_id: int, likes: dict[int, Row], counts: dict[str, int]) -> list[int]:
    existing = set(Like.objects.filter(user_id=user_id, movie_id__in=likes).values_list("movie_id", flat=True))
    new = [Like(user_id=user_id, movie_id=movie_id) for movie_id in likes if movie_id not in existing]
    counts["skipped"] += len(likes) - len(new)
    created = Like.objects.bulk_create(new)
    for like in created:
        like.created_at = _moment(likes[like.movie_id].on)
    Like.objects.bulk_update(created, ["created_at"], batch_size=1000)
    counts["created"] += len(created)
    return [like.movie_id for like in created]


def _write_watchlist(user_id: int, films: dict[int, Row], counts: dict[str, int]) -> None:
    """The watchlist is Postgres only (no projection reads it): bulk, no events."""
    existing = set(
        WatchlistEntry.objects.filter(user_id=user_id, movie_id__in=films).values_list("movie_id", flat=True)
    )
    new = [WatchlistEntry(user_id=user_id, movie_id=movie_id) for movie_id in films if movie_id not in existing]
    counts["skipped"] += len(films) - len(new)
    created = WatchlistEntry.objects.bulk_create(new)
    for entry in created:
        entry.created_at = _moment(films[entry.movie_id].on)
    WatchlistEntry.objects.bulk_update(created, ["created_at"], batch_size=1000)
    counts["created"] += len(created)


def _write_reviews(user_id: int, reviews: dict[int, Row], counts: dict[str, int]) -> None:
    """New reviews in bulk, dated as in the file; a film already reviewed here keeps its review.
    An imported review is history, not news: no feed activity and no notification."""
    existing = set(Review.objects.filter(user_id=user_id, movie_id__in=reviews).values_list("movie_id", flat=True))
    new = [
        Review(user_id=user_id, movie_id=movie_id, body=row.body)
        for movie_id, row in reviews.items()
        if movie_id not in existing and row.body and row.body.strip() and len(row.body) <= REVIEW_BODY_MAX_LENGTH
    ]
    counts["skipped"] += len(reviews) - len(new)
    created = Review.objects.bulk_create(new)
    for review in created:
        review.created_at = review.updated_at = _moment(reviews[review.movie_id].on)
    Review.objects.bulk_update(created, ["created_at", "updated_at"], batch_size=1000)
    counts["created"] += len(created)


def _write_lists(user_id: int, lists: dict[str, dict[int, Row]], counts: dict[str, int]) -> None:
    """A list is found by its name or created private (`list_create`); its films not yet on it are appended
    in the file's order, up to LIST_MAX_ENTRIES. Three queries and one per new list."""
    if not lists:
        return
    owner = User.objects.get(pk=user_id)
    found = {film_list.name: film_list for film_list in FilmList.objects.filter(owner_id=user_id, name__in=lists)}
    on_lists: dict[int, set[int]] = defaultdict(set)
    last: dict[int, int] = {}
    for list_id, movie_id, position in ListEntry.objects.filter(film_list__in=found.values()).values_list(
        "film_list_id", "movie_id", "position"
    ):
        on_lists[list_id].add(movie_id)
        last[list_id] = max(last.get(list_id, -1), position)
    new: list[ListEntry] = []
    for name, entries in lists.items():
        film_list = found.get(name)
        if film_list is None:
            first = next(iter(entries.values()))
            # The file says nothing of who may see the list: private until its owner opens it.
            film_list = list_create(owner, name=name, description=first.list_description or "", is_public=False)
            counts["created"] += 1
        taken = on_lists[film_list.id]
        room = LIST_MAX_ENTRIES - len(taken)
        position = last.get(film_list.id, -1)
        for movie_id, row in sorted(entries.items(), key=lambda item: item[1].position or 0):
            if movie_id in taken or room <= 0:
                counts["skipped"] += 1
                continue
            position += 1
            room -= 1
            new.append(ListEntry(film_list=film_list, movie_id=movie_id, position=position, note=row.note or ""))
    created = ListEntry.objects.bulk_create(new)
    counts["created"] += len(created)
