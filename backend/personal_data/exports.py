"""Taking it out: a zip of everything that is the person's, built in a worker.

The zip holds `profile.json`, `ratings.csv` and `likes.csv` in Letterboxd's column layout (so it
can be imported back, here or there) and `follows.json`. Each file is one `Section` in `SECTIONS`;
the social features' watchlist (`watchlist.csv`: Date,Name,Year,Letterboxd URI), reviews
(`reviews.csv`) and lists (`lists/<name>.csv`) become sections of their own when their models land.
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
from django.utils import timezone

from backend.core import jobs
from backend.core.errors import Conflict, Forbidden, NotFound
from backend.personal_data.models import Export
from backend.social.models import Follow, Like, Rating

User = get_user_model()

RATINGS_COLUMNS = ("Date", "Name", "Year", "Letterboxd URI", "Rating")
LIKES_COLUMNS = ("Date", "Name", "Year", "Letterboxd URI")
_SIGNING_SALT = "personal_data.export-download"
_ROWS_PER_FETCH = 2000


@dataclass(frozen=True)
class Section:
    path: str
    write: Callable[[int], bytes]


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
    Section("profile.json", _profile),
    Section("ratings.csv", _ratings),
    Section("likes.csv", _likes),
    Section("follows.json", _follows),
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
                archive.writestr(section.path, section.write(export.user_id))
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
