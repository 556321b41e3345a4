"""Each kind of aggregate the outbox carries, declared once.

A declaration says how to read the kind's rows and their JSON state from Postgres (one row or a
batch: `states(keys)`, `chunks()`), which graph projection stores it (`graph.projection`), and
whether and how it reaches the vectors. Events (the outbox reads `states` when a write records),
the graph and vector deliveries, rebuild and reconcile all go through these declarations, so the
Postgres -> projection mapping exists once.

Adding a kind: its model and its write service (which calls `record_change(kind, key, ...)`), one
`ProjectedKind` here added to `KINDS`, and, if the graph stores it, one projection in
`graph/projection.py`. graph/README.md walks through it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import BooleanField, Field, Model, QuerySet
from django.db.models.expressions import RawSQL

from backend.catalog.models import Credit, Movie
from backend.social.models import Follow, Like, Rating
from backend.sync import registry
from backend.sync.models import AggregateVersion, Delivery
from backend.sync.outbox import aggregate_key
from graph import projection
from vectors.text import content_hash, movie_embedding_text
from vectors.types import MoviePayload

CHUNK_SIZE = 2000
DIRECTOR_JOB = "Director"

State = dict[str, Any]


@dataclass(frozen=True)
class VectorForm:
    """How a kind reaches the vector store: the text its vector embeds and the payload beside it."""

    text: Callable[[State], str]
    payload: Callable[[int, int, State, str], MoviePayload]


@dataclass(frozen=True)
class ProjectedKind:
    name: str
    # Every live row, with what `state` reads loaded (select_related / prefetch_related).
    rows: Callable[[], QuerySet[Any]]
    # The row fields the aggregate key is made of, in key order ("12:5" is user_id:movie_id).
    key_fields: tuple[str, ...]
    # A row's JSON state, as events carry it and the projections apply it.
    state: Callable[[Any], State]
    graph: projection.Projection | None = None
    vectors: VectorForm | None = None
    # Optional fast path for `states`: the row fields the state is made of, and the state from their
    # plain values (so a batch reads tuples, not model instances). `state` must agree with it.
    value_fields: tuple[str, ...] = ()
    state_of_values: Callable[..., State] | None = None

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(
            target
            for target, feeds in ((Delivery.GRAPH, self.graph), (Delivery.VECTORS, self.vectors))
            if feeds is not None
        )

    def key(self, row: Any) -> str:
        return aggregate_key(*(getattr(row, name) for name in self.key_fields))

    def ids(self, key: str) -> tuple[int, ...]:
        return tuple(int(part) for part in key.split(":"))

    def lookup(self, keys: Sequence[str]) -> QuerySet[Any]:
        """The live rows with these keys, in one query that uses the key's unique index."""
        rows = self.rows()
        columns = list(zip(*(self.ids(key) for key in keys), strict=True)) if keys else [()] * len(self.key_fields)
        if len(self.key_fields) == 1:
            return rows.filter(**{f"{self.key_fields[0]}__in": list(columns[0])})
        model: type[Model] = rows.model
        table = connection.ops.quote_name(model._meta.db_table)
        quoted = ", ".join(f"{table}.{connection.ops.quote_name(_column(model, name))}" for name in self.key_fields)
        arrays = ", ".join("%s::bigint[]" for _ in self.key_fields)
        return rows.filter(
            RawSQL(f"({quoted}) IN (SELECT * FROM unnest({arrays}))", [list(c) for c in columns], BooleanField())
        )

    def states(self, keys: Sequence[str]) -> dict[str, State]:
        if self.state_of_values is None:
            return {self.key(row): self.state(row) for row in self.lookup(keys)}
        width = len(self.key_fields)
        make = self.state_of_values
        return {
            ":".join(map(str, values[:width])): make(*values[width:])
            for values in self.lookup(keys).values_list(*self.key_fields, *self.value_fields)
        }

    def chunks(self, size: int = CHUNK_SIZE) -> Iterator[list[Any]]:
        """All live rows in primary-key order, `size` at a time (prefetches apply per chunk)."""
        queryset = self.rows().order_by("pk")
        last_pk = None
        while True:
            page = queryset if last_pk is None else queryset.filter(pk__gt=last_pk)
            batch = list(page[:size])
            if not batch:
                return
            yield batch
            last_pk = batch[-1].pk

    def versions(self, keys: Sequence[str]) -> dict[str, int]:
        """The recorded version of each key (0 for a row no event was ever recorded for)."""
        found = dict(AggregateVersion.objects.filter(kind=self.name, key__in=keys).values_list("key", "version"))
        return {key: found.get(key, 0) for key in keys}

    def live_versions(self) -> dict[str, int]:
        """Every live row's key and version: what a projection should hold. Two scans."""
        keys = [aggregate_key(*ids) for ids in self.rows().values_list(*self.key_fields).iterator(chunk_size=10_000)]
        recorded = dict(AggregateVersion.objects.filter(kind=self.name).values_list("key", "version").iterator())
        return {key: recorded.get(key, 0) for key in keys}


def _column(model: type[Model], field_name: str) -> str:
    field = model._meta.get_field(field_name)
    assert isinstance(field, Field) and field.column
    return field.column


# ---------------------------------------------------------------- states


def user_state(user: Any) -> State:
    # Accounts made outside the services (createsuperuser, bulk loads) may lack a profile: public.
    profile = getattr(user, "profile", None)
    return {"username": user.username, "is_private": bool(profile and profile.is_private)}


def movie_state(movie: Movie) -> State:
    """Needs `genres` and `credits__person` loaded (prefetched or fresh)."""
    people = []
    for credit in movie.credits.all():
        if credit.kind == Credit.CAST:
            people.append({"person_id": credit.person_id, "name": credit.person.name, "role": "ACTED_IN"})
        elif credit.job == DIRECTOR_JOB:
            people.append({"person_id": credit.person_id, "name": credit.person.name, "role": "DIRECTED"})
    return {
        "title": movie.title,
        "year": movie.year,
        "genres": sorted(genre.name for genre in movie.genres.all()),
        "people": people,
        "overview": movie.overview,
        "language": movie.original_language,
        "rank_score": round(movie.rank_score, 4),
    }


def movie_text(state: State) -> str:
    return movie_embedding_text(state["title"], state["year"], state["genres"], state["overview"])


def movie_payload(movie_id: int, version: int, state: State, text_hash: str) -> MoviePayload:
    return MoviePayload(
        movie_id=movie_id,
        title=state["title"],
        year=state["year"],
        genres=tuple(state["genres"]),
        language=state["language"],
        rank_score=state["rank_score"],
        content_hash=text_hash,
        version=version,
    )


def movie_text_hash(state: State) -> str:
    return content_hash(movie_text(state))


# ---------------------------------------------------------------- the kinds

USER = ProjectedKind(
    name="user",
    rows=lambda: get_user_model().objects.filter(is_active=True).select_related("profile"),
    key_fields=("id",),
    state=user_state,
    graph=projection.USERS,
)
MOVIE = ProjectedKind(
    name="movie",
    rows=lambda: Movie.objects.prefetch_related("genres", "credits__person"),
    key_fields=("id",),
    state=movie_state,
    graph=projection.MOVIES,
    vectors=VectorForm(text=movie_text, payload=movie_payload),
)


def follow_state(created_at: datetime) -> State:
    return {"since": created_at.isoformat()}


def like_state(created_at: datetime) -> State:
    return {"at": created_at.isoformat()}


def rating_state(score: Decimal, updated_at: datetime) -> State:
    return {"score": float(score), "at": updated_at.isoformat()}


FOLLOW = ProjectedKind(
    name="follow",
    rows=Follow.objects.all,
    key_fields=("follower_id", "followee_id"),
    state=lambda follow: follow_state(follow.created_at),
    graph=projection.FOLLOWS,
    value_fields=("created_at",),
    state_of_values=follow_state,
)
LIKE = ProjectedKind(
    name="like",
    rows=Like.objects.all,
    key_fields=("user_id", "movie_id"),
    state=lambda like: like_state(like.created_at),
    graph=projection.LIKES,
    value_fields=("created_at",),
    state_of_values=like_state,
)
RATING = ProjectedKind(
    name="rating",
    rows=Rating.objects.all,
    key_fields=("user_id", "movie_id"),
    state=lambda rating: rating_state(rating.score, rating.updated_at),
    graph=projection.RATINGS,
    value_fields=("score", "updated_at"),
    state_of_values=rating_state,
)

# In the order a rebuild loads them and a delivery batch applies them: nodes before edges.
KINDS: dict[str, ProjectedKind] = {kind.name: kind for kind in (USER, MOVIE, FOLLOW, LIKE, RATING)}


def get(name: str) -> ProjectedKind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown kind {name!r}") from None


def register_all() -> None:
    for kind in KINDS.values():
        registry.register(kind)
