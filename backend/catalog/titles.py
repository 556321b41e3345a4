"""When two spellings name the same film: the one definition of a title's comparison key.

`normalize_title("Matrix, The (1999)") == normalize_title("the matrix") == "matrix"`. Search,
the catalogue importers and the personal-history matcher compare titles through these functions.
Postgres computes the same keys in SQL (`catalog_title_key` and friends, created by migration
0002) for its generated columns, so a bulk insert or COPY gets them too;
tests/backend/catalog/test_titles.py holds the two definitions equal. Change one, change both
(in a new migration that redefines the SQL functions and so recomputes the columns).

Steps, in order, on the title as written:
1. NFKC, then fold: ASCII lowercase, accents and ligatures off ("Amélie" -> "amelie",
   "Æon" -> "aeon"), Greek and Cyrillic lowercase, typographic quotes, dashes and spaces to
   their plain form. Other scripts (CJK...) are kept as they are.
2. A trailing year in parentheses goes: "Heat (1995)" -> "heat".
3. A trailing parenthesized part is an alternative title: "Seven (Se7en)" has the key "seven"
   and the alternative key "se7en" (a leading "a.k.a." in it is dropped).
4. A trailing article moves to the front, as library catalogues write it: "Matrix, The" ->
   "the matrix", "Haine, La" -> "la haine", "Avventura, L'" -> "l'avventura".
5. "&" reads "and"; periods and apostrophes go without a trace ("L.A." -> "la", "Schindler's"
   -> "schindlers"); anything else that is not a letter or digit separates words.
6. A leading English article (the, a, an) goes, unless nothing would be left: "the matrix" ->
   "matrix". Other languages' articles stay ("la haine"): "La La Land", "Die Hard".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Articles that MovieLens-style titles move to the end ("Usual Suspects, The").
MOVED_ARTICLES = (
    "the",
    "a",
    "an",
    "la",
    "le",
    "les",
    "il",
    "lo",
    "gli",
    "i",
    "el",
    "los",
    "las",
    "un",
    "une",
    "una",
    "der",
    "die",
    "das",
    "den",
    "det",
    "de",
    "het",
    "een",
    "o",
    "os",
    "as",
    "ein",
    "eine",
)
ELIDED_ARTICLES = ("l'",)
DROPPED_LEADING_ARTICLES = ("the", "a", "an")
# Titles name films from the 1870s on; a parenthesized year outside this range is not a year.
YEAR_PATTERN = r"(?:18[7-9][0-9]|19[0-9][0-9]|20[0-9][0-9])"

# Blocks whose letters are folded (accents off, lowercase); outside them only ASCII is lowercased.
_FOLDED_BLOCKS = (
    (0x00C0, 0x024F),  # Latin-1 Supplement letters, Latin Extended-A and -B
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x1F00, 0x1FFF),  # Greek Extended
)
# Letters that no decomposition takes apart.
_LETTERS_WITHOUT_DECOMPOSITION = {
    "ß": "ss",
    "ẞ": "ss",
    "æ": "ae",
    "Æ": "ae",
    "œ": "oe",
    "Œ": "oe",
    "ø": "o",
    "Ø": "o",
    "ł": "l",
    "Ł": "l",
    "đ": "d",
    "Đ": "d",
    "ð": "d",
    "Ð": "d",
    "þ": "th",
    "Þ": "th",
    "ħ": "h",
    "Ħ": "h",
    "ı": "i",
    "ŧ": "t",
    "Ŧ": "t",
    "ς": "σ",
}
# Punctuation and spacing that people type in either form.
_APOSTROPHES = "'’‘ʼʻ´`′"
_SEPARATORS = "“”„‟«»‹›–—―‐‑‒−…•¡¿×"
# A middle dot joins like a period: "WALL·E" -> "walle".
_JOINERS = "·"


def _fold_table() -> dict[str, str]:
    """Character -> replacement ('' deletes); every key is one character."""
    table: dict[str, str] = {chr(code): chr(code + 32) for code in range(ord("A"), ord("Z") + 1)}
    for first, last in _FOLDED_BLOCKS:
        for code in range(first, last + 1):
            char = chr(code)
            if not unicodedata.category(char).startswith("L"):
                continue
            if char in _LETTERS_WITHOUT_DECOMPOSITION:
                table[char] = _LETTERS_WITHOUT_DECOMPOSITION[char]
                continue
            bare = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).lower()
            bare = "".join(_LETTERS_WITHOUT_DECOMPOSITION.get(c, c) for c in bare)
            if bare and bare != char:
                table[char] = bare
    for code in range(0x0300, 0x0370):  # combining marks NFKC could not compose
        table[chr(code)] = ""
    for code in range(0x3001):
        if chr(code).isspace() and chr(code) != " ":
            table[chr(code)] = " "
    for char in _APOSTROPHES:
        table[char] = "'"
    for char in _SEPARATORS:
        table[char] = " "
    for char in _JOINERS:
        table[char] = "."
    # Input is NFKC first, so characters NFKC rewrites never reach the table; a replacement is
    # itself folded once, so folding twice changes nothing.
    return {
        char: "".join(table.get(c, c) for c in replacement)
        for char, replacement in table.items()
        if unicodedata.normalize("NFKC", char) == char
    }


FOLD_TABLE = _fold_table()
_TRANSLATION = str.maketrans(FOLD_TABLE)

_TRAILING_YEAR = re.compile(rf" *\({YEAR_PATTERN}\) *$")
_ALTERNATIVE = re.compile(r"^(.*[^ ]) *\(([^()]*)\) *$")
_AKA = re.compile(r"^a\.?k\.?a\.? *")
_MOVED_ELIDED = re.compile(rf"^(.*[^ ]) *, *({'|'.join(ELIDED_ARTICLES)})$")
_MOVED_ARTICLE = re.compile(rf"^(.*[^ ]) *, *({'|'.join(MOVED_ARTICLES)})$")
_NOT_A_WORD_CHARACTER = re.compile(r"[^a-z0-9\u0080-\U0010ffff]+")
_LEADING_ARTICLE = re.compile(rf"^(?:{'|'.join(DROPPED_LEADING_ARTICLES)}) (?=.)")


def fold(text: str) -> str:
    """Step 1: NFKC, lowercase, accents and typographic variants off."""
    return unicodedata.normalize("NFKC", text).translate(_TRANSLATION)


def _part_key(folded: str) -> str:
    """Steps 4 to 6 on one folded title (main or alternative)."""
    part = folded.strip(" ")
    part = _MOVED_ELIDED.sub(r"\2\1", part)
    part = _MOVED_ARTICLE.sub(r"\2 \1", part)
    part = part.replace("&", " and ").replace(".", "").replace("'", "")
    part = _NOT_A_WORD_CHARACTER.sub(" ", part).strip(" ")
    return _LEADING_ARTICLE.sub("", part)


def _without_year(folded: str) -> str:
    return _TRAILING_YEAR.sub("", folded)


def normalize_title(title: str) -> str:
    """The comparison key of a title: equal keys, same title. Idempotent; "" for a blank title."""
    folded = _without_year(fold(title))
    return _part_key(_ALTERNATIVE.sub(r"\1", folded))


def alternative_title_key(title: str) -> str | None:
    """The key of the alternative title in trailing parentheses, None without one:
    "Seven (Se7en)" -> "se7en", "Hate (Haine, La) (1995)" -> "la haine"."""
    match = _ALTERNATIVE.match(_without_year(fold(title)))
    if match is None:
        return None
    return _part_key(_AKA.sub("", match.group(2).strip(" "))) or None


def title_keys(title: str) -> tuple[str, ...]:
    """Every key the title answers to: its own and its alternative's, without repeats."""
    keys = [normalize_title(title), alternative_title_key(title) or ""]
    return tuple(dict.fromkeys(key for key in keys if key))


def title_trigrams(key: str) -> frozenset[str]:
    """The trigrams of a key as the typo index stores them (as pg_trgm does it: each word padded
    with two spaces in front and one behind). "heat" -> {"  h", " he", "hea", "eat", "at "}."""
    return frozenset(
        padded[start : start + 3] for word in key.split() for padded in [f"  {word} "] for start in range(len(word) + 1)
    )


@dataclass(frozen=True)
class TitleWithYear:
    title: str
    year: int | None


_WRITTEN_YEAR = re.compile(rf"^(.*[^ ]) *\(({YEAR_PATTERN})\) *$")


def split_title_year(written: str) -> TitleWithYear:
    """Split a catalogue's "Title (1999)" into the title and the year; the title is kept as written
    otherwise. "Matrix, The (1999)" -> ("Matrix, The", 1999); "Heat" -> ("Heat", None)."""
    match = _WRITTEN_YEAR.match(written.strip())
    if match is None:
        return TitleWithYear(written.strip(), None)
    return TitleWithYear(match.group(1), int(match.group(2)))


def display_title(written: str) -> str:
    """A library catalogue's title as people write it: the trailing article back in front, the year
    off, the alternative title kept. "Usual Suspects, The (1995)" -> "The Usual Suspects";
    "Haine, La" -> "La Haine"; "Avventura, L'" -> "L'Avventura"."""
    title = split_title_year(written).title
    alternative = ""
    match = re.match(r"^(.*[^ ]) *(\([^()]*\)) *$", title)
    if match is not None:
        title, alternative = match.group(1), f" {match.group(2)}"
    articles = "|".join(re.escape(article) for article in (*ELIDED_ARTICLES, *MOVED_ARTICLES))
    moved = re.match(rf"^(.*[^ ]) *, *({articles})$", title, flags=re.IGNORECASE)
    if moved is not None:
        article = moved.group(2)
        title = f"{article}{moved.group(1)}" if article.endswith("'") else f"{article} {moved.group(1)}"
    return title + alternative


@dataclass(frozen=True)
class CatalogueTitle:
    """A library catalogue's title taken apart: the title as people write it, its alternative (or
    original) title from the trailing parentheses, and the year."""

    title: str
    alternative: str
    year: int | None


_ARTICLE_AT_END = re.compile(
    rf"^(.*[^ ]) *, *({'|'.join(re.escape(a) for a in (*ELIDED_ARTICLES, *MOVED_ARTICLES))})$", flags=re.IGNORECASE
)
_WRITTEN_ALTERNATIVE = re.compile(r"^(.*[^ ]) *\(([^()]*)\) *$")
_WRITTEN_AKA = re.compile(r"^a\.?k\.?a\.? *", flags=re.IGNORECASE)


def restore_article(title: str) -> str:
    """A trailing article back in front, capitalized as written: "Godfather, The" -> "The Godfather",
    "Haine, La" -> "La Haine", "Avventura, L'" -> "L'Avventura"; any other title unchanged."""
    moved = _ARTICLE_AT_END.match(title.strip())
    if moved is None:
        return title.strip()
    body, article = moved.group(1), moved.group(2)
    article = article[:1].upper() + article[1:]
    return f"{article}{body}" if article.endswith("'") else f"{article} {body}"


def split_catalogue_title(written: str) -> CatalogueTitle:
    """ "City of Lost Children, The (Cité des enfants perdus, La) (1995)" -> ("The City of Lost
    Children", "La Cité des enfants perdus", 1995); "Seven (Se7en) (1995)" -> ("Seven", "Se7en",
    1995); "Heat" -> ("Heat", "", None). A leading "a.k.a." of the alternative is dropped."""
    split = split_title_year(written)
    title, alternative = split.title, ""
    match = _WRITTEN_ALTERNATIVE.match(title)
    if match is not None and match.group(2).strip():
        title, alternative = match.group(1), restore_article(_WRITTEN_AKA.sub("", match.group(2).strip()))
    return CatalogueTitle(restore_article(title), alternative, split.year)
