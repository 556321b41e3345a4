"""Reading what people export elsewhere, before anything is written: a Letterboxd zip or one of its
CSVs (`ratings.csv`, `likes/films.csv`), or an IMDb ratings export. Every refusal raises an
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
IMDB_RATINGS = (
    "Const", "Your Rating", "Date Rated", "Title", "Original Title", "URL", "Title Type", "IMDb Rating",
    "Runtime (mins)", "Year", "Genres", "Num Votes", "Release Date", "Directors",
)  # fmt: skip
# The entries of a Letterboxd zip that are read; the others (watched, diary, watchlist, reviews,
# lists) are listed as skipped until the platform has somewhere to put them.
LETTERBOXD_ENTRIES = {"ratings.csv": "rating", "likes/films.csv": "like", "likes.csv": "like"}
_IMDB_ID = re.compile(r"^tt[0-9]{7,10}$")


class UploadTooLarge(ApplicationError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "too_large"


@dataclass(frozen=True)
class Row:
    """One imported row: a rating (with `score` on our 0.5-5 scale) or a like."""

    kind: str
    line: int
    source: str
    name: str
    year: int | None
    on: str  # ISO date
    score: str | None = None
    imdb_id: str | None = None

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
        if path not in LETTERBOXD_ENTRIES:
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
        parsed = _parse_csv(path, bytes(content), expected_kind=LETTERBOXD_ENTRIES[path])
        rows += parsed.rows
    if not rows and not any(path in LETTERBOXD_ENTRIES for path in (e.filename for e in entries)):
        raise _refuse("The zip holds no ratings.csv or likes/films.csv of a Letterboxd export.")
    return ParsedUpload("letterboxd", rows, skipped)


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
    layouts = {LETTERBOXD_RATINGS: ("letterboxd", "rating"), LETTERBOXD_FILMS: ("letterboxd", "like")}
    layouts[IMDB_RATINGS] = ("imdb", "rating")
    if header not in layouts or (expected_kind and layouts[header][1] != expected_kind):
        expected = "; ".join(",".join(columns) for columns in layouts)
        raise ApplicationError(
            f"{name} has unknown columns.",
            code="unknown_columns",
            fields={"file": [f"Unknown columns {','.join(header)!r}; expected one of: {expected}."]},
        )
    source, kind = layouts[header]
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
    if kind == "rating":
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
