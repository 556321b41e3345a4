"""What Postgres holds, per kind of aggregate, in the shape the projections store it: each entity's
key, current version and (on demand) its state payload. Reconcile and rebuild both read through here."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.db.models import CharField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat

from backend.catalog.models import Movie
from backend.social.models import Follow, Like, Rating
from backend.sync import states
from backend.sync.models import AggregateVersion

KINDS = ("user", "movie", "follow", "like", "rating")
CHUNK_SIZE = 2000


def _as_text(field: str):
    return Cast(field, CharField())


def _pair(first: str, second: str):
    return Concat(_as_text(first), Value(":"), _as_text(second), output_field=CharField())


def entities(kind: str) -> QuerySet:
    """The kind's rows annotated with `key` and `version` (0 when no event was ever recorded)."""
    if kind == "user":
        rows = get_user_model().objects.filter(is_active=True).select_related("profile").annotate(key=_as_text("id"))
    elif kind == "movie":
        rows = Movie.objects.prefetch_related("genres", "credits__person").annotate(key=_as_text("id"))
    elif kind == "follow":
        rows = Follow.objects.annotate(key=_pair("follower_id", "followee_id"))
    elif kind == "like":
        rows = Like.objects.annotate(key=_pair("user_id", "movie_id"))
    elif kind == "rating":
        rows = Rating.objects.annotate(key=_pair("user_id", "movie_id"))
    else:
        raise ValueError(f"unknown kind {kind!r}")
    version = AggregateVersion.objects.filter(kind=kind, key=OuterRef("key")).values("version")[:1]
    return rows.annotate(version=Coalesce(Subquery(version), 0)).order_by("pk")


def versions(kind: str) -> dict[str, int]:
    return dict(entities(kind).values_list("key", "version").iterator(chunk_size=CHUNK_SIZE))


def state(kind: str, row) -> dict:
    return {
        "user": states.user_state,
        "movie": states.movie_state,
        "follow": states.follow_state,
        "like": states.like_state,
        "rating": states.rating_state,
    }[kind](row)


def states_by_key(kind: str, keys: list[str]) -> dict[str, dict]:
    return {row.key: state(kind, row) for row in entities(kind).filter(key__in=keys)}


def chunks(kind: str) -> Iterator[list]:
    """All rows of a kind in chunks (prefetches apply per chunk)."""
    queryset = entities(kind)
    last_pk = None
    while True:
        page = queryset if last_pk is None else queryset.filter(pk__gt=last_pk)
        batch = list(page[:CHUNK_SIZE])
        if not batch:
            return
        yield batch
        last_pk = batch[-1].pk
