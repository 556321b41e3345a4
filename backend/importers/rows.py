"""What the parsers hand the bulk writer: plain rows, no model, each with the line it came from.

A parser reads a file into these and reports what it cannot read as a `Problem` (file, line,
reason); the writer never sees a malformed row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


class LayoutError(Exception):
    """A file is missing, of an unknown layout, or lacks a required column: nothing is written."""


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class CastRow:
    name: str
    character: str = ""
    order: int = 0


@dataclass
class MovieRow:
    """A film as a source describes it; None (or empty) means the source does not say."""

    source: str  # "file:line", for reports
    title: str
    year: int | None = None
    original_title: str = ""
    release_date: date | None = None
    runtime: int | None = None
    overview: str = ""
    original_language: str = ""
    poster_url: str = ""
    popularity: float | None = None
    imdb_id: str | None = None
    tmdb_id: int | None = None
    movielens_id: int | None = None
    genres: list[str] = field(default_factory=list)
    cast: list[CastRow] | None = None  # None: the source has no cast; [] : it has none
    directors: list[str] | None = None


@dataclass(frozen=True)
class RatingRow:
    user: int  # the source's user id (MovieLens userId)
    movie: int  # the source's movie id (MovieLens movieId)
    score: Decimal
    at: datetime


@dataclass
class Summary:
    """Counts for the closing report: rows read, created, updated, unchanged, skipped with reasons."""

    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def add(self, name: str, count: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + count

    def skip(self, problem: Problem) -> None:
        self.problems.append(problem)
        self.add("skipped")
