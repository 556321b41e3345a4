"""The bulk write path: plain rows into Postgres in batches, each batch one transaction
(`service_transaction`) holding a few statements and the outbox events of everything it changed
(`record_changes`), so the graph and the vectors follow through the sync exactly as after single
writes, and an import works whether the platform runs or not (the sweeper sends what is pending).

Idempotent: movies are matched (backend.catalog.matching) before anything is written, users by
username, ratings, likes and follows by their unique pairs; an unchanged row is not written and
records no event, so a re-run changes nothing. Each batch commits on its own: an interrupted import
is resumed by running it again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from backend.accounts.models import Profile
from backend.catalog.matching import Match, MatchQuery, match_movies
from backend.catalog.models import Credit, Genre, Movie, Person
from backend.catalog.titles import normalize_title
from backend.core.transactions import service_transaction
from backend.importers.rows import MovieRow, Problem, Summary
from backend.sync.outbox import aggregate_key, record_changes, record_many

MOVIE_BATCH_SIZE = 500
ROW_BATCH_SIZE = 5000
# Fields a row may set, as (row attribute = model field).
MOVIE_VALUE_FIELDS = (
    "title",
    "original_title",
    "release_date",
    "year",
    "runtime",
    "overview",
    "original_language",
    "poster_url",
    "popularity",
)
MOVIE_ID_FIELDS = ("imdb_id", "tmdb_id", "movielens_id")
DIRECTOR_JOB = "Director"

Progress = Callable[[int], Any] | None
User = get_user_model()


def batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


# ---------------------------------------------------------------- movies


def identity(row: MovieRow) -> tuple[Any, ...]:
    """What makes two rows of one file the same film: an external id, else title key and year."""
    for name in MOVIE_ID_FIELDS:
        value = getattr(row, name)
        if value is not None:
            return (name, value)
    return ("title", normalize_title(row.title), row.year)


def write_movies(
    rows: Sequence[MovieRow], *, overwrite: bool, summary: Summary, progress: Progress = None
) -> list[int | None]:
    """Create or update the films of `rows`; returns each row's movie id (None: skipped).

    A matched movie is updated from the row: with `overwrite`, every value the row has replaces a
    different one (a catalogue is the authority on its films); without it, only empty fields,
    genres and credits are filled in (MovieLens knows titles and genres, not plots). External ids
    are only ever filled in, never changed. A row repeated in the file goes to the first one's movie.
    """
    first_of: dict[tuple[Any, ...], int] = {}
    alias: dict[int, int] = {}
    unique: list[int] = []
    for index, row in enumerate(rows):
        key = identity(row)
        if key in first_of:
            alias[index] = first_of[key]
            summary.add("movies repeated in the file")
            continue
        first_of[key] = index
        unique.append(index)
    ids: list[int | None] = [None] * len(rows)
    created: set[int] = set()
    for batch in batches(unique, MOVIE_BATCH_SIZE):
        with service_transaction():
            written = _write_movie_batch(
                [rows[i] for i in batch], overwrite=overwrite, summary=summary, created=created
            )
        for index, movie_id in zip(batch, written, strict=True):
            ids[index] = movie_id
        if progress:
            progress(len(batch))
    for index, first in alias.items():
        ids[index] = ids[first]
    return ids


def _query(row: MovieRow) -> MatchQuery:
    others = (row.original_title,) if row.original_title else ()
    return MatchQuery(row.title, row.year, row.imdb_id, row.tmdb_id, row.movielens_id, others)


def _year(row: MovieRow) -> int | None:
    return row.year or (row.release_date.year if isinstance(row.release_date, date) else None)


def _write_movie_batch(
    rows: list[MovieRow], *, overwrite: bool, summary: Summary, created: set[int]
) -> list[int | None]:
    """`created`: the movies this run created so far (and adds its own). A row matches one of them
    only by an id: by title, it is another film of the same file (a remake a year later)."""
    matches = [
        Match(None) if match.movie_id in created and match.by not in MOVIE_ID_FIELDS else match
        for match in match_movies([_query(row) for row in rows])
    ]
    ids: list[int | None] = [None] * len(rows)
    new: list[tuple[int, Movie]] = []
    matched: dict[int, MovieRow] = {}
    for index, (row, match) in enumerate(zip(rows, matches, strict=True)):
        if match.movie_id is not None:
            if match.movie_id in matched:  # two rows of the batch named one film
                summary.skip(Problem(*_where(row), f"names the same movie as {matched[match.movie_id].source}"))
                continue
            ids[index] = match.movie_id
            matched[match.movie_id] = row
        elif match.ambiguous:
            summary.skip(Problem(*_where(row), str(match.reason)))
        else:
            new.append((index, _new_movie(row)))
    _drop_taken_ids([movie for _, movie in new], summary)
    Movie.objects.bulk_create([movie for _, movie in new])
    for index, movie in new:
        ids[index] = movie.id
    changed = _update_matched(matched, overwrite=overwrite)
    created.update(movie.id for _, movie in new)
    created_rows = {movie.id: rows[index] for index, movie in new}
    genres_changed = _write_genres(created_rows, matched, overwrite=overwrite)
    credits_changed = _write_credits(created_rows, matched, overwrite=overwrite)
    updated = (changed | genres_changed | credits_changed) - set(created_rows)
    record_changes("movie", [aggregate_key(movie_id) for movie_id in created_rows], "movie.created")
    record_changes("movie", [aggregate_key(movie_id) for movie_id in sorted(updated)], "movie.updated")
    summary.add("movies created", len(created_rows))
    summary.add("movies updated", len(updated))
    summary.add("movies unchanged", len(matched) - len(updated))
    return ids


def _where(row: MovieRow) -> tuple[str, int]:
    file, _, line = row.source.rpartition(":")
    return file, int(line) if line.isdigit() else 0


def _new_movie(row: MovieRow) -> Movie:
    return Movie(
        title=row.title[:300],
        original_title=(row.original_title or row.title)[:300],
        release_date=row.release_date,
        year=_year(row),
        runtime=row.runtime,
        overview=row.overview,
        original_language=row.original_language,
        poster_url=row.poster_url,
        popularity=row.popularity or 0.0,
        imdb_id=row.imdb_id,
        tmdb_id=row.tmdb_id,
        movielens_id=row.movielens_id,
    )


def _drop_taken_ids(movies: list[Movie], summary: Summary) -> None:
    """An id already held by another movie (one the matcher did not pick, its other ids disagreeing)
    is not written twice: the new movie goes without it."""
    for name in MOVIE_ID_FIELDS:
        wanted = {getattr(movie, name) for movie in movies} - {None}
        taken = set(Movie.objects.filter(**{f"{name}__in": wanted}).values_list(name, flat=True)) if wanted else set()
        for movie in movies:
            if getattr(movie, name) in taken:
                setattr(movie, name, None)
                summary.add(f"{name} already held by another movie: left out")


def _update_matched(matched: dict[int, MovieRow], *, overwrite: bool) -> set[int]:
    if not matched:
        return set()
    movies = Movie.objects.filter(id__in=list(matched)).only(*MOVIE_VALUE_FIELDS, *MOVIE_ID_FIELDS)
    holders = {
        name: set(
            Movie.objects.filter(
                **{f"{name}__in": {getattr(row, name) for row in matched.values()} - {None}}
            ).values_list(name, flat=True)
        )
        for name in MOVIE_ID_FIELDS
    }
    changed: list[Movie] = []
    fields: set[str] = set()
    for movie in movies:
        row = matched[movie.id]
        wanted: dict[str, Any] = {name: getattr(row, name) for name in MOVIE_VALUE_FIELDS}
        wanted["year"] = _year(row)
        touched = False
        for name, value in wanted.items():
            current = getattr(movie, name)
            blank = _empty(current) or (name == "popularity" and not current)
            if _empty(value) or value == current or not (overwrite or blank):
                continue
            setattr(movie, name, value)
            fields.add(name)
            touched = True
        for name in MOVIE_ID_FIELDS:
            value = getattr(row, name)
            if value is not None and getattr(movie, name) is None and value not in holders[name]:
                setattr(movie, name, value)
                fields.add(name)
                touched = True
        if touched:
            movie.updated_at = timezone.now()
            changed.append(movie)
    if changed:
        Movie.objects.bulk_update(changed, [*sorted(fields), "updated_at"])
    return {movie.id for movie in changed}


def _write_genres(created: dict[int, MovieRow], matched: dict[int, MovieRow], *, overwrite: bool) -> set[int]:
    names = {name[:60] for row in (*created.values(), *matched.values()) for name in row.genres}
    if not names:
        return set()
    Genre.objects.bulk_create([Genre(name=name) for name in sorted(names)], ignore_conflicts=True)
    genre_ids = dict(Genre.objects.filter(name__in=names).values_list("name", "id"))
    through = Movie.genres.through
    current: dict[int, set[int]] = {}
    for movie_id, genre_id in through.objects.filter(movie_id__in=list(matched)).values_list("movie_id", "genre_id"):
        current.setdefault(movie_id, set()).add(genre_id)
    wanted = {
        movie_id: {genre_ids[name[:60]] for name in row.genres}
        for movie_id, row in (*created.items(), *matched.items())
        if row.genres
    }
    replace = {
        movie_id
        for movie_id, genres in wanted.items()
        if movie_id in matched and genres != current.get(movie_id, set()) and (overwrite or not current.get(movie_id))
    }
    through.objects.filter(movie_id__in=list(replace)).delete()
    through.objects.bulk_create(
        [
            through(movie_id=movie_id, genre_id=genre_id)
            for movie_id, genres in wanted.items()
            if movie_id in created or movie_id in replace
            for genre_id in sorted(genres)
        ]
    )
    return replace


def _credit_rows(row: MovieRow, person_ids: dict[str, int]) -> list[tuple[int, str, str, int, str]]:
    cast = [(person_ids[c.name[:200]], Credit.CAST, c.character, c.order, "") for c in row.cast or ()]
    crew = [
        (person_ids[name[:200]], Credit.CREW, "", order, DIRECTOR_JOB) for order, name in enumerate(row.directors or ())
    ]
    return sorted(cast + crew)


def _write_credits(created: dict[int, MovieRow], matched: dict[int, MovieRow], *, overwrite: bool) -> set[int]:
    sources = {
        movie_id: row
        for movie_id, row in (*created.items(), *matched.items())
        if row.cast is not None or row.directors is not None
    }
    if not sources:
        return set()
    person_ids = ensure_people(
        {c.name[:200] for row in sources.values() for c in row.cast or ()}
        | {name[:200] for row in sources.values() for name in row.directors or ()}
    )
    current: dict[int, list[tuple[int, str, str, int, str]]] = {}
    for values in Credit.objects.filter(movie_id__in=[m for m in sources if m in matched]).values_list(
        "movie_id", "person_id", "kind", "character", "order", "job"
    ):
        current.setdefault(values[0], []).append(values[1:])
    replace: set[int] = set()
    wanted: dict[int, list[tuple[int, str, str, int, str]]] = {}
    for movie_id, row in sources.items():
        credits = _credit_rows(row, person_ids)
        wanted[movie_id] = credits
        had = sorted(current.get(movie_id, []))
        if movie_id in matched and credits != had and (overwrite or not had):
            replace.add(movie_id)
    Credit.objects.filter(movie_id__in=list(replace)).delete()
    Credit.objects.bulk_create(
        [
            Credit(movie_id=movie_id, person_id=person, kind=kind, character=character, order=order, job=job)
            for movie_id, credits in wanted.items()
            if movie_id in created or movie_id in replace
            for person, kind, character, order, job in credits
        ]
    )
    return replace


def ensure_people(names: set[str]) -> dict[str, int]:
    """Each name's person (the first of that name), created when there is none: two statements."""
    found: dict[str, int] = {}
    for name, person_id in Person.objects.filter(name__in=names).order_by("id").values_list("name", "id"):
        found.setdefault(name, person_id)
    missing = sorted(names - set(found))
    for person in Person.objects.bulk_create([Person(name=name) for name in missing]):
        found[person.name] = person.id
    return found


# ---------------------------------------------------------------- accounts


def write_users(
    usernames: Sequence[str], *, private: bool, summary: Summary, progress: Progress = None
) -> dict[str, int]:
    """An account per username that has none (no usable password, a profile public unless
    `private`); returns every username's user id. Existing accounts are left as they are."""
    ids: dict[str, int] = {}
    for batch in batches(usernames, ROW_BATCH_SIZE):
        with service_transaction():
            existing = dict(User.objects.filter(username__in=batch).values_list("username", "id"))
            users = User.objects.bulk_create(
                [User(username=name, password=make_password(None)) for name in batch if name not in existing]
            )
            Profile.objects.bulk_create(
                [Profile(user_id=user.id, display_name=user.username, is_private=private) for user in users]
            )
            record_changes("user", [aggregate_key(user.id) for user in users], "user.created")
        ids.update(existing)
        ids.update({user.username: user.id for user in users})
        summary.add("users created", len(users))
        summary.add("users existing", len(existing))
        if progress:
            progress(len(batch))
    return ids


# ---------------------------------------------------------------- ratings, likes, follows

_UPSERT_RATINGS = """
    INSERT INTO social_rating (user_id, movie_id, score, created_at, updated_at)
    SELECT u, m, s::numeric(2, 1), to_timestamp(t), to_timestamp(t)
    FROM unnest(%s::bigint[], %s::bigint[], %s::float8[], %s::float8[]) AS r(u, m, s, t)
    ON CONFLICT (user_id, movie_id) DO UPDATE SET score = EXCLUDED.score, updated_at = EXCLUDED.updated_at
        WHERE social_rating.score <> EXCLUDED.score AND social_rating.updated_at <= EXCLUDED.updated_at
    RETURNING user_id, movie_id, (xmax = 0) AS inserted
"""
_INSERT_LIKES = """
    INSERT INTO social_like (user_id, movie_id, created_at)
    SELECT u, m, to_timestamp(t) FROM unnest(%s::bigint[], %s::bigint[], %s::float8[]) AS l(u, m, t)
    ON CONFLICT (user_id, movie_id) DO NOTHING
    RETURNING user_id, movie_id
"""
_INSERT_FOLLOWS = """
    INSERT INTO social_follow (follower_id, followee_id, created_at)
    SELECT f, e, t FROM unnest(%s::bigint[], %s::bigint[], %s::timestamptz[]) AS l(f, e, t)
    ON CONFLICT (follower_id, followee_id) DO NOTHING
    RETURNING follower_id, followee_id
"""


@dataclass(frozen=True)
class Scored:
    user_id: int
    movie_id: int
    score: Decimal
    at: datetime


def write_ratings(
    ratings: Iterable[Scored], *, like_threshold: Decimal | None, summary: Summary, progress: Progress = None
) -> set[int]:
    """Upsert ratings with their own timestamps (a rating newer in Postgres than in the file is
    kept), and a like for each rating of at least `like_threshold` (None: no likes). Returns the ids
    of the movies whose ratings changed, for one ranking recompute at the end."""
    movies: set[int] = set()
    for batch in batches(ratings, ROW_BATCH_SIZE):
        latest: dict[tuple[int, int], Scored] = {}
        for rating in batch:  # one statement cannot upsert a pair twice: the newest wins
            pair = (rating.user_id, rating.movie_id)
            if pair not in latest or latest[pair].at <= rating.at:
                latest[pair] = rating
        rows = list(latest.values())
        liked = [r for r in rows if like_threshold is not None and r.score >= like_threshold]
        with service_transaction(), connection.cursor() as cursor:
            # Scores and times go as float arrays: psycopg dumps those far faster than Decimals and datetimes.
            cursor.execute(_UPSERT_RATINGS, _columns(rows))
            changed = cursor.fetchall()
            cursor.execute(_INSERT_LIKES, _columns(liked)[:2] + [[row.at.timestamp() for row in liked]])
            likes = cursor.fetchall()
            record_many("rating", [aggregate_key(u, m) for u, m, _ in changed], "rating.set")
            record_many("like", [aggregate_key(u, m) for u, m in likes], "like.created")
        inserted = sum(1 for *_, new in changed if new)
        summary.add("ratings read", len(batch))
        summary.add("ratings created", inserted)
        summary.add("ratings updated", len(changed) - inserted)
        summary.add("ratings unchanged", len(rows) - len(changed))
        summary.add("likes created", len(likes))
        movies.update(m for _, m, _ in changed)
        if progress:
            progress(len(batch))
    return movies


def write_follows(
    pairs: Iterable[tuple[int, int]], *, at: datetime, summary: Summary, progress: Progress = None
) -> int:
    """Insert follows (follower, followee) not yet there, with their events; returns how many."""
    total = 0
    for batch in batches(pairs, ROW_BATCH_SIZE):
        with service_transaction(), connection.cursor() as cursor:
            cursor.execute(_INSERT_FOLLOWS, [[f for f, _ in batch], [e for _, e in batch], [at] * len(batch)])
            created = cursor.fetchall()
            record_many("follow", [aggregate_key(f, e) for f, e in created], "follow.created")
        total += len(created)
        summary.add("follows created", len(created))
        summary.add("follows existing", len(batch) - len(created))
        if progress:
            progress(len(batch))
    return total


def _columns(rows: Sequence[Scored]) -> list[list[Any]]:
    return [
        [row.user_id for row in rows],
        [row.movie_id for row in rows],
        [float(row.score) for row in rows],
        [row.at.timestamp() for row in rows],
    ]
