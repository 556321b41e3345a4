"""The one place that decides what text a movie is embedded from, and its hash.

A movie is re-encoded only when `content_hash(movie_embedding_text(...))`
changes, so any change here re-embeds the whole catalogue on the next
reconcile: that is intended.
"""

import hashlib
from collections.abc import Sequence


def movie_embedding_text(title: str, year: int | None, genres: Sequence[str], overview: str) -> str:
    """`"Title (1999). Genres: Heist, Thriller. Overview"`.

    Deterministic: genres are de-duplicated and sorted (their order in the database
    does not change the text or the hash), whitespace is collapsed and trimmed,
    and empty parts are left out (no "()" without a year, no "Genres:" without genres).
    """
    heading = " ".join(title.split())
    if year is not None:
        heading = f"{heading} ({year})"
    parts = [f"{heading}."]
    genre_names = sorted({" ".join(genre.split()) for genre in genres if genre.strip()})
    if genre_names:
        parts.append(f"Genres: {', '.join(genre_names)}.")
    plot = " ".join(overview.split())
    if plot:
        parts.append(plot)
    return " ".join(parts)


def content_hash(text: str) -> str:
    """SHA-256 hex digest of the UTF-8 text (64 lowercase hex characters)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
