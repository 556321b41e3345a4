"""Catalog writes (staff only at the API). Each runs in one transaction and records the movie's
outbox event beside the change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from backend.catalog.models import Credit, Genre, Movie, Person
from backend.core.errors import ApplicationError
from backend.core.transactions import service_transaction
from backend.sync.outbox import aggregate_key, record_change, record_changes

MOVIE_FIELDS = (
    "title",
    "original_title",
    "release_date",
    "runtime",
    "overview",
    "original_language",
    "poster_url",
    "imdb_id",
    "tmdb_id",
    "movielens_id",
    "popularity",
)


@dataclass(frozen=True)
class CreditInput:
    person_id: int
    kind: str
    character: str = ""
    order: int = 0
    job: str = ""


@dataclass
class MovieInput:
    """Fields to set; `genres` and `credits` replace the movie's when given (None: keep)."""

    fields: dict = field(default_factory=dict)
    genres: Sequence[str] | None = None
    credits: Sequence[CreditInput] | None = None


def create_movie(data: MovieInput) -> Movie:
    with service_transaction():
        movie = Movie()
        _apply(movie, data)
        return movie


def update_movie(movie_id: int, data: MovieInput) -> Movie:
    with service_transaction():
        movie = Movie.objects.select_for_update().get(id=movie_id)
        _apply(movie, data)
        return movie


def delete_movie(movie_id: int) -> None:
    """Delete a movie with its likes and ratings, recording a delete event for each of them, so the
    projections drop every relationship that pointed at it."""
    with service_transaction():
        movie = Movie.objects.select_for_update().get(id=movie_id)
        # The likes and ratings go with the movie (on_delete=CASCADE), read through its relations.
        like_keys = [aggregate_key(user_id, movie_id) for user_id in movie.likes.values_list("user_id", flat=True)]
        rating_keys = [aggregate_key(user_id, movie_id) for user_id in movie.ratings.values_list("user_id", flat=True)]
        movie.delete()
        record_changes("like", like_keys, "like.deleted")
        record_changes("rating", rating_keys, "rating.deleted")
        record_change("movie", aggregate_key(movie_id), "movie.deleted")


def _apply(movie: Movie, data: MovieInput) -> None:
    created = movie.pk is None
    for name in data.fields:
        if name not in MOVIE_FIELDS:
            raise ValueError(f"not a movie field: {name}")
    if not created and not _would_change(movie, data):
        return  # a repeated update: no write, no event
    for name, value in data.fields.items():
        setattr(movie, name, value)
    movie.original_title = movie.original_title or movie.title
    movie.year = movie.release_date.year if isinstance(movie.release_date, date) else None
    movie.save()
    if data.genres is not None:
        movie.genres.set(_genres_named(data.genres))
    if data.credits is not None:
        _replace_credits(movie, data.credits)
    record_change("movie", aggregate_key(movie.id), "movie.created" if created else "movie.updated")


def _credit_rows(credits) -> list[tuple]:
    return sorted((c.person_id, c.kind, c.character, c.order, c.job) for c in credits)


def _would_change(movie: Movie, data: MovieInput) -> bool:
    if any(getattr(movie, name) != value for name, value in data.fields.items()):
        return True
    if data.genres is not None and set(data.genres) != set(movie.genres.values_list("name", flat=True)):
        return True
    return data.credits is not None and _credit_rows(data.credits) != _credit_rows(movie.credits.all())


def _genres_named(names: Sequence[str]) -> list[Genre]:
    genres = list(Genre.objects.filter(name__in=names))
    unknown = sorted(set(names) - {genre.name for genre in genres})
    if unknown:
        raise ApplicationError("Unknown genre.", fields={"genres": [f"Unknown genre: {name}" for name in unknown]})
    return genres


def _replace_credits(movie: Movie, credits: Sequence[CreditInput]) -> None:
    person_ids = {credit.person_id for credit in credits}
    unknown = sorted(person_ids - set(Person.objects.filter(id__in=person_ids).values_list("id", flat=True)))
    if unknown:
        raise ApplicationError("Unknown person.", fields={"credits": [f"Unknown person id: {pid}" for pid in unknown]})
    movie.credits.all().delete()
    Credit.objects.bulk_create(
        Credit(movie=movie, person_id=c.person_id, kind=c.kind, character=c.character, order=c.order, job=c.job)
        for c in credits
    )
