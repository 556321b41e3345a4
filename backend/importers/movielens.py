"""MovieLens files into plain rows: the CSV layout (ml-latest-small, ml-25m, ml-32m) and the
ml-100k layout, told apart by the files present.

CSV: `movies.csv` (movieId,title,genres), `ratings.csv` (userId,movieId,rating,timestamp),
optional `links.csv` (movieId,imdbId,tmdbId) and `tags.csv`. UTF-8.
ml-100k: `u.item` (`|`-separated, Latin-1, 19 genre flags in the order of `u.genre`) and `u.data`
(tab-separated user, item, rating, unix time).

The movieId of the CSV layout is kept as `Movie.movielens_id`; ml-100k's item ids are another
numbering (item 2 is GoldenEye there, Jumanji in ml-latest), so its films are matched by title and
year instead and never written into `movielens_id`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from backend.catalog.titles import split_catalogue_title
from backend.importers.rows import LayoutError, MovieRow, Problem, RatingRow

CSV_LAYOUT = "csv"
ML100K_LAYOUT = "ml-100k"
NO_GENRES = "(no genres listed)"
# u.genre, for a copy of ml-100k without it.
ML100K_GENRES = (
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
)
HALF = Decimal("0.5")


@dataclass
class MovieLensMovies:
    rows: list[MovieRow]
    source_ids: list[int]  # the file's id of each row (movieId or item id), for the ratings
    problems: list[Problem]


def detect_layout(directory: Path) -> str:
    if not directory.is_dir():
        raise LayoutError(f"{directory}: no such directory")
    if (directory / "movies.csv").is_file() and (directory / "ratings.csv").is_file():
        return CSV_LAYOUT
    if (directory / "u.item").is_file() and (directory / "u.data").is_file():
        return ML100K_LAYOUT
    raise LayoutError(
        f"{directory}: not a MovieLens directory (expected movies.csv and ratings.csv, or u.item and u.data)"
    )


def read_movies(directory: Path, layout: str) -> MovieLensMovies:
    return _read_csv_movies(directory) if layout == CSV_LAYOUT else _read_100k_movies(directory)


def read_ratings(directory: Path, layout: str, problems: list[Problem]) -> Iterator[RatingRow]:
    """Every readable rating, in file order; unreadable lines are appended to `problems`."""
    if layout == CSV_LAYOUT:
        path = directory / "ratings.csv"
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            _require(path, header, ("userId", "movieId", "rating", "timestamp"))
            index = {name: header.index(name) for name in ("userId", "movieId", "rating", "timestamp")}
            for line, record in enumerate(reader, start=2):
                try:
                    yield _rating(
                        record[index["userId"]],
                        record[index["movieId"]],
                        record[index["rating"]],
                        record[index["timestamp"]],
                    )
                except (ValueError, IndexError, InvalidOperation) as error:
                    problems.append(Problem(path.name, line, _reason(error)))
    else:
        path = directory / "u.data"
        with path.open(encoding="latin-1") as handle:
            for line, text in enumerate(handle, start=1):
                if not text.strip():
                    continue
                try:
                    user, item, score, timestamp = text.split()
                    yield _rating(user, item, score, timestamp)
                except (ValueError, InvalidOperation) as error:
                    problems.append(Problem(path.name, line, _reason(error)))


def count_tags(directory: Path, layout: str) -> int:
    path = directory / "tags.csv"
    if layout != CSV_LAYOUT or not path.is_file():
        return 0
    with path.open(newline="", encoding="utf-8") as handle:
        return max(0, sum(1 for _ in csv.reader(handle)) - 1)


def _rating(user: str, movie: str, score: str, timestamp: str) -> RatingRow:
    value = Decimal(score.strip())
    if not (HALF <= value <= Decimal(5)) or (value / HALF) % 1:
        raise ValueError(f"rating {score!r} is not 0.5 to 5 in half steps")
    return RatingRow(int(user), int(movie), value.quantize(Decimal("0.1")), datetime.fromtimestamp(int(timestamp), UTC))


def _reason(error: Exception) -> str:
    if isinstance(error, IndexError):
        return "too few columns"
    if isinstance(error, InvalidOperation):
        return "rating is not a number"
    return str(error)


def _require(path: Path, header: list[str], columns: tuple[str, ...]) -> None:
    missing = [name for name in columns if name not in header]
    if missing:
        raise LayoutError(f"{path}: missing required column(s): {', '.join(missing)}")


def _imdb_id(digits: str) -> str | None:
    digits = digits.strip()
    if not digits:
        return None
    if not digits.isdigit():
        raise ValueError(f"imdbId {digits!r} is not a number")
    return f"tt{int(digits):07d}"


def _read_links(directory: Path, problems: list[Problem]) -> dict[int, tuple[str | None, int | None]]:
    path = directory / "links.csv"
    if not path.is_file():
        return {}
    links: dict[int, tuple[str | None, int | None]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        _require(path, header, ("movieId", "imdbId", "tmdbId"))
        movie, imdb, tmdb = (header.index(name) for name in ("movieId", "imdbId", "tmdbId"))
        for line, record in enumerate(reader, start=2):
            try:
                tmdb_id = int(record[tmdb]) if record[tmdb].strip() else None
                links[int(record[movie])] = (_imdb_id(record[imdb]), tmdb_id)
            except (ValueError, IndexError) as error:
                problems.append(Problem(path.name, line, _reason(error)))
    return links


def _read_csv_movies(directory: Path) -> MovieLensMovies:
    problems: list[Problem] = []
    links = _read_links(directory, problems)
    path = directory / "movies.csv"
    rows, ids = [], []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        _require(path, header, ("movieId", "title", "genres"))
        movie_at, title_at, genres_at = (header.index(name) for name in ("movieId", "title", "genres"))
        for line, record in enumerate(reader, start=2):
            try:
                movie_id = int(record[movie_at])
                written = record[title_at].strip()
                if not written:
                    raise ValueError("empty title")
                genres = [] if record[genres_at] == NO_GENRES else [g for g in record[genres_at].split("|") if g]
            except (ValueError, IndexError) as error:
                problems.append(Problem(path.name, line, _reason(error)))
                continue
            title = split_catalogue_title(written)
            imdb_id, tmdb_id = links.get(movie_id, (None, None))
            rows.append(
                MovieRow(
                    source=f"{path.name}:{line}",
                    title=title.title,
                    original_title=title.alternative,
                    year=title.year,
                    genres=genres,
                    imdb_id=imdb_id,
                    tmdb_id=tmdb_id,
                    movielens_id=movie_id,
                )
            )
            ids.append(movie_id)
    return MovieLensMovies(rows, ids, problems)


def _genre_names(directory: Path) -> list[str]:
    path = directory / "u.genre"
    if not path.is_file():
        return list(ML100K_GENRES)
    pairs = [text.strip().rsplit("|", 1) for text in path.read_text(encoding="latin-1").splitlines() if text.strip()]
    return [name for name, _ in sorted(pairs, key=lambda pair: int(pair[1]))]


def _read_100k_movies(directory: Path) -> MovieLensMovies:
    problems: list[Problem] = []
    genre_names = _genre_names(directory)
    path = directory / "u.item"
    rows, ids = [], []
    with path.open(encoding="latin-1") as handle:
        for line, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            fields = text.rstrip("\n").split("|")
            try:
                if len(fields) < 5 + len(genre_names):
                    raise ValueError("too few columns")
                item = int(fields[0])
                written = fields[1].strip()
                if not written or written == "unknown":
                    raise ValueError(f"no title ({written!r})")
                released = datetime.strptime(fields[2], "%d-%b-%Y").date() if fields[2].strip() else None
                flags = fields[5 : 5 + len(genre_names)]
                genres = [name for name, flag in zip(genre_names, flags, strict=True) if flag.strip() == "1"]
            except ValueError as error:
                problems.append(Problem(path.name, line, _reason(error)))
                continue
            title = split_catalogue_title(written)
            rows.append(
                MovieRow(
                    source=f"{path.name}:{line}",
                    title=title.title,
                    original_title=title.alternative,
                    year=title.year or (released.year if isinstance(released, date) else None),
                    release_date=released,
                    genres=[g for g in genres if g != "unknown"],
                )
            )
            ids.append(item)
    return MovieLensMovies(rows, ids, problems)
