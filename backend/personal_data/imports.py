"""Bringing a history in: the upload is read and checked in the request (`import_files`), then a
worker matches its rows to the catalogue and writes them through the bulk path, one transaction
with its outbox events (`record_changes`), so the graph follows like after any write.

Matching is the catalogue importers' one matcher (`backend.catalog.matching.match_movies`): by IMDb
id where the file has one, else by title key and year; a year off by one only when that finds
exactly one film. Never a guess: several candidates are reported as ambiguous. Dates are kept. The
newer of an existing rating and the imported one wins; re-importing the same file changes nothing.

While the worker runs, the job's `progress` moves: the rows are matched, then written, in batches of
IMPORT_PROGRESS_BATCH_ROWS, and after each batch the figure is written on a connection of its own
(`ImportProgress`). The import itself stays one transaction, all or nothing: a client sees how far
it is, never half of it.

Ratings and likes carry outbox events (they are projected); the watchlist, reviews and list
entries are Postgres only and are bulk-written without events, and without feed activity or
notifications (an imported history is not news). Films only watched are counted, not written.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, transaction
from django.utils import timezone

from backend.catalog import rankings
from backend.catalog.matching import Match, MatchQuery, match_movies
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

logger = logging.getLogger(__name__)
User = get_user_model()
NOT_IN_CATALOGUE = "not in the catalogue"
AMBIGUOUS = "ambiguous: several films have this title and year"
# Rows matched, then films written, per batch; the progress moves once per batch. Big enough that
# a batch costs a few queries whatever its size, small enough that a long import shows movement.
IMPORT_PROGRESS_BATCH_ROWS = 250
# The phases of serializers.IMPORT_PROGRESS_PHASES.
QUEUED, MATCHING, WRITING, DONE = "queued", "matching", "writing", "done"


def progress_figure(phase: str, processed: int, total: int) -> dict[str, Any]:
    """`processed` of `total` in this phase; `fraction` is the whole import's, 0 to 1: matching the
    rows is its first half, writing them the second (each a few queries per batch)."""
    within = processed / total if total else 1.0
    start = {QUEUED: 0.0, MATCHING: 0.0, WRITING: 0.5, DONE: 1.0}[phase]
    share = 0.5 if phase in (MATCHING, WRITING) else 0.0
    return {"phase": phase, "processed": processed, "total": total, "fraction": round(start + share * within, 4)}


class ImportProgress:
    """Writes a running import's progress to its job row on a database connection of its own, in
    autocommit, so that it is visible while the import's transaction is open. The import never
    touches its job row inside that transaction, so the two never wait for each other. If the
    import rolls back, the progress stays where it stopped (the status says `failed`)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self._connection = connections.create_connection(DEFAULT_DB_ALIAS)
        self._given_up = False

    def report(self, phase: str, processed: int, total: int) -> None:
        """Write the figure; a figure that cannot be written (no connection to spare) is given up,
        with the ones after it: the progress is for show, the import goes on."""
        if self._given_up:
            return
        try:
            with self._connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} SET progress = %s::jsonb WHERE id = %s AND status = %s",
                    [json.dumps(progress_figure(phase, processed, total)), self.job_id, ImportJob.RUNNING],
                )
        except DatabaseError as error:
            logger.warning("import %s: progress not shown: %s", self.job_id, error)
            self._given_up = True

    def close(self) -> None:
        self._connection.close()


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


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
                progress=progress_figure(QUEUED, 0, len(parsed.rows)),
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
    progress = ImportProgress(job_id)
    try:
        with service_transaction():
            counts, unmatched = _write(job.user_id, rows, progress.report)
    except Exception as error:
        ImportJob.objects.filter(id=job_id).update(
            status=ImportJob.FAILED, error=str(error), finished_at=timezone.now()
        )
        raise
    finally:
        progress.close()
    ImportJob.objects.filter(id=job_id).update(
        status=ImportJob.DONE,
        counts=counts,
        unmatched=unmatched,
        rows=[],
        finished_at=timezone.now(),
        progress=progress_figure(DONE, counts["read"], counts["read"]),
    )
    return ImportJob.DONE


Report = Callable[[str, int, int], None]
# Writes a batch of one kind's films, adding to the counts; returns the films whose event it owes.
Writer = Callable[[int, dict[int, Row], dict[str, int]], list[int] | None]


def _no_report(phase: str, processed: int, total: int) -> None:
    return None


def match_rows(rows: list[Row], report: Report = _no_report) -> tuple[dict[int, int], list[dict[str, Any]]]:
    """Row index -> movie id for the matched rows, and the unmatched ones with their reason, by the
    catalogue's one matcher (`backend.catalog.matching`): a few queries per batch of
    IMPORT_PROGRESS_BATCH_ROWS rows, each row matched on its own (a batch changes no answer)."""
    queries = [MatchQuery(title=row.name, year=row.year, imdb_id=row.imdb_id) for row in rows]
    matches: list[Match] = []
    report(MATCHING, 0, len(rows))
    for batch in _batches(queries, IMPORT_PROGRESS_BATCH_ROWS):
        matches.extend(match_movies(batch))
        report(MATCHING, len(matches), len(rows))
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


def _write(user_id: int, rows: list[Row], report: Report = _no_report) -> tuple[dict[str, int], list[dict[str, Any]]]:
    # A film only watched (watched.csv, a diary entry without a rating) has nothing to write here:
    # counted, not matched.
    watched = [row for row in rows if row.kind == "watched"]
    rows = [row for row in rows if row.kind != "watched"]
    matched, unmatched = match_rows(rows, report)
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
    # Written kind by kind, each in batches: the progress counts films written of those to write.
    to_write = sum(len(pick) for pick in chosen.values()) + sum(map(len, lists.values()))
    written = 0
    report(WRITING, written, to_write)
    rated: list[int] = []
    liked: list[int] = []
    writers: list[tuple[Writer, dict[int, Row], list[int]]] = [
        (_write_ratings, chosen["rating"], rated),
        (_write_likes, chosen["like"], liked),
        (_write_watchlist, chosen["watchlist"], []),
        (_write_reviews, chosen["review"], []),
    ]
    for writer, films, changed in writers:
        for batch in _batches(list(films.items()), IMPORT_PROGRESS_BATCH_ROWS):
            changed.extend(writer(user_id, dict(batch), counts) or [])
            written += len(batch)
            report(WRITING, written, to_write)
    _write_lists(user_id, lists, counts)
    report(WRITING, to_write, to_write)
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
