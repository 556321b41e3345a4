"""Taking it out: a zip of everything that is the person's, built in a worker.

The zip holds `profile.json`, then `ratings.csv`, `likes.csv`, `watchlist.csv`, `reviews.csv` and
`lists/<name>.csv` in Letterboxd's column layouts (so it can be imported back, here or there), and
`follows.json`. Each part is one `Section` in `SECTIONS`, built with a fixed number of queries
whatever the number of rows (lists: two, whatever the number of lists). Letterboxd URIs are left
empty: our films have none, and the importers match by title and year.
The download link is signed with the export and its owner and expires after
EXPORT_LINK_MAX_AGE_SECONDS.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify

from backend.core import jobs
from backend.core.errors import Conflict, Forbidden, NotFound
from backend.personal_data.models import Export
from backend.social.models import FilmList, Follow, Like, ListEntry, Rating, Review, WatchlistEntry

User = get_user_model()

RATINGS_COLUMNS = ("Date", "Name", "Year", "Letterboxd URI", "Rating")
LIKES_COLUMNS = ("Date", "Name", "Year", "Letterboxd URI")
WATCHLIST_COLUMNS = LIKES_COLUMNS
REVIEWS_COLUMNS = ("Date", "Name", "Year", "Letterboxd URI", "Rating", "Rewatch", "Review", "Tags", "Watched Date")
# A Letterboxd list file: a header block naming the list, a blank line, then its films.
LIST_VERSION_LINE = "Letterboxd list export v7"
LIST_COLUMNS = ("Date", "Name", "Tags", "URL", "Description")
LIST_ENTRY_COLUMNS = ("Position", "Name", "Year", "URL", "Description")
_SIGNING_SALT = "personal_data.export-download"
_ROWS_PER_FETCH = 2000


@dataclass(frozen=True)
class Section:
    """One part of the zip: `files(user_id)` yields (path inside the zip, content) pairs."""

    path: str  # a file, or a folder ending in "/" for a section of several files
    files: Callable[[int], Iterable[tuple[str, bytes]]]


def _one_file(path: str, write: Callable[[int], bytes]) -> Section:
    return Section(path, lambda user_id: [(path, write(user_id))])


def _csv(columns: tuple[str, ...], rows: Iterable[tuple]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _profile(user_id: int) -> bytes:
    user = User.objects.select_related("profile").get(pk=user_id)
    profile = user.profile
    body = {
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "date_joined": user.date_joined.isoformat(),
        "display_name": profile.display_name,
        "bio": profile.bio,
        "is_private": profile.is_private,
    }
    return json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8")


def _ratings(user_id: int) -> bytes:
    rows = (
        Rating.objects.filter(user_id=user_id)
        .order_by("updated_at", "id")
        .values_list("updated_at", "movie__title", "movie__year", "score")
    )
    return _csv(
        RATINGS_COLUMNS,
        (
            (at.date().isoformat(), title, year or "", "", f"{score:.1f}")
            for at, title, year, score in rows.iterator(_ROWS_PER_FETCH)
        ),
    )


def _likes(user_id: int) -> bytes:
    rows = (
        Like.objects.filter(user_id=user_id)
        .order_by("created_at", "id")
        .values_list("created_at", "movie__title", "movie__year")
    )
    return _csv(
        LIKES_COLUMNS,
        ((at.date().isoformat(), title, year or "", "") for at, title, year in rows.iterator(_ROWS_PER_FETCH)),
    )


def _watchlist(user_id: int) -> bytes:
    rows = (
        WatchlistEntry.objects.filter(user_id=user_id)
        .order_by("created_at", "id")
        .values_list("created_at", "movie__title", "movie__year")
    )
    return _csv(
        WATCHLIST_COLUMNS,
        ((at.date().isoformat(), title, year or "", "") for at, title, year in rows.iterator(_ROWS_PER_FETCH)),
    )


def _reviews(user_id: int) -> bytes:
    # A review's score is the user's rating of the film: one subquery, not one query a review.
    score = Rating.objects.filter(user_id=user_id, movie_id=OuterRef("movie_id")).values("score")[:1]
    rows = (
        Review.objects.filter(user_id=user_id)
        .annotate(score=Subquery(score))
        .order_by("created_at", "id")
        .values_list("created_at", "movie__title", "movie__year", "score", "body")
    )
    return _csv(
        REVIEWS_COLUMNS,
        (
            (
                at.date().isoformat(),
                title,
                year or "",
                "",
                f"{score:.1f}" if score is not None else "",
                "",
                body,
                "",
                "",
            )
            for at, title, year, score, body in rows.iterator(_ROWS_PER_FETCH)
        ),
    )


def _list_file_names(names: list[str]) -> list[str]:
    """`lists/<slug>.csv` per list, unique even when two names share a slug."""
    taken: set[str] = set()
    paths = []
    for name in names:
        stem = slugify(name) or "list"
        path, n = f"lists/{stem}.csv", 1
        while path in taken:
            n += 1
            path = f"lists/{stem}-{n}.csv"
        taken.add(path)
        paths.append(path)
    return paths


def _lists(user_id: int) -> list[tuple[str, bytes]]:
    lists = list(
        FilmList.objects.filter(owner_id=user_id)
        .order_by("created_at", "id")
        .values_list("id", "created_at", "name", "description")
    )
    entries: dict[int, list[tuple]] = {list_id: [] for list_id, *_ in lists}
    for list_id, position, title, year, note in (
        ListEntry.objects.filter(film_list__owner_id=user_id)
        .order_by("film_list_id", "position", "id")
        .values_list("film_list_id", "position", "movie__title", "movie__year", "note")
        .iterator(_ROWS_PER_FETCH)
    ):
        entries[list_id].append((position + 1, title, year or "", "", note))
    files = []
    for (list_id, at, name, description), path in zip(
        lists, _list_file_names([n for _, _, n, _ in lists]), strict=True
    ):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([LIST_VERSION_LINE])
        writer.writerow(LIST_COLUMNS)
        writer.writerow((at.date().isoformat(), name, "", "", description))
        writer.writerow(())
        writer.writerow(LIST_ENTRY_COLUMNS)
        writer.writerows(entries[list_id])
        files.append((path, out.getvalue().encode("utf-8")))
    return files


def _follows(user_id: int) -> bytes:
    def people(rows) -> list[dict]:
        return [{"id": uid, "username": name, "since": at.isoformat()} for uid, name, at in rows]

    following = Follow.objects.filter(follower_id=user_id).order_by("created_at", "id")
    followers = Follow.objects.filter(followee_id=user_id).order_by("created_at", "id")
    body = {
        "following": people(following.values_list("followee_id", "followee__username", "created_at")),
        "followers": people(followers.values_list("follower_id", "follower__username", "created_at")),
    }
    return json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8")


SECTIONS: tuple[Section, ...] = (
    _one_file("profile.json", _profile),
    _one_file("ratings.csv", _ratings),
    _one_file("likes.csv", _likes),
    _one_file("watchlist.csv", _watchlist),
    _one_file("reviews.csv", _reviews),
    Section("lists/", _lists),
    _one_file("follows.json", _follows),
)


def request_export(user) -> Export:
    """Queue an export of the user's data; 409 while one of theirs is queued or running."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).exists()  # one request at a time per user
        if Export.objects.filter(user=user, status__in=(Export.QUEUED, Export.RUNNING)).exists():
            raise Conflict("An export of yours is already being prepared.", code="export_in_progress")
        export = Export.objects.create(user=user)
        transaction.on_commit(lambda: jobs.enqueue("personal_data.build_export", export.id))
    return export


def build_export(export_id: int) -> str:
    """Build the zip of an export (the task); returns its status. A gone or finished one is left."""
    with transaction.atomic():
        export = Export.objects.select_for_update().filter(id=export_id).first()
        if export is None or export.status not in (Export.QUEUED, Export.RUNNING):
            return export.status if export else "gone"
        export.status = Export.RUNNING
        export.save(update_fields=["status"])
    try:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for section in SECTIONS:
                for path, content in section.files(export.user_id):
                    archive.writestr(path, content)
    except Exception as error:
        Export.objects.filter(id=export_id).update(status=Export.FAILED, error=str(error), finished_at=timezone.now())
        raise
    Export.objects.filter(id=export_id).update(
        status=Export.DONE, archive=buffer.getvalue(), finished_at=timezone.now()
    )
    return Export.DONE


def owned_export(user, export_id: int) -> Export:
    """The user's export (without its archive); another user's answers 404, as a missing one."""
    export = Export.objects.defer("archive").filter(id=export_id, user=user).first()
    if export is None:
        raise NotFound("No such export.")
    return export


def download_token(export: Export) -> str:
    return signing.TimestampSigner(salt=_SIGNING_SALT).sign(f"{export.id}:{export.user_id}")


def archive_for_download(user, export_id: int, token: str) -> bytes:
    """The zip, for its owner holding an unexpired link; 404 for anyone else, 403 once expired."""
    export = owned_export(user, export_id)
    signer = signing.TimestampSigner(salt=_SIGNING_SALT)
    try:
        signed = signer.unsign(token, max_age=settings.EXPORT_LINK_MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise Forbidden("This download link has expired; ask for the export again.", code="link_expired") from None
    except signing.BadSignature:
        raise NotFound("No such export.") from None
    if signed != f"{export.id}:{export.user_id}" or export.status != Export.DONE:
        raise NotFound("No such export.")
    archive = Export.objects.filter(id=export.id).values_list("archive", flat=True).get()
    assert archive is not None, "a done export has its archive"
    return bytes(archive)
