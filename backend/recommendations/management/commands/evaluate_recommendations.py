"""Offline evaluation with the recommender's own scoring functions (recommender.offline)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from recommender import offline
from recommender.evaluation import split_per_user
from recommender.fusion import DEFAULT_WEIGHTS
from recommender.neighbours import EASE_DEFAULT_LAMBDA
from recommender.report import table


class Command(BaseCommand):
    help = (
        "Evaluate each recommendation source, the fused list and a popularity baseline offline: "
        "precision@10, recall@10, NDCG@10, MAP@10, coverage, NDCG@10 by activity tercile."
    )

    def add_arguments(self, parser):
        parser.add_argument("--train", type=Path, help="ratings CSV (userId,movieId,rating,timestamp)")
        parser.add_argument("--test", type=Path, help="ratings CSV, same layout")
        parser.add_argument("--movies", type=Path, help="movies CSV (movieId,title,genres) for content and genres")
        parser.add_argument("--data", type=Path, help="a MovieLens directory to split: u.data or ratings.csv")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--lambda", dest="ease_lambda", type=float, default=EASE_DEFAULT_LAMBDA)
        parser.add_argument("--tune", action="store_true", help="grid-search the fusion weights on a validation split")
        parser.add_argument("--json", dest="json_path", type=Path, default=Path("recommendations-evaluation.json"))

    def handle(self, *args, train, test, movies, data, seed, ease_lambda, tune, json_path: Path, **options):
        if data is not None:
            ratings, catalogue = offline.load_data_dir(data)
            train_rows, test_rows = split_per_user(ratings, seed)
        elif train is not None and test is not None:
            train_rows, test_rows = offline.load_csv_ratings(train), offline.load_csv_ratings(test)
            catalogue = offline.load_csv_movies(movies) if movies else offline.Catalogue()
        else:
            raise CommandError("give --data DIR, or --train FILE and --test FILE")
        weights = dict(DEFAULT_WEIGHTS)
        if tune:
            weights = offline.tune_weights(train_rows, catalogue, seed, ease_lambda)
            self.stdout.write(f"tuned weights: {weights}")
        results = offline.run(train_rows, test_rows, catalogue, lam=ease_lambda, weights=weights)
        self.stdout.write(table(results))
        figures = {name: metrics.as_dict() for name, metrics in results.items()}
        report = {"systems": figures, "weights": weights, "seed": seed, "ease_lambda": ease_lambda}
        json_path.write_text(json.dumps(report, indent=2))
        self.stdout.write(f"figures written to {json_path}")
