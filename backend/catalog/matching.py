"""Which catalogue film a row from elsewhere names: the one matcher every importer uses (the
catalogue and MovieLens importers, and a person's history from Letterboxd or IMDb in
personal_data). It lives with the catalogue, below both, since the two importing apps share a
layer and may not import each other.

Rules, in order, for each query:
1. An external id the query carries (IMDb, then TMDB, then MovieLens) that a movie holds: that movie.
2. Otherwise the title key (`backend.catalog.titles`: case, punctuation, accents, a leading or
   trailing article ignored; the alternative title in parentheses and `original_title` count too)
   with the same year: the one movie that has both.
3. Otherwise the same title key with the year off by one, only when exactly one movie fits.
4. A query without a year matches a title key that exactly one movie has.
A movie whose own external id contradicts the query's is never a title match. Two or more
candidates at the step that decides are reported as ambiguous, never guessed.

Reads only: two to four queries for a whole batch, whatever its size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q

from backend.catalog.models import Movie
from backend.catalog.titles import title_keys

BY_IMDB_ID = "imdb_id"
BY_TMDB_ID = "tmdb_id"
BY_MOVIELENS_ID = "movielens_id"
BY_TITLE_YEAR = "title_year"
BY_TITLE_NEAR_YEAR = "title_year_off_by_one"
BY_TITLE = "title"
ID_FIELDS = (BY_IMDB_ID, BY_TMDB_ID, BY_MOVIELENS_ID)


@dataclass(frozen=True)
class MatchQuery:
    title: str
    year: int | None = None
    imdb_id: str | None = None
    tmdb_id: int | None = None
    movielens_id: int | None = None
    # Further spellings of the same film (an original title), compared like the title.
    other_titles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """`movie_id` and how it was found (`by`), or None with the `reason` (not found, ambiguous)."""

    movie_id: int | None
    by: str | None = None
    reason: str | None = None

    @property
    def ambiguous(self) -> bool:
        return self.reason is not None and self.reason.startswith("ambiguous")


@dataclass(frozen=True)
class _Candidate:
    movie_id: int
    year: int | None
    ids: tuple[str | int | None, ...]


NOT_FOUND = Match(None, reason="no movie with this id, title and year")


def match_movies(queries: Sequence[MatchQuery]) -> list[Match]:
    """One Match per query, in order (see the module docstring for the rules)."""
    by_id: dict[str, dict[str | int, int]] = {}
    for name in ID_FIELDS:
        wanted = {getattr(query, name) for query in queries} - {None}
        by_id[name] = dict(Movie.objects.filter(**{f"{name}__in": wanted}).values_list(name, "id")) if wanted else {}
    results: list[Match | None] = []
    for query in queries:
        found = None
        for name in ID_FIELDS:
            value = getattr(query, name)
            if value is not None and value in by_id[name]:
                found = Match(by_id[name][value], by=name)
                break
        results.append(found)

    keys_of = {index: _keys(queries[index]) for index, found in enumerate(results) if found is None}
    candidates = _title_candidates({key for keys in keys_of.values() for key in keys})
    for index, keys in keys_of.items():
        query = queries[index]
        movies = {c.movie_id: c for key in keys for c in candidates.get(key, ()) if not _contradicts(c, query)}
        results[index] = _by_title(query, list(movies.values()))
    return [result or NOT_FOUND for result in results]


def _keys(query: MatchQuery) -> set[str]:
    return {key for title in (query.title, *query.other_titles) if title for key in title_keys(title)}


def _title_candidates(keys: set[str]) -> dict[str, list[_Candidate]]:
    if not keys:
        return {}
    found: dict[str, list[_Candidate]] = defaultdict(list)
    rows = Movie.objects.filter(
        Q(title_key__in=keys) | Q(title_alt_key__in=keys) | Q(original_title_key__in=keys)
    ).values_list("id", "year", *ID_FIELDS, "title_key", "title_alt_key", "original_title_key")
    for movie_id, year, imdb_id, tmdb_id, movielens_id, *movie_keys in rows:
        candidate = _Candidate(movie_id, year, (imdb_id, tmdb_id, movielens_id))
        for key in set(movie_keys) & keys:
            found[key].append(candidate)
    return found


def _contradicts(candidate: _Candidate, query: MatchQuery) -> bool:
    """The movie carries an external id the query also has, with another value: another film."""
    mine = (query.imdb_id, query.tmdb_id, query.movielens_id)
    return any(a is not None and b is not None and a != b for a, b in zip(candidate.ids, mine, strict=True))


def _by_title(query: MatchQuery, movies: list[_Candidate]) -> Match:
    if query.year is None:
        steps = [(movies, BY_TITLE)]
    else:
        year = query.year
        steps = [
            ([m for m in movies if m.year == year], BY_TITLE_YEAR),
            ([m for m in movies if m.year is not None and abs(m.year - year) == 1], BY_TITLE_NEAR_YEAR),
        ]
    for fitting, by in steps:
        if len(fitting) == 1:
            return Match(fitting[0].movie_id, by=by)
        if len(fitting) > 1:
            ids = ", ".join(str(m.movie_id) for m in sorted(fitting, key=lambda m: m.movie_id))
            return Match(None, reason=f"ambiguous: {len(fitting)} movies fit ({by}): {ids}")
    return NOT_FOUND
