"""The VectorStore contract, run identically on the Edge and the server backend."""

from itertools import pairwise

import numpy as np
import pytest

from tests.fixtures_vectors import CONTRACT_DIMENSION, movie_point, unit_vectors
from vectors.errors import (
    PointsNotFound,
    VectorSizeMismatch,
    VectorStoreRejected,
    VectorStoreUnavailable,
)
from vectors.store import VectorStore
from vectors.types import ScoredMovie, SearchFilter, StoredMovie

GENRE_COUNT_MATCHING = 10


@pytest.fixture
def thirty_movies(vector_store: VectorStore) -> np.ndarray:
    """Movies 1..30: every third is a Heist, years 1990..2019, ids > 20 in French."""
    vectors = unit_vectors(30, CONTRACT_DIMENSION, seed=1)
    vector_store.upsert(
        [
            movie_point(
                movie_id,
                vectors[movie_id - 1],
                genres=("Heist", "Thriller") if movie_id % 3 == 0 else ("Drama",),
                year=1989 + movie_id,
                language="fr" if movie_id > 20 else "en",
            )
            for movie_id in range(1, 31)
        ]
    )
    return vectors


def exact_order(vectors: np.ndarray, query: np.ndarray, movie_ids: list[int]) -> list[int]:
    similarities = {movie_id: float(vectors[movie_id - 1] @ query) for movie_id in movie_ids}
    return sorted(movie_ids, key=lambda movie_id: -similarities[movie_id])


def test_upsert_then_search_returns_nearest_first(vector_store, thirty_movies):
    query = thirty_movies[4]
    hits = vector_store.search(query, limit=5)
    assert [hit.movie_id for hit in hits] == exact_order(thirty_movies, query, list(range(1, 31)))[:5]
    assert hits[0] == ScoredMovie(movie_id=5, score=pytest.approx(1.0, abs=1e-5))
    assert all(first.score >= second.score for first, second in pairwise(hits))


def test_upsert_same_id_replaces_point(vector_store, thirty_movies):
    vector_store.upsert([movie_point(5, thirty_movies[9], version=2)])
    assert vector_store.count() == 30
    assert vector_store.search(thirty_movies[9], limit=2)[0].movie_id in {5, 10}
    assert vector_store.stored_versions([5]) == {5: 2}


def test_search_accepts_tuple_vectors(vector_store, thirty_movies):
    hits = vector_store.search(tuple(float(value) for value in thirty_movies[0]), limit=1)
    assert hits[0].movie_id == 1


def test_genre_filter_returns_every_match_up_to_limit(vector_store, thirty_movies):
    hits = vector_store.search(
        thirty_movies[0],
        limit=GENRE_COUNT_MATCHING,
        search_filter=SearchFilter(genre="Heist"),
    )
    heist_ids = [movie_id for movie_id in range(1, 31) if movie_id % 3 == 0]
    assert sorted(hit.movie_id for hit in hits) == heist_ids
    assert [hit.movie_id for hit in hits] == exact_order(thirty_movies, thirty_movies[0], heist_ids)


def test_year_range_is_inclusive_and_complete(vector_store, thirty_movies):
    hits = vector_store.search(
        thirty_movies[0],
        limit=30,
        search_filter=SearchFilter(year_min=1995, year_max=2000),
    )
    assert sorted(hit.movie_id for hit in hits) == list(range(6, 12))


def test_open_ended_year_range(vector_store, thirty_movies):
    hits = vector_store.search(thirty_movies[0], limit=30, search_filter=SearchFilter(year_min=2015))
    assert sorted(hit.movie_id for hit in hits) == list(range(26, 31))


def test_language_and_genre_filters_combine(vector_store, thirty_movies):
    hits = vector_store.search(
        thirty_movies[0],
        limit=30,
        search_filter=SearchFilter(genre="Heist", language="fr"),
    )
    assert sorted(hit.movie_id for hit in hits) == [21, 24, 27, 30]


def test_filter_matching_nothing_returns_empty(vector_store, thirty_movies):
    assert vector_store.search(thirty_movies[0], limit=10, search_filter=SearchFilter(genre="Western")) == []


def test_movie_without_year_never_matches_year_bound(vector_store, thirty_movies):
    vector_store.upsert([movie_point(99, thirty_movies[0], year=None)])
    hits = vector_store.search(thirty_movies[0], limit=40, search_filter=SearchFilter(year_min=1900))
    assert 99 not in {hit.movie_id for hit in hits}
    assert vector_store.search(thirty_movies[0], limit=1)[0].movie_id in {1, 99}


def test_excluded_ids_are_skipped_and_limit_still_filled(vector_store, thirty_movies):
    nearest = [hit.movie_id for hit in vector_store.search(thirty_movies[0], limit=5)]
    hits = vector_store.search(thirty_movies[0], limit=5, exclude_ids=nearest[:3])
    assert len(hits) == 5
    assert not set(nearest[:3]) & {hit.movie_id for hit in hits}
    assert [hit.movie_id for hit in hits][:2] == nearest[3:5]


def test_exclusion_combines_with_filter(vector_store, thirty_movies):
    hits = vector_store.search(
        thirty_movies[0],
        limit=10,
        search_filter=SearchFilter(genre="Heist"),
        exclude_ids=[3, 6],
    )
    assert sorted(hit.movie_id for hit in hits) == [9, 12, 15, 18, 21, 24, 27, 30]


def test_recommend_prefers_positive_neighbourhood_and_skips_examples(vector_store):
    base = unit_vectors(1, CONTRACT_DIMENSION, seed=7)[0]
    opposite = -base
    rng = np.random.default_rng(3)
    near_positive = [base + 0.1 * rng.standard_normal(CONTRACT_DIMENSION) for _ in range(4)]
    near_negative = [opposite + 0.1 * rng.standard_normal(CONTRACT_DIMENSION) for _ in range(4)]
    vector_store.upsert(
        [movie_point(1, base), movie_point(2, opposite)]
        + [movie_point(10 + index, vector) for index, vector in enumerate(near_positive)]
        + [movie_point(20 + index, vector) for index, vector in enumerate(near_negative)]
    )
    hits = vector_store.recommend(positive_ids=[1], negative_ids=[2], limit=4)
    assert sorted(hit.movie_id for hit in hits) == [10, 11, 12, 13]
    all_hits = vector_store.recommend(positive_ids=[1], negative_ids=[2], limit=20)
    assert {hit.movie_id for hit in all_hits} == {10, 11, 12, 13, 20, 21, 22, 23}
    assert all(first.score >= second.score for first, second in pairwise(all_hits))


def test_recommend_applies_filter(vector_store, thirty_movies):
    hits = vector_store.recommend(
        positive_ids=[1],
        negative_ids=[],
        limit=30,
        search_filter=SearchFilter(genre="Heist"),
    )
    assert sorted(hit.movie_id for hit in hits) == [movie_id for movie_id in range(1, 31) if movie_id % 3 == 0]


def test_recommend_with_unknown_example_raises_points_not_found(vector_store, thirty_movies):
    with pytest.raises(PointsNotFound) as raised:
        vector_store.recommend(positive_ids=[1, 404], negative_ids=[405], limit=3)
    assert raised.value.missing_ids == (404, 405)
    assert isinstance(raised.value, KeyError)


def test_recommend_without_positive_is_rejected(vector_store, thirty_movies):
    with pytest.raises(VectorStoreRejected):
        vector_store.recommend(positive_ids=[], negative_ids=[1], limit=3)


def test_delete_is_idempotent_and_ignores_missing_ids(vector_store, thirty_movies):
    vector_store.delete([1, 2, 999])
    vector_store.delete([1, 2, 999])
    assert vector_store.count() == 28
    assert not vector_store.has(1)
    assert vector_store.has(3)
    assert 1 not in {hit.movie_id for hit in vector_store.search(thirty_movies[0], limit=30)}


def test_get_vector_returns_stored_unit_vector_or_none(vector_store, thirty_movies):
    stored = vector_store.get_vector(7)
    assert stored == pytest.approx(tuple(float(value) for value in thirty_movies[6]), abs=1e-5)
    assert vector_store.get_vector(404) is None


def test_get_vectors_reads_several_in_one_call_and_skips_the_missing(vector_store, thirty_movies):
    found = vector_store.get_vectors([7, 404, 9])
    assert set(found) == {7, 9}
    assert found[9] == pytest.approx(tuple(float(value) for value in thirty_movies[8]), abs=1e-5)
    assert vector_store.get_vectors([]) == {}


def test_similar_to_movie_by_its_stored_vector(vector_store, thirty_movies):
    hits = vector_store.search(vector_store.get_vector(7), limit=3, exclude_ids=[7])
    assert [hit.movie_id for hit in hits] == [
        m for m in exact_order(thirty_movies, thirty_movies[6], list(range(1, 31))) if m != 7
    ][:3]


def test_stored_versions_only_for_stored_ids(vector_store):
    vectors = unit_vectors(3, CONTRACT_DIMENSION, seed=2)
    vector_store.upsert([movie_point(1, vectors[0], version=3), movie_point(2, vectors[1], version=8)])
    assert vector_store.stored_versions([1, 2, 3]) == {1: 3, 2: 8}
    assert vector_store.stored_versions([]) == {}


def test_stored_movies_lists_every_point_across_pages(vector_store):
    count = 2_500  # more than one scroll page
    vectors = unit_vectors(count, CONTRACT_DIMENSION, seed=4)
    vector_store.upsert([movie_point(i + 1, vectors[i], version=i % 5, content_hash=f"h{i + 1}") for i in range(count)])
    stored = vector_store.stored_movies()
    assert len(stored) == count
    assert StoredMovie(movie_id=17, content_hash="h17", version=16 % 5) in stored
    assert {movie.movie_id for movie in stored} == set(range(1, count + 1))


def test_ensure_collection_is_idempotent(vector_store, thirty_movies):
    vector_store.ensure_collection(CONTRACT_DIMENSION)
    vector_store.ensure_collection(CONTRACT_DIMENSION)
    assert vector_store.count() == 30
    assert len(vector_store.search(thirty_movies[0], limit=10, search_filter=SearchFilter(genre="Heist"))) == 10


def test_ensure_collection_with_other_dimension_raises_size_mismatch(vector_store):
    with pytest.raises(VectorSizeMismatch) as raised:
        vector_store.ensure_collection(384)
    assert (raised.value.stored_dimension, raised.value.model_dimension) == (
        CONTRACT_DIMENSION,
        384,
    )
    assert "8-dimensional" in str(raised.value) and "384-dimensional" in str(raised.value)


def test_upsert_with_wrong_dimension_is_rejected(vector_store):
    with pytest.raises(VectorStoreRejected):
        vector_store.upsert([movie_point(1, [1.0, 0.0])])


def test_search_with_wrong_dimension_is_rejected(vector_store, thirty_movies):
    with pytest.raises(VectorStoreRejected):
        vector_store.search([1.0, 0.0], limit=3)


def test_clear_removes_every_point_and_keeps_collection(vector_store, thirty_movies):
    vector_store.clear()
    assert vector_store.count() == 0
    vector_store.upsert([movie_point(1, thirty_movies[0], genres=("Heist",))])
    assert vector_store.search(thirty_movies[0], limit=5, search_filter=SearchFilter(genre="Heist"))[0].movie_id == 1


def test_ping_passes_while_open_and_fails_after_close(vector_store):
    vector_store.ping()
    vector_store.close()
    vector_store.close()
    with pytest.raises(VectorStoreUnavailable):
        vector_store.ping()
    with pytest.raises(VectorStoreUnavailable):
        vector_store.count()


def test_optimize_keeps_results(vector_store, thirty_movies):
    before = vector_store.search(thirty_movies[0], limit=5)
    vector_store.optimize()
    after = vector_store.search(thirty_movies[0], limit=5)
    assert [hit.movie_id for hit in after] == [hit.movie_id for hit in before]
    assert [hit.score for hit in after] == pytest.approx([hit.score for hit in before], abs=1e-5)
