"""Fusing the title and semantic rankings (backend/discovery/fusion.py): plain values, no store."""

from __future__ import annotations

import pytest

from backend.catalog.title_search import TitleMatch
from backend.discovery.fusion import RRF_K, SemanticHit, TitleHit, fuse, reciprocal_rank, rerank_by_word_overlap


def _title(movie_id: int, match: TitleMatch = TitleMatch.OVERVIEW, similarity: float = 0.0) -> TitleHit:
    return TitleHit(movie_id, match, similarity)


def _semantic(*movie_ids: int) -> list[SemanticHit]:
    return [SemanticHit(movie_id, 1.0 - n / 100) for n, movie_id in enumerate(movie_ids)]


@pytest.mark.parametrize(
    ("match", "similarity"),
    [(TitleMatch.EXACT, 1.0), (TitleMatch.PREFIX, 0.4), (TitleMatch.WORDS, 0.2), (TitleMatch.TYPO, 0.6)],
)
def test_a_title_led_match_comes_before_what_the_semantic_side_ranks_first(match, similarity):
    fused = fuse([_title(1, match, similarity)], _semantic(2, 3, 1), limit=3)

    assert [hit.movie_id for hit in fused] == [1, 2, 3]
    assert fused[0].matched_by == ("title", "semantic")
    assert fused[0].title_match == match


def test_a_weak_typo_after_the_first_title_hit_or_an_overview_match_is_fused_by_reciprocal_rank():
    title_hits = [_title(4, TitleMatch.TYPO, 0.40), _title(1, TitleMatch.TYPO, 0.36), _title(2)]

    fused = fuse(title_hits, _semantic(3, 2), limit=4)

    # 4 leads as the best title hit; then 2, in both rankings; then 3, first of the semantic
    # ranking, before 1, second of the title ranking.
    assert [hit.movie_id for hit in fused] == [4, 2, 3, 1]
    assert fused[1].score == pytest.approx(reciprocal_rank(3) + reciprocal_rank(2))
    assert [hit.matched_by for hit in fused] == [("title",), ("title", "semantic"), ("semantic",), ("title",)]
    assert fused[2].title_match is None


def test_plain_rrf_lets_the_semantic_first_place_tie_an_exact_title():
    fused = fuse([_title(1, TitleMatch.EXACT, 1.0)], _semantic(2), limit=2, title_led_first=False)

    assert [hit.movie_id for hit in fused] == [1, 2]
    assert fused[0].score == fused[1].score == pytest.approx(1 / (RRF_K + 1))


def test_scores_fall_with_the_order_and_the_limit_holds():
    title_hits = [_title(1, TitleMatch.EXACT, 1.0), _title(2, TitleMatch.PREFIX), _title(3)]

    fused = fuse(title_hits, _semantic(4, 5, 3, 6), limit=5)

    assert [hit.movie_id for hit in fused] == [1, 2, 3, 4, 5]
    assert [hit.score for hit in fused] == sorted((hit.score for hit in fused), reverse=True)
    assert fused[1].score > 1 > fused[2].score


def test_nothing_from_either_side_fuses_to_nothing():
    assert fuse([], [], limit=10) == []


def test_word_overlap_reorders_the_semantic_ranking_and_missing_ids_count_zero():
    hits = [SemanticHit(1, 0.60), SemanticHit(2, 0.58), SemanticHit(3, 0.50)]

    reranked = rerank_by_word_overlap(hits, {2: 0.2, 3: 0.05}, weight=0.2)

    assert [hit.movie_id for hit in reranked] == [2, 1, 3]
    assert reranked[0].score == pytest.approx(0.58 + 0.04)
    assert rerank_by_word_overlap(hits, {}) == hits
