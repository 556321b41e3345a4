"""Film catalogues into plain rows: the TMDB 5000 layout (with its optional credits file) and the
IMDb top-1000 layout, told apart by their header.

Required columns missing fail at once (`LayoutError`, naming them); optional ones may be absent
(a reduced TMDB file has no JSON columns). A row with an unreadable value is reported with its
file and line and skipped, except an IMDb year that is not a number (the file has one "PG"): the
film is kept without a year and the row is listed as a warning.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from backend.catalog.titles import restore_article
from backend.importers.rows import CastRow, LayoutError, MovieRow, Problem

TMDB_LAYOUT = "tmdb"
IMDB_LAYOUT = "imdb-top-1000"
TMDB_REQUIRED = ("id", "title")
IMDB_REQUIRED = ("Series_Title", "Released_Year")
CREDITS_REQUIRED = ("movie_id", "cast", "crew")
DIRECTOR_JOB = "Director"
IMDB_STARS = ("Star1", "Star2", "Star3", "Star4")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # TMDB's JSON cast lists exceed the 128 KiB default


@dataclass
class Catalogue:
    layout: str
    rows: list[MovieRow]
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def parse_date(text: str) -> date | None:
    """ISO (2009-12-10) or M/D/YYYY (12/10/2009); None for an empty value, ValueError otherwise."""
    text = text.strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"date {text!r} is neither YYYY-MM-DD nor M/D/YYYY")


def read_catalogue(path: Path, credits: Path | None = None) -> Catalogue:
    if not path.is_file():
        raise LayoutError(f"{path}: no such file")
    if credits is not None and not credits.is_file():
        raise LayoutError(f"{credits}: no such file")
    records = _records(path)
    header = next(records, None)
    if header is None:
        raise LayoutError(f"{path}: empty file")
    columns = header[1]
    if {"Series_Title", "Released_Year", "IMDB_Rating"} & set(columns):
        layout, required = IMDB_LAYOUT, IMDB_REQUIRED
    elif {"id", "title", "release_date", "vote_average", "original_title"} & set(columns):
        layout, required = TMDB_LAYOUT, TMDB_REQUIRED
    else:
        raise LayoutError(f"{path}: unknown layout (expected the TMDB 5000 or the IMDb top-1000 columns)")
    _require(path, columns, required)
    if layout == IMDB_LAYOUT and credits is not None:
        raise LayoutError(f"{credits}: --credits goes with the TMDB layout; the IMDb file holds its own credits")
    catalogue = Catalogue(layout, [])
    read_row = _tmdb_row if layout == TMDB_LAYOUT else _imdb_row
    for line, record in records:
        values = dict(zip(columns, record, strict=False))
        try:
            row = read_row(path.name, line, values, catalogue)
        except (ValueError, TypeError, KeyError) as error:
            catalogue.problems.append(Problem(path.name, line, str(error)))
            continue
        catalogue.rows.append(row)
    if credits is not None:
        _attach_credits(credits, catalogue)
    return catalogue


def _records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, fields), the header first; blank lines skipped."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        start = 1
        for record in reader:
            if record:
                yield start, [value.strip() for value in record]
            start = reader.line_num + 1


def _require(path: Path, columns: list[str], required: tuple[str, ...]) -> None:
    missing = [name for name in required if name not in columns]
    if missing:
        raise LayoutError(f"{path}: missing required column(s): {', '.join(missing)}")


def _number(value: str | None, kind: type[int] | type[float], name: str) -> int | float | None:
    if value is None or not value.strip():
        return None
    try:
        number = kind(float(value.replace(",", ""))) if kind is int else float(value)
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a number") from None
    if number < 0:
        raise ValueError(f"{name} {value!r} is negative")
    return number


def _names(value: str | None, name: str) -> list[dict]:
    """A TMDB JSON-list column ([{"id": 28, "name": "Action"}, ...]); [] when absent or empty."""
    if value is None or not value.strip():
        return []
    try:
        items = json.loads(value)
    except json.JSONDecodeError:
        raise ValueError(f"{name} is not a JSON list") from None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValueError(f"{name} is not a JSON list of objects")
    return items


def _tmdb_row(file: str, line: int, values: dict[str, str], catalogue: Catalogue) -> MovieRow:
    tmdb_id = _number(values["id"], int, "id")
    title = values["title"]
    if tmdb_id is None or not title:
        raise ValueError("id and title must not be empty")
    runtime = _number(values.get("runtime"), int, "runtime")
    popularity = _number(values.get("popularity"), float, "popularity")
    imdb_id = values.get("imdb_id") or None
    if imdb_id is not None and not re.fullmatch(r"tt\d{7,9}", imdb_id):
        raise ValueError(f"imdb_id {imdb_id!r} is not an IMDb id")
    return MovieRow(
        source=f"{file}:{line}",
        title=title,
        original_title=values.get("original_title", ""),
        release_date=parse_date(values.get("release_date", "")),
        runtime=int(runtime) if runtime else None,
        overview=values.get("overview", ""),
        original_language=values.get("original_language", "")[:8],
        popularity=popularity,
        tmdb_id=int(tmdb_id),
        imdb_id=imdb_id,
        genres=[str(item["name"]) for item in _names(values.get("genres"), "genres")],
    )


def _imdb_row(file: str, line: int, values: dict[str, str], catalogue: Catalogue) -> MovieRow:
    title = restore_article(values["Series_Title"])
    if not title:
        raise ValueError("Series_Title must not be empty")
    year = None
    written_year = values["Released_Year"]
    if written_year.isdigit():
        year = int(written_year)
    elif written_year:
        catalogue.warnings.append(
            Problem(file, line, f"Released_Year {written_year!r} is not a year: kept without one")
        )
    runtime_text = values.get("Runtime", "").removesuffix("min").strip()
    runtime = _number(runtime_text, int, "Runtime")
    stars = [values.get(column, "") for column in IMDB_STARS]
    director = values.get("Director", "")
    has_credits = "Director" in values or any(column in values for column in IMDB_STARS)
    return MovieRow(
        source=f"{file}:{line}",
        title=title,
        year=year,
        runtime=int(runtime) if runtime else None,
        overview=values.get("Overview", ""),
        poster_url=values.get("Poster_Link", "")[:500],
        genres=[genre.strip() for genre in values.get("Genre", "").split(",") if genre.strip()],
        cast=[CastRow(name, order=order) for order, name in enumerate(stars) if name] if has_credits else None,
        directors=[director] if director else ([] if has_credits else None),
    )


def _attach_credits(path: Path, catalogue: Catalogue) -> None:
    records = _records(path)
    header = next(records, None)
    if header is None:
        raise LayoutError(f"{path}: empty file")
    columns = header[1]
    if "movie_id" not in columns and "id" in columns:
        columns = ["movie_id" if name == "id" else name for name in columns]
    _require(path, columns, CREDITS_REQUIRED)
    by_tmdb = {row.tmdb_id: row for row in catalogue.rows}
    for line, record in records:
        values = dict(zip(columns, record, strict=False))
        try:
            tmdb_id = _number(values["movie_id"], int, "movie_id")
            cast = sorted(_names(values["cast"], "cast"), key=lambda item: int(item.get("order", 0)))
            crew = _names(values["crew"], "crew")
            people = [
                CastRow(str(item["name"]), str(item.get("character") or "")[:200], int(item.get("order", 0)))
                for item in cast
                if item.get("name")
            ]
            directors = [str(item["name"]) for item in crew if item.get("job") == DIRECTOR_JOB and item.get("name")]
        except (ValueError, TypeError, KeyError) as error:
            catalogue.problems.append(Problem(path.name, line, str(error)))
            continue
        row = by_tmdb.get(int(tmdb_id) if tmdb_id is not None else None)
        if row is None:
            catalogue.problems.append(Problem(path.name, line, f"movie_id {tmdb_id} is not in the catalogue file"))
            continue
        row.cast, row.directors = people, list(dict.fromkeys(directors))
