"""The offline experiment: load MovieLens files, split, train, score each source and the fused list.

Each source here calls the functions the endpoint calls (`score_history`, `taste_vector` +
nearest, `bayesian_scores`, `fuse`, `cap_genres_first_page`); only where the endpoint reads a
store does this read the same data from memory. Content vectors are the films' genres (MovieLens
files carry no plots) unless a caller passes plot vectors.
"""

from __future__ import annotations

import csv
import itertools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from recommender.content import nearest, taste_vector
from recommender.diversity import cap_genres_first_page
from recommender.evaluation import TOP_K, Metrics, Rating, evaluate, split_per_user
from recommender.fusion import DEFAULT_WEIGHTS, fuse
from recommender.interactions import Interactions
from recommender.neighbours import EASE_DEFAULT_LAMBDA, NeighbourLists, score_history, train_ease, train_item_knn
from recommender.popularity import bayesian_scores

# A rating at or above this is a "liked" signal for content; at or below NEGATIVE, a negative.
POSITIVE_SCORE = 4.0
NEGATIVE_SCORE = 2.0
CANDIDATES_PER_SOURCE = 100
POPULARITY_MIN_VOTES = 10.0


@dataclass
class Catalogue:
    titles: dict[int, str] = field(default_factory=dict)
    genres: dict[int, list[str]] = field(default_factory=dict)


def load_ml100k(directory: Path) -> tuple[list[Rating], Catalogue]:
    ratings = []
    with open(directory / "u.data") as handle:
        for line in handle:
            user, item, score, ts = line.split("\t")
            ratings.append(Rating(int(user), int(item), float(score), int(ts)))
    catalogue = Catalogue()
    with open(directory / "u.genre", encoding="latin-1") as handle:
        genre_names = [line.split("|")[0] for line in handle if "|" in line]
    with open(directory / "u.item", encoding="latin-1") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("|")
            movie_id = int(parts[0])
            catalogue.titles[movie_id] = parts[1]
            flags = parts[5:]
            catalogue.genres[movie_id] = [genre_names[i] for i, flag in enumerate(flags) if flag == "1"]
    return ratings, catalogue


def load_csv_ratings(path: Path) -> list[Rating]:
    """MovieLens CSV layout: userId,movieId,rating,timestamp with a header line."""
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        return [
            Rating(int(r["userId"]), int(r["movieId"]), float(r["rating"]), int(r.get("timestamp") or 0))
            for r in reader
        ]


def load_csv_movies(path: Path) -> Catalogue:
    catalogue = Catalogue()
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            item = int(row["movieId"])
            catalogue.titles[item] = row["title"]
            catalogue.genres[item] = [g for g in row.get("genres", "").split("|") if g and g != "(no genres listed)"]
    return catalogue


def load_data_dir(directory: Path) -> tuple[list[Rating], Catalogue]:
    """ml-100k (u.data) or a ml-latest style directory (ratings.csv, movies.csv)."""
    if (directory / "u.data").exists():
        return load_ml100k(directory)
    movies = directory / "movies.csv"
    return load_csv_ratings(directory / "ratings.csv"), load_csv_movies(movies) if movies.exists() else Catalogue()


Recommend = Callable[..., Sequence[int]]


class Experiment:
    """Trained state for one train set; `sources()` gives a top-k recommender per source."""

    def __init__(self, train: Sequence[Rating], catalogue: Catalogue, lam: float = EASE_DEFAULT_LAMBDA):
        self.catalogue = catalogue
        self.interactions = Interactions.from_triples(
            [r.user for r in train], [r.item for r in train], [r.score for r in train]
        )
        self.items = self.interactions.item_ids
        self.user_row = {int(u): i for i, u in enumerate(self.interactions.user_ids)}
        started = time.perf_counter()
        self.ease = train_ease(self.interactions.matrix, self.items, lam=lam)
        self.ease_seconds = time.perf_counter() - started
        self.knn = train_item_knn(self.interactions.matrix, self.items)
        counts = np.diff(self.interactions.matrix.tocsc().indptr).astype(np.float64)
        sums = np.asarray(self.interactions.matrix.sum(axis=0)).ravel()
        means = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
        self.count_order = self.items[np.argsort(-counts, kind="stable")]
        self.bayes_order = self.items[np.argsort(-bayesian_scores(counts, means, POPULARITY_MIN_VOTES), kind="stable")]
        genre_names = sorted({g for gs in catalogue.genres.values() for g in gs})
        index = {g: i for i, g in enumerate(genre_names)}
        vectors = np.zeros((len(self.items), max(len(genre_names), 1)))
        for row, item in enumerate(self.items):
            for g in catalogue.genres.get(int(item), []):
                vectors[row, index[g]] = 1.0
        norms = np.linalg.norm(vectors, axis=1)
        norms[norms == 0] = 1.0
        self.vectors = vectors / norms[:, None]
        self.vector_row = {int(item): row for row, item in enumerate(self.items)}

    def history(self, user: int) -> tuple[np.ndarray, np.ndarray]:
        row = self.user_row.get(user)
        if row is None:
            return np.empty(0, np.int64), np.empty(0)
        return self.interactions.item_history(row)

    def collaborative(self, model: NeighbourLists) -> Recommend:
        def recommend(user: int, limit: int = TOP_K) -> Sequence[int]:
            ids, _scores = self.history(user)
            sources, targets, weights = model.rows_for(ids)
            return [
                int(i) for i in score_history(ids, np.ones(len(ids)), sources, targets, weights, limit=limit).item_ids
            ]

        return recommend

    def content(self) -> Recommend:
        def recommend(user: int, limit: int = TOP_K) -> Sequence[int]:
            ids, scores = self.history(user)
            rows = np.asarray([self.vector_row[int(i)] for i in ids], dtype=np.int64)
            taste = taste_vector(
                self.vectors[rows[scores >= POSITIVE_SCORE]], self.vectors[rows[scores <= NEGATIVE_SCORE]]
            )
            if taste is None:
                return []
            return [int(i) for i in nearest(taste, self.items, self.vectors, ids, limit)[0]]

        return recommend

    def popular(self, order: np.ndarray) -> Recommend:
        def recommend(user: int, limit: int = TOP_K) -> Sequence[int]:
            seen = set(self.history(user)[0].tolist())
            return [int(i) for i in itertools.islice((i for i in order if int(i) not in seen), limit)]

        return recommend

    def fused(self, weights: Mapping[str, float], cap_genres: bool = False) -> Recommend:
        collaborative, content, popularity = (
            self.collaborative(self.ease),
            self.content(),
            self.popular(self.bayes_order),
        )

        def recommend(user: int, limit: int = TOP_K) -> Sequence[int]:
            ranked = {
                "collaborative": collaborative(user, CANDIDATES_PER_SOURCE),
                "content": content(user, CANDIDATES_PER_SOURCE) if weights.get("content", 0) > 0 else [],
                "popularity": popularity(user, CANDIDATES_PER_SOURCE) if weights.get("popularity", 0) > 0 else [],
            }
            items = [item for item, _ in fuse(ranked, weights)]
            if cap_genres:
                items = cap_genres_first_page(items, self.catalogue.genres, limit)
            return items[:limit]

        return recommend


def _test_sets(test: Sequence[Rating]) -> dict[int, set[int]]:
    sets: dict[int, set[int]] = {}
    for r in test:
        sets.setdefault(r.user, set()).add(r.item)
    return sets


def tune_weights(train: Sequence[Rating], catalogue: Catalogue, seed: int, lam: float) -> dict[str, float]:
    """Grid search of the fusion weights on a validation split carved out of the training set."""
    inner_train, validation = split_per_user(train, seed + 1)
    experiment = Experiment(inner_train, catalogue, lam)
    tests = _test_sets(validation)
    counts = _counts(inner_train)
    best, best_ndcg = dict(DEFAULT_WEIGHTS), -1.0
    for content_w, popularity_w in itertools.product((0.0, 0.05, 0.1, 0.2, 0.4), (0.0, 0.05, 0.1, 0.2, 0.4)):
        weights = {**DEFAULT_WEIGHTS, "collaborative": 1.0, "content": content_w, "popularity": popularity_w}
        ndcg = evaluate(experiment.fused(weights), tests, counts, len(experiment.items)).ndcg
        if ndcg > best_ndcg:
            best, best_ndcg = weights, ndcg
    return best


def _counts(ratings: Sequence[Rating]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for r in ratings:
        counts[r.user] = counts.get(r.user, 0) + 1
    return counts


def run(
    train: Sequence[Rating],
    test: Sequence[Rating],
    catalogue: Catalogue,
    lam: float = EASE_DEFAULT_LAMBDA,
    weights: Mapping[str, float] | None = None,
) -> dict[str, Metrics]:
    """Every source alone, the fused list (raw and genre-capped) and the baselines, on one split."""
    experiment = Experiment(train, catalogue, lam)
    tests = _test_sets(test)
    counts = _counts(train)
    size = len(set(experiment.items.tolist()) | {r.item for r in test})
    fused_weights = dict(weights or DEFAULT_WEIGHTS)
    systems: dict[str, Recommend] = {
        "popularity (count baseline)": experiment.popular(experiment.count_order),
        "popularity (Bayesian rank)": experiment.popular(experiment.bayes_order),
        "item-kNN (cosine baseline)": experiment.collaborative(experiment.knn),
        "collaborative (EASE)": experiment.collaborative(experiment.ease),
        "content (genre vectors)": experiment.content(),
        "fused": experiment.fused(fused_weights),
        "fused, genre-capped page": experiment.fused(fused_weights, cap_genres=True),
    }
    return {name: evaluate(recommend, tests, counts, size) for name, recommend in systems.items()}
