"""Title-first ranking for a search box: the film typed comes first, typos forgiven.

A movie matches a query by one of these, best first (`TitleMatch`):
- EXACT: a title key (its title, its alternative title, its original title; see catalog.titles)
  equals the query's key, with or without a year typed at the end ("alien 1979");
- PREFIX: a title key starts with the query's key ("star wars" -> "Star Wars: Episode V");
- WORDS: every word of the query is a word of the title (English stemming: "aliens" ~ "alien");
- TYPO: the title's trigrams are close to the query's ("godfater" -> "The Godfather");
- OVERVIEW: the full-text document (title and overview) matches the query (websearch syntax).
Within a kind, a movie of the typed year comes first, then typos by similarity, overview matches by
full-text rank, and the rest by popularity.

Typos use `catalog_title_trigram`, an inverted index of each title key's trigrams (as pg_trgm makes
them) kept by triggers on catalog_movie (migration 0002), so bulk inserts and COPY keep it too. It
is plain SQL: the embedded pgserver has no pg_trgm. Similarity is pg_trgm's: shared trigrams over
the trigrams of either (Jaccard), computed from the posting lists of the query's rarest trigrams
only (see _TYPO_SQL), so a query of common words does not read a tenth of the index.
"""

from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import BooleanField, Case, F, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from backend.catalog.models import Movie
from backend.catalog.titles import normalize_title, title_trigrams

# pg_trgm's default threshold is 0.3; 0.35 keeps "godfater" and "interstelar" (0.58, 0.79) and drops
# titles that merely share a word with a longer query.
TYPO_MIN_SIMILARITY = 0.35
TYPO_MAX_CANDIDATES = 50
# Reading two more of the rarest posting lists than the bound needs rules out more candidates than
# it costs: p95 of the typo lookup at 50k films 73 ms with none, 57 with one, 49 with two, 61 with
# three (207 typo'd titles of bench/bench_search.py, one run, load average 15 on 2 cores).
TYPO_EXTRA_RARE_TRIGRAMS = 2
# How many of the most frequent trigrams the typo lookup knows to be common.
TYPO_FREQUENT_TRIGRAMS = 1000
# Past this many trigrams (about eight words) a query is a description, not a mistyped title.
TYPO_MAX_QUERY_TRIGRAMS = 60
# A one-letter prefix matches a twentieth of any catalogue: prefixes start at two characters.
PREFIX_MIN_LENGTH = 2
# Films are from the 1870s on; a number past next year ends a title ("Blade Runner 2049").
EARLIEST_YEAR = 1870
YEAR_AHEAD = 1
_TRAILING_NUMBER = re.compile(r"^(.*\S)\s+\(?(\d{4})\)?\s*$")


class TitleMatch(enum.IntEnum):
    """How a movie matched, in ranking order (higher first)."""

    OVERVIEW = 0
    TYPO = 1
    WORDS = 2
    PREFIX = 3
    EXACT = 4

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class TitleQuery:
    """A search box's text, read for titles: `text` as typed; `title_text` without a trailing
    year, which goes to `year`; `key` and `full_key` the title keys of the two."""

    text: str
    title_text: str
    year: int | None
    key: str
    full_key: str

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(key for key in (self.key, self.full_key) if key))


def parse_title_query(text: str, today: date | None = None) -> TitleQuery:
    """Read a trailing four-digit year ("alien 1979", "heat (1995)") as the year wanted, unless it
    is all there is ("1917") or out of range of film years ("blade runner 2049")."""
    text = " ".join(text.split())
    last_year = (today or date.today()).year + YEAR_AHEAD
    match = _TRAILING_NUMBER.match(text)
    if match is not None and EARLIEST_YEAR <= int(match.group(2)) <= last_year:
        title_text, year = match.group(1), int(match.group(2))
    else:
        title_text, year = text, None
    return TitleQuery(text, title_text, year, normalize_title(title_text), normalize_title(text))


# Jaccard similarity s / (q + c - s) >= t, for a query of q trigrams and a title key of c sharing s,
# needs s >= t(q + c)/(1 + t) >= tq, and tq <= c <= q/t. So a title that qualifies shares at least
# one trigram with any q - ceil(tq) + 1 of the query's: its rarest ones ("prefix filtering", Chaudhuri,
# Ganti and Kaushik, ICDE 2006). Only their posting lists are read (the common trigrams' lists, "  t"
# or "the", are the long ones); each candidate that can still reach the threshold then counts the
# common trigrams it has through the (movie_id, variant) index. The answer is the full scan's.
# Rarity comes from catalog_title_trigram_frequency (the most frequent trigrams, refreshed by a beat
# task); a trigram not in it counts as rare, word starts ("  t", " th") as less rare. A stale or empty
# table costs time, never a result. NOT EXISTS is evaluated once, first: a key that some title has
# exactly is no typo, and the posting lists are not read at all.
_TYPO_SQL = """
    WITH by_rarity AS MATERIALIZED (
        SELECT array_agg(
            query_trigram
            ORDER BY coalesce(frequency.movies, 0), left(query_trigram, 2) = '  ', left(query_trigram, 1) = ' ',
                query_trigram
        ) AS trigrams
        FROM unnest(%(trigrams)s::text[]) AS query_trigram
            LEFT JOIN catalog_title_trigram_frequency AS frequency ON frequency.trigram = query_trigram
    )
    SELECT movie_id, max(shared / (%(query_trigrams)s + trigram_count - shared)) AS similarity
    FROM (
        SELECT candidate.movie_id, candidate.trigram_count, (candidate.shared + common.shared)::float AS shared
        FROM (
            SELECT movie_id, variant, trigram_count, count(*) AS shared
            FROM catalog_title_trigram
            WHERE trigram = ANY((SELECT trigrams[:%(rare_trigrams)s] FROM by_rarity)::text[])
                AND trigram_count BETWEEN %(min_trigram_count)s AND %(max_trigram_count)s
                AND NOT EXISTS (
                    SELECT FROM catalog_movie
                    WHERE title_key = %(key)s OR title_alt_key = %(key)s OR original_title_key = %(key)s
                )
            GROUP BY movie_id, variant, trigram_count
            HAVING count(*) + %(common_trigrams)s
                >= %(min_similarity)s * (%(query_trigrams)s + trigram_count) / (1 + %(min_similarity)s) - 1e-9
        ) AS candidate
        CROSS JOIN LATERAL (
            SELECT count(*) AS shared
            FROM catalog_title_trigram AS other
            WHERE other.movie_id = candidate.movie_id AND other.variant = candidate.variant
                AND other.trigram = ANY((SELECT trigrams[%(rare_trigrams)s + 1:] FROM by_rarity)::text[])
        ) AS common
    ) AS per_key
    GROUP BY movie_id
    HAVING max(shared / (%(query_trigrams)s + trigram_count - shared)) >= %(min_similarity)s
    ORDER BY similarity DESC, movie_id
    LIMIT %(limit)s
"""


def typo_matches(key: str, *, limit: int = TYPO_MAX_CANDIDATES) -> dict[int, float]:
    """Movie id -> trigram similarity (0..1] of its closest title key to `key`, for the `limit`
    closest at TYPO_MIN_SIMILARITY or more; {} for a key too short or too long to be a title typo,
    and for a key that a title has exactly (it is spelled right). One query; it reads the posting
    lists of the query's rarest trigrams only (about 3k index entries for a two-word typo at 50k
    films, where all of them hold 20k), then a few index entries per candidate."""
    trigrams = sorted(title_trigrams(key))
    if len(key) < 3 or len(trigrams) > TYPO_MAX_QUERY_TRIGRAMS:
        return {}
    query_trigrams = len(trigrams)
    rare = min(query_trigrams, query_trigrams - math.ceil(TYPO_MIN_SIMILARITY * query_trigrams) + 1)
    rare = min(query_trigrams, rare + TYPO_EXTRA_RARE_TRIGRAMS)
    params = {
        "key": key,
        "trigrams": trigrams,
        "query_trigrams": query_trigrams,
        "rare_trigrams": rare,
        "common_trigrams": query_trigrams - rare,
        "min_trigram_count": math.floor(TYPO_MIN_SIMILARITY * query_trigrams),
        "max_trigram_count": math.ceil(query_trigrams / TYPO_MIN_SIMILARITY),
        "min_similarity": TYPO_MIN_SIMILARITY,
        "limit": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute(_TYPO_SQL, params)  # type: ignore[arg-type]  # a list of trigrams is a parameter
        return dict(cursor.fetchall())


def refresh_trigram_frequencies(*, keep: int = TYPO_FREQUENT_TRIGRAMS) -> int:
    """Replace catalog_title_trigram_frequency with the `keep` trigrams most titles have, and how
    many; returns how many rows it holds. One transaction (readers see the old list or the new);
    one GROUP BY over the typo index (about 0.3 s at 50k films)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalog_title_trigram_frequency")
        cursor.execute(
            "INSERT INTO catalog_title_trigram_frequency (trigram, movies) "
            "SELECT trigram, count(*) FROM catalog_title_trigram GROUP BY trigram ORDER BY count(*) DESC, trigram "
            "LIMIT %s",
            [keep],
        )
        return cursor.rowcount


def _prefix_lookups(query: TitleQuery) -> Q:
    lookups = Q()
    for key in query.keys:
        if len(key) >= PREFIX_MIN_LENGTH:
            lookups |= Q(title_key__startswith=key) | Q(title_alt_key__startswith=key)
            lookups |= Q(original_title_key__startswith=key)
    return lookups


def _exact_lookups(query: TitleQuery) -> Q:
    keys = list(query.keys)
    return Q(title_key__in=keys) | Q(title_alt_key__in=keys) | Q(original_title_key__in=keys)


def rank_by_title(queryset: QuerySet[Movie], text: str, *, order: bool = True) -> QuerySet[Movie]:
    """The movies of `queryset` that match `text` (see the module docstring), annotated with
    `title_match` (a TitleMatch value), `year_match`, `title_similarity` and `text_rank`, best first
    unless `order` is False. One typo query now, then one query when evaluated; every match kind
    is answered by an index (GIN full text, text_pattern_ops prefixes, the trigram index)."""
    query = parse_title_query(text)
    typos = typo_matches(query.key) if query.key else {}
    full_text = SearchQuery(query.title_text if query.year else text, search_type="websearch", config="english")

    matching = Q(search_document=full_text) | Q(id__in=list(typos))
    if query.keys:
        matching |= _exact_lookups(query) | _prefix_lookups(query)
    exact = _exact_lookups(query) if query.keys else Q(pk__in=[])
    prefix = _prefix_lookups(query) or Q(pk__in=[])
    # One array lookup rather than a CASE arm per typo: the planner's time grew with the arms.
    similarity = RawSQL(
        "coalesce((%s::float8[])[array_position(%s::bigint[], catalog_movie.id)], 0)",
        [list(typos.values()), list(typos)],
        output_field=FloatField(),
    )
    ranked = (
        queryset.filter(matching)
        .alias(
            title_words_match=RawSQL(
                "ts_filter(catalog_movie.search_document, '{a}') @@ plainto_tsquery('english', %s)",
                [query.title_text],
                output_field=BooleanField(),
            )
        )
        .annotate(
            title_similarity=similarity,
            text_rank=SearchRank(F("search_document"), full_text),
            title_match=Case(
                When(exact, then=Value(int(TitleMatch.EXACT))),
                When(prefix, then=Value(int(TitleMatch.PREFIX))),
                When(title_words_match=True, then=Value(int(TitleMatch.WORDS))),
                When(id__in=list(typos), then=Value(int(TitleMatch.TYPO))),
                default=Value(int(TitleMatch.OVERVIEW)),
                output_field=IntegerField(),
            ),
            year_match=(
                Case(When(year=query.year, then=Value(1)), default=Value(0), output_field=IntegerField())
                if query.year
                else Value(0, output_field=IntegerField())
            ),
        )
    )
    if not order:
        return ranked
    # A constant year_match (no year typed) is left out: Postgres reads a constant as a column number.
    by_year = [F("year_match").desc()] if query.year else []
    return ranked.order_by(
        F("title_match").desc(),
        *by_year,
        Case(
            When(title_match=int(TitleMatch.TYPO), then=F("title_similarity")),
            When(title_match=int(TitleMatch.OVERVIEW), then=F("text_rank")),
            default=Value(0.0),
            output_field=FloatField(),
        ).desc(),
        F("popularity").desc(),
        "id",
    )
