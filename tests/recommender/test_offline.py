"""The recommender's arithmetic on planted taste clusters: no Django, no store."""

import numpy as np
import pytest
import scipy.sparse as sp

from recommender.diversity import cap_genres_first_page
from recommender.evaluation import Rating, evaluate, split_per_user, user_metrics
from recommender.fusion import fuse
from recommender.interactions import Interactions
from recommender.neighbours import _ease_blocks_direct, _ease_blocks_woodbury, _top_k_rows, score_history, train_ease
from recommender.offline import Catalogue, Experiment
from tests.recommender.planted import planted_ratings


@pytest.fixture(scope="module")
def split():
    return split_per_user(planted_ratings(), seed=42)


def test_ease_recommends_within_the_users_cluster():
    ratings = planted_ratings()
    inter = Interactions.from_triples([r.user for r in ratings], [r.item for r in ratings])
    model = train_ease(inter.matrix, inter.item_ids, lam=10.0, k=30)
    history = np.array([0, 1, 2])
    sources, targets, weights = model.rows_for(history)
    scored = score_history(history, np.ones(3), sources, targets, weights, limit=5)
    assert len(scored.item_ids) == 5
    assert not any(100 <= item < 120 for item in scored.item_ids)
    assert set(scored.because) <= {0, 1, 2}
    assert not set(scored.item_ids) & set(history)


@pytest.mark.parametrize("binary", [True, False])
def test_a_pair_seen_by_fewer_than_three_users_is_not_stored(binary):
    ratings = [Rating(1, 10, 5), Rating(1, 11, 5), Rating(2, 10, 5), Rating(2, 11, 5)]
    ratings += [Rating(u, 10, 5) for u in range(3, 8)] + [Rating(u, 12, 5) for u in range(3, 8)]
    inter = Interactions.from_triples([r.user for r in ratings], [r.item for r in ratings], [r.score for r in ratings])
    sources, targets, _ = train_ease(inter.matrix, inter.item_ids, lam=1.0, binary=binary).rows()
    pairs = set(zip(sources.tolist(), targets.tolist(), strict=True))
    assert (10, 11) not in pairs and (11, 10) not in pairs
    assert (10, 12) in pairs


@pytest.mark.parametrize(("users", "items"), [(40, 300), (300, 40)])
def test_the_woodbury_form_gives_the_neighbours_of_the_direct_inverse(users, items, monkeypatch):
    monkeypatch.setattr("recommender.neighbours.ROW_CHUNK", 16)
    rng = np.random.default_rng(3)
    x = sp.random(users, items, density=0.15, format="csc", random_state=rng, dtype=np.float32)
    x.data[:] = 1.0
    direct = _top_k_rows(_ease_blocks_direct(x.copy(), 20.0, 3), items, 25).toarray()
    woodbury = _top_k_rows(_ease_blocks_woodbury(x.copy(), 20.0, 3), items, 25).toarray()
    assert np.count_nonzero(direct) > 0
    np.testing.assert_allclose(woodbury, direct, rtol=1e-3, atol=1e-6)


def test_split_is_per_user_and_reproducible(split):
    train, test = split
    assert split_per_user(planted_ratings(), seed=42) == split
    assert {r.user for r in test} == {r.user for r in train}
    assert len(train) == pytest.approx(0.75 * (len(train) + len(test)), rel=0.05)


def test_metrics_of_a_perfect_and_an_empty_list():
    assert user_metrics([1, 2], {1, 2}, k=10) == (0.2, 1.0, 1.0, 1.0)
    assert user_metrics([3, 4], {1, 2}, k=10) == (0.0, 0.0, 0.0, 0.0)


def test_fused_list_beats_popularity_on_planted_communities(split):
    train, test = split
    experiment = Experiment(train, Catalogue(), lam=10.0)
    tests: dict[int, set[int]] = {}
    for r in test:
        tests.setdefault(r.user, set()).add(r.item)
    counts = {u: sum(1 for r in train if r.user == u) for u in tests}
    fused = evaluate(experiment.fused({"collaborative": 1.0, "popularity": 0.05}), tests, counts, 41)
    popular = evaluate(experiment.popular(experiment.count_order), tests, counts, 41)
    assert fused.ndcg > 1.3 * popular.ndcg


def test_fusion_adds_reciprocal_ranks_by_weight():
    fused = fuse({"a": [1, 2, 3], "b": [3, 4]}, {"a": 1.0, "b": 1.0})
    assert fused[0][0] == 3


def test_genre_cap_defers_the_fifth_drama_past_the_first_page():
    genres = {i: ["Drama"] for i in range(6)} | {6: ["Comedy"]}
    page = cap_genres_first_page(list(range(7)), genres, page_size=5, cap=4)
    assert page[:5] == [0, 1, 2, 3, 6]
    assert page[5:] == [4, 5]
