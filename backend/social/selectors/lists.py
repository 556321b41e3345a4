"""Reads of lists under the privacy rule (backend.social.privacy.can_see_list)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from backend.catalog.models import Genre
from backend.core.errors import NotFound
from backend.social.models import FilmList, ListEntry
from backend.social.privacy import can_see_list


def _lists() -> QuerySet[FilmList]:
    return FilmList.objects.select_related("owner__profile").annotate(entry_count=Count("entries"))


def lists_of(viewer, owner_id: int) -> QuerySet[FilmList]:
    """The owner's lists the viewer may see (the caller checks the owner's activity is visible):
    all of them for the owner, the public ones for anyone else; most recently changed first."""
    rows = _lists().filter(owner_id=owner_id)
    if not (viewer is not None and viewer.is_authenticated and viewer.id == owner_id):
        rows = rows.filter(is_public=True)
    return rows.order_by("-updated_at", "-id")


def list_detail(viewer, list_id: int) -> FilmList:
    """The list with its entries in order (`ordered_entries`), movies and genres loaded; 404 when the
    viewer may not see it."""
    entries = ListEntry.objects.select_related("movie").prefetch_related(
        Prefetch("movie__genres", queryset=Genre.objects.all())
    )
    film_list = (
        _lists()
        .prefetch_related(Prefetch("entries", queryset=entries.order_by("position", "id"), to_attr="ordered_entries"))
        .filter(id=list_id)
        .first()
    )
    if film_list is None or not can_see_list(viewer, film_list):
        raise NotFound("No such list.")
    return film_list
