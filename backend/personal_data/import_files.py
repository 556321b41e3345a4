"""Reading what people export elsewhere, before anything is written: a Letterboxd zip or one of its
CSVs (`ratings.csv`, `diary.csv`, `watched.csv`, `watchlist.csv`, `likes/films.csv`, `reviews.csv`,
`lists/<name>.csv`), or an IMDb ratings export. Every refusal raises an
`ApplicationError` (400, or 413 for size), so a bad upload writes nothing.

Zips are read in memory, entry by entry with a cap on what each inflates to: never extracted to
disk, names with `..` or absolute paths refused, too many entries or too much data refused.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from rest_framework import status

from backend.core.errors import ApplicationError

ZIP_MAX_ENTRIES = 200
ZIP_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
_READ_CHUNK = 64 * 1024

LETTERBOXD_RATINGS = ("Date", "Name", "Year", "Letterboxd URI", "Rating")
LETTERBOXD_FILMS = ("Date", "Name", "Year", "Letterboxd URI")
LETTERBOXD_DIARY = ("Date", "Name", "Year", "Letterboxd URI", "Rating", "Rewatch", "Tags", "Watched Date")
LETTERBOXD_REVIEWS = (
    "Date", "Name", "Year", "Letterboxd URI", "Rating", "Rewatch", "Review", "Tags", "Watched Date",
)  # fmt: skip
# A list file opens with this line, then the list's own header and row, a blank line, its films.
LETTERBOXD_LIST_MARK = "Letterboxd list export"
LETTERBOXD_LIST = ("Date", "Name", "Tags", "URL", "Description")
LETTERBOXD_LIST_ENTRIES = ("Position", "Name", "Year", "URL", "Description")
IMDB_RATINGS = (
    "Const", "Your Rating", "Date Rated", "Title", "Original Title", "URL", "Title Type", "IMDb Rating",
    "Runtime (mins)", "Year", "Genres", "Num Votes", "Release Date", "Directors",
)  # fmt: skip
# The entries of a Letterboxd zip that are read, by what they hold (`lists/*.csv` too); the others
# (profile.csv, comments, likes of reviews and lists) are listed as skipped.
LETTERBOXD_ENTRIES = {
    "ratings.csv": "rating",
    "diary.csv": "diary",
    "watched.csv": "watched",
    "watchlist.csv": "watchlist",
    "likes/films.csv": "like",
    "likes.csv": "like",
    "reviews.csv": "review",
}
# A films-only CSV (Date,Name,Year,Letterboxd URI) is a like, a watchlist entry or a watched film by
# its name; these are the kinds each layout may hold.
_LAYOUT_KINDS = {
    LETTERBOXD_RATINGS: ("rating",),
    LETTERBOXD_FILMS: ("like", "watchlist", "watched"),
    LETTERBOXD_DIARY: ("diary",),
    LETTERBOXD_REVIEWS: ("review",),
    IMDB_RATINGS: ("rating",),
}
_IMDB_ID = re.compile(r"^tt[0-9]{7,10}$")


class UploadTooLarge(ApplicationError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "too_large"


@dataclass(frozen=True)
class Row:
    """One imported row: a `rating` (with `score` on our 0.5-5 scale), a `like`, a `watchlist`
    entry, a `watched` film (nothing to write), a `review` (`body`, and a `score` when rated) or a
    `list_entry` (`list_name`, `list_description`, `position`, `note`)."""

    kind: str
    line: int
    source: str
    name: str
    year: int | None
    on: str  # ISO date
    score: str | None = None
    imdb_id: str | None = None
    body: str | None = None
    list_name: str | None = None
    list_description: str | None = None
    position: int | None = None
    note: str | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ParsedUpload:
    source: str  # "letterboxd" or "imdb"
    rows: list[Row]
    skipped_files: list[str]


def _refuse(message: str, **fields: list[str]) -> ApplicationError:
    return ApplicationError(message, code="bad_file", fields={"file": [message], **fields})


def parse_upload(name: str, data: bytes, max_bytes: int) -> ParsedUpload:
    if len(data) > max_bytes:
        raise UploadTooLarge(f"The file is over {max_bytes} bytes.", fields={"file": ["Too large."]})
    if data[:4] == b"PK\x03\x04" or name.lower().endswith(".zip"):
        return _parse_zip(data, max_bytes)
    return _parse_csv(name, data)


def _parse_zip(data: bytes, max_bytes: int) -> ParsedUpload:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise _refuse("The file is not a readable zip.") from None
    if len(entries) > ZIP_MAX_ENTRIES:
        raise _refuse(f"The zip has more than {ZIP_MAX_ENTRIES} entries.")
    for entry in entries:
        parts = entry.filename.replace("\\", "/").split("/")
        if entry.filename.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", entry.filename):
            raise _refuse(f"The zip holds an unsafe entry name: {entry.filename!r}.")
    if sum(entry.file_size for entry in entries) > ZIP_MAX_UNCOMPRESSED_BYTES:
        raise _refuse("The zip inflates to too much data.")
    rows: list[Row] = []
    skipped: list[str] = []
    budget = ZIP_MAX_UNCOMPRESSED_BYTES
    for entry in entries:
        if entry.is_dir():
            continue
        path = entry.filename.replace("\\", "/")
        kind = _entry_kind(path)
        if kind is None:
            skipped.append(path)
            continue
        # The declared size can lie: count what actually inflates.
        content = bytearray()
        with archive.open(entry) as stream:
            while chunk := stream.read(_READ_CHUNK):
                content += chunk
                budget -= len(chunk)
                if budget < 0:
                    raise _refuse("The zip inflates to too much data.")
        parsed = _parse_csv(path, bytes(content), expected_kind=kind)
        rows += parsed.rows
    if not rows and not any(_entry_kind(e.filename) for e in entries if not e.is_dir()):
        raise _refuse("The zip holds no ratings.csv, diary.csv, watchlist.csv or other file of a Letterboxd export.")
    return ParsedUpload("letterboxd", rows, skipped)


def _entry_kind(path: str) -> str | None:
    if path.startswith("lists/") and path.endswith(".csv") and path.count("/") == 1:
        return "list"
    return LETTERBOXD_ENTRIES.get(path)


def _films_kind(name: str) -> str:
    """What a Date,Name,Year,Letterboxd URI file holds, by its name (a like unless named otherwise)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return {"watchlist.csv": "watchlist", "watched.csv": "watched"}.get(base, "like")


def _parse_csv(name: str, data: bytes, expected_kind: str | None = None) -> ParsedUpload:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(f"{name} is not UTF-8 text.") from None
    if "\x00" in text:
        raise _refuse(f"{name} is not a CSV file.")
    reader = csv.reader(io.StringIO(text))
    try:
        header = tuple(column.strip() for column in next(reader))
    except (StopIteration, csv.Error):
        raise _refuse(f"{name} is empty or not a CSV file.") from None
    if header and header[0].startswith(LETTERBOXD_LIST_MARK) and expected_kind in (None, "list"):
        return ParsedUpload("letterboxd", _list_rows(reader, name), [])
    kinds = _LAYOUT_KINDS.get(header, ())
    if header == LETTERBOXD_FILMS:
        kinds = (expected_kind,) if expected_kind in kinds else () if expected_kind else (_films_kind(name),)
    if not kinds or (expected_kind and expected_kind not in kinds):
        expected = "; ".join([*(",".join(columns) for columns in _LAYOUT_KINDS), f"a {LETTERBOXD_LIST_MARK}"])
        raise ApplicationError(
            f"{name} has unknown columns.",
            code="unknown_columns",
            fields={"file": [f"Unknown columns {','.join(header)!r}; expected one of: {expected}."]},
        )
    source, kind = ("imdb" if header == IMDB_RATINGS else "letterboxd"), kinds[0]
    rows: list[Row | None] = []
    try:
        for line, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            record = dict(zip(header, values, strict=False))
            rows.append(
                _imdb_row(record, line, name) if source == "imdb" else _letterboxd_row(record, line, name, kind)
            )
    except csv.Error as error:
        raise _refuse(f"{name} is not a readable CSV: {error}.") from None
    return ParsedUpload(source, [row for row in rows if row is not None], [])


def _list_rows(reader, name: str) -> list[Row]:
    """A list file: its own header and row (name, description), a blank line, then its films."""
    try:
        lines = list(enumerate(reader, start=2))
    except csv.Error as error:
        raise _refuse(f"{name} is not a readable CSV: {error}.") from None
    if len(lines) < 2 or tuple(c.strip() for c in lines[0][1]) != LETTERBOXD_LIST:
        raise _refuse(f"{name}: a list file names the list in {','.join(LETTERBOXD_LIST)} after its first line.")
    about = dict(zip(LETTERBOXD_LIST, lines[1][1], strict=False))
    list_name = about.get("Name", "").strip()
    if not list_name:
        raise _bad_row(name, lines[1][0], "the list has no name.")
    films = [(line, values) for line, values in lines[2:] if any(value.strip() for value in values)]
    if not films or tuple(c.strip() for c in films[0][1]) != LETTERBOXD_LIST_ENTRIES:
        raise _refuse(f"{name}: the list's films come under {','.join(LETTERBOXD_LIST_ENTRIES)}.")
    on = _date(about.get("Date", ""), name, lines[1][0])
    rows = []
    for line, values in films[1:]:
        record = dict(zip(LETTERBOXD_LIST_ENTRIES, values, strict=False))
        position = record.get("Position", "").strip()
        if not position.isdigit():
            raise _bad_row(name, line, f"{position!r} is not a position.")
        rows.append(
            Row(
                kind="list_entry",
                line=line,
                source=name,
                name=record.get("Name", "").strip(),
                year=_year(record.get("Year", ""), name, line),
                on=on,
                list_name=list_name[:100],
                list_description=about.get("Description", "").strip()[:2000],
                position=int(position),
                note=record.get("Description", "").strip()[:1000],
            )
        )
    return rows


def _bad_row(name: str, line: int, message: str) -> ApplicationError:
    return _refuse(f"{name}, line {line}: {message}")


def _date(value: str, name: str, line: int) -> str:
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        raise _bad_row(name, line, f"{value!r} is not a date (YYYY-MM-DD).") from None


def _year(value: str, name: str, line: int) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise _bad_row(name, line, f"{value!r} is not a year.")
    return int(value)


def _letterboxd_row(record: dict[str, str], line: int, name: str, kind: str) -> Row:
    score = None
    rated = record.get("Rating", "").strip()
    if kind == "diary":  # a diary entry is a rating when it has one, else only a film watched
        kind = "rating" if rated else "watched"
    if kind == "rating" or (kind == "review" and rated):
        try:
            stars = Decimal(record.get("Rating", "").strip())
        except InvalidOperation:
            raise _bad_row(name, line, f"{record.get('Rating')!r} is not a rating.") from None
        if not (Decimal("0.5") <= stars <= 5 and (stars * 2) % 1 == 0):
            raise _bad_row(name, line, f"{stars} is not between 0.5 and 5 stars in half steps.")
        score = f"{stars:.1f}"
    return Row(
        kind=kind,
        line=line,
        source=name,
        name=record.get("Name", "").strip(),
        year=_year(record.get("Year", ""), name, line),
        on=_date(record.get("Date", ""), name, line),
        score=score,
        body=record.get("Review", "") if kind == "review" else None,
    )


def _imdb_row(record: dict[str, str], line: int, name: str) -> Row | None:
    if record.get("Title Type", "").strip().lower() != "movie":
        return None  # series, episodes, games: only films count
    try:
        your = int(record.get("Your Rating", "").strip())
    except ValueError:
        raise _bad_row(name, line, f"{record.get('Your Rating')!r} is not a rating.") from None
    if not 1 <= your <= 10:
        raise _bad_row(name, line, f"{your} is not between 1 and 10.")
    const = record.get("Const", "").strip()
    # 1-10 halved, to half steps: 7 -> 3.5, 1 -> 0.5.
    score = (Decimal(your) / 2).quantize(Decimal("0.5"))
    return Row(
        kind="rating",
        line=line,
        source=name,
        name=record.get("Title", "").strip(),
        year=_year(record.get("Year", ""), name, line),
        on=_date(record.get("Date Rated", ""), name, line),
        score=f"{score:.1f}",
        imdb_id=const if _IMDB_ID.match(const) else None,
    )
