"""Fusing the two rankings of one search box: Postgres's title-first ranking and Qdrant's semantic
one. Plain values in, plain values out: no store is touched here.

Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009) adds 1/(k + rank) over the
rankings a movie is in. Alone it would let a film that the vector store ranks first tie the film
whose title was typed exactly, so title-led matches (exact, prefix, every word in the title, a close
typo) come first in the title ranking's order, and RRF orders the rest: overview matches, weak
typos and what only the semantic side found. bench/bench_search.py measures both orders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from backend.catalog.title_search import TitleMatch

# Cormack et al.'s k: it damps the head of each ranking so that neither ranking's first place
# alone decides.
RRF_K = 60
# A typo this close is the title meant ("godfater" 0.58, "interstelar" 0.79); below it, a title
# that shares some letters with a description.
TITLE_LED_TYPO_SIMILARITY = 0.5
TITLE_LED_MATCHES = frozenset({TitleMatch.EXACT, TitleMatch.PREFIX, TitleMatch.WORDS})
# How much the plot words a description shares with an overview add to the cosine of their
# embeddings (a cover-density rank, mostly 0 to 0.5): re-ranking the semantic candidates so took
# plot descriptions from MRR 0.92 to 0.95 (bench/bench_search.py); 0.05 to 0.2 all helped.
WORD_OVERLAP_WEIGHT = 0.2
TITLE_ENGINE = "title"
SEMANTIC_ENGINE = "semantic"


@dataclass(frozen=True)
class TitleHit:
    movie_id: int
    match: TitleMatch
    similarity: float


@dataclass(frozen=True)
class SemanticHit:
    movie_id: int
    score: float


@dataclass(frozen=True)
class FusedHit:
    """`score` falls with the order: a title-led match scores 1 + 1/(k + its place among them),
    the others their RRF sum (below 0.04). `matched_by` names the engines that found the movie;
    `title_match` says how the title engine did (None: it did not find it)."""

    movie_id: int
    score: float
    matched_by: tuple[str, ...]
    title_match: TitleMatch | None


def is_title_led(hit: TitleHit, rank: int) -> bool:
    """Whether a title hit (at this 1-based rank of the title ranking) leads the fused results.
    The best title hit leads even as a weaker typo ("21 grmas" 0.38): Postgres ranks typos after
    every exact, prefix and word match, so a typo first means nothing matched better, and a long
    description never comes this close to a title (the typo search skips past eight words)."""
    if hit.match in TITLE_LED_MATCHES:
        return True
    return hit.match == TitleMatch.TYPO and (rank == 1 or hit.similarity >= TITLE_LED_TYPO_SIMILARITY)


def reciprocal_rank(rank: int) -> float:
    """RRF's term for a 1-based rank."""
    return 1.0 / (RRF_K + rank)


def rerank_by_word_overlap(
    semantic_hits: Sequence[SemanticHit], word_overlap: dict[int, float], *, weight: float = WORD_OVERLAP_WEIGHT
) -> list[SemanticHit]:
    """The semantic ranking re-ordered by cosine + weight x word overlap (a missing id counts 0).
    Embeddings of a short overview blur names and rare words ("Montmartre", "clownfish") that
    the description and the overview share; the overlap puts them back."""
    rescored = [
        SemanticHit(hit.movie_id, hit.score + weight * word_overlap.get(hit.movie_id, 0.0)) for hit in semantic_hits
    ]
    return sorted(rescored, key=lambda hit: (-hit.score, hit.movie_id))


def fuse(
    title_hits: Sequence[TitleHit],
    semantic_hits: Sequence[SemanticHit],
    *,
    limit: int,
    title_led_first: bool = True,
) -> list[FusedHit]:
    """The best `limit` movies of both rankings (each best first, no repeats within one).
    `title_led_first=False` gives plain RRF, for the benchmark's comparison."""
    rrf: dict[int, float] = {}
    engines: dict[int, list[str]] = {}
    rankings: tuple[tuple[str, Sequence[TitleHit | SemanticHit]], ...] = (
        (TITLE_ENGINE, title_hits),
        (SEMANTIC_ENGINE, semantic_hits),
    )
    for engine, hits in rankings:
        for rank, hit in enumerate(hits, start=1):
            rrf[hit.movie_id] = rrf.get(hit.movie_id, 0.0) + reciprocal_rank(rank)
            engines.setdefault(hit.movie_id, []).append(engine)
    title_by_id = {hit.movie_id: hit for hit in title_hits}
    led = [hit for rank, hit in enumerate(title_hits, start=1) if title_led_first and is_title_led(hit, rank)]
    led_rank = {hit.movie_id: rank for rank, hit in enumerate(led)}

    def order(movie_id: int) -> tuple:
        if movie_id in led_rank:
            return (0, led_rank[movie_id])
        return (1, -rrf[movie_id], movie_id)

    fused = []
    for movie_id in sorted(rrf, key=order)[:limit]:
        title_hit = title_by_id.get(movie_id)
        fused.append(
            FusedHit(
                movie_id=movie_id,
                score=1.0 + reciprocal_rank(led_rank[movie_id] + 1) if movie_id in led_rank else rrf[movie_id],
                matched_by=tuple(engines[movie_id]),
                title_match=title_hit.match if title_hit else None,
            )
        )
    return fused
