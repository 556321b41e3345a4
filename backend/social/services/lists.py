"""Lists of films: create, change and delete a list; add, annotate, remove and reorder its
entries. Only the owner writes; a list the writer may not see is 404, one they may see but do
not own is 403."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError
from django.db.models import F, Max

from backend.core.errors import ApplicationError, Conflict, Forbidden, NotFound
from backend.core.transactions import service_transaction
from backend.social.models import LIST_MAX_ENTRIES, Activity, FilmList, ListEntry
from backend.social.privacy import can_see_list
from backend.social.services import _require_movie
from backend.social.services.activity import activity_record, activity_remove


def _owned_list(user, list_id: int, *, lock: bool = False) -> FilmList:
    rows = FilmList.objects.select_related("owner__profile")
    if lock:
        rows = rows.select_for_update(of=("self",))
    film_list = rows.filter(id=list_id).first()
    if film_list is None or not can_see_list(user, film_list):
        raise NotFound("No such list.")
    if film_list.owner_id != user.id:
        raise Forbidden("Only the owner changes a list.", code="not_owner")
    return film_list


def _name_taken() -> Conflict:
    return Conflict("You already have a list of that name.", code="name_taken", fields={"name": ["Already used."]})


def list_create(user, *, name: str, description: str = "", is_public: bool = True) -> FilmList:
    with service_transaction():
        try:
            with service_transaction():
                return FilmList.objects.create(owner=user, name=name, description=description, is_public=is_public)
        except IntegrityError:
            raise _name_taken() from None


def list_update(user, list_id: int, **fields) -> FilmList:
    with service_transaction():
        film_list = _owned_list(user, list_id, lock=True)
        for field, value in fields.items():
            setattr(film_list, field, value)
        try:
            with service_transaction():
                film_list.save()
        except IntegrityError:
            raise _name_taken() from None
        return film_list


def list_delete(user, list_id: int) -> None:
    with service_transaction():
        _owned_list(user, list_id).delete()


def list_entry_add(user, list_id: int, movie_id: int, *, note: str = "") -> ListEntry:
    """Append a film to the list; 409 if it is already on it."""
    with service_transaction():
        film_list = _owned_list(user, list_id, lock=True)
        _require_movie(movie_id)
        last = film_list.entries.aggregate(n=Max("position"))["n"]
        if film_list.entries.count() >= LIST_MAX_ENTRIES:
            raise ApplicationError(f"A list holds at most {LIST_MAX_ENTRIES} films.", code="list_full")
        try:
            with service_transaction():
                entry = ListEntry.objects.create(
                    film_list=film_list, movie_id=movie_id, note=note, position=0 if last is None else last + 1
                )
        except IntegrityError:
            raise Conflict("The film is already on the list.", code="already_listed") from None
        film_list.save(update_fields=["updated_at"])
        activity_record(user.id, Activity.LISTED, movie_id=movie_id, film_list_id=film_list.id)
        return entry


def list_entry_update(user, list_id: int, movie_id: int, *, note: str | None) -> ListEntry:
    """Change an entry's note; `None` (a PATCH without `note`) leaves it as it is."""
    with service_transaction():
        film_list = _owned_list(user, list_id, lock=True)
        entry = film_list.entries.filter(movie_id=movie_id).first()
        if entry is None:
            raise NotFound("The film is not on the list.")
        if note is not None:
            entry.note = note
            entry.save(update_fields=["note"])
        return entry


def list_entry_remove(user, list_id: int, movie_id: int) -> None:
    """Take a film off the list (repeatable); the entries after it move up one place."""
    with service_transaction():
        film_list = _owned_list(user, list_id, lock=True)
        entry = film_list.entries.filter(movie_id=movie_id).first()
        if entry is not None:
            entry.delete()
            activity_remove(user.id, Activity.LISTED, movie_id=movie_id, film_list_id=film_list.id)
            film_list.entries.filter(position__gt=entry.position).update(position=F("position") - 1)


def list_reorder(user, list_id: int, movie_ids: Sequence[int]) -> None:
    """Put the list's films in this order; `movie_ids` must name each of them exactly once."""
    with service_transaction():
        film_list = _owned_list(user, list_id, lock=True)
        entries = {e.movie_id: e for e in film_list.entries.all()}
        if len(movie_ids) != len(set(movie_ids)) or set(movie_ids) != set(entries):
            raise ApplicationError(
                "Give each film on the list exactly once.",
                fields={"movie_ids": ["Must name each film on the list exactly once."]},
            )
        for position, movie_id in enumerate(movie_ids):
            entries[movie_id].position = position
        ListEntry.objects.bulk_update(list(entries.values()), ["position"])
