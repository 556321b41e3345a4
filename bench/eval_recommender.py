"""Offline quality of the recommender on MovieLens: each source, the fused list and baselines.

    .venv/bin/python bench/eval_recommender.py ../shared/datasets/ml-100k [--seed 42] [--lam 500] [--tune] [--json out.json]

Per-user random 75/25 split, top 10 among unseen films, any test film relevant (the protocol
Microsoft Recommenders publish ml-100k figures with: SAR 0.382, BPR 0.442, BiVAE 0.475 NDCG@10).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from recommender import offline  # noqa: E402
from recommender.evaluation import split_per_user  # noqa: E402
from recommender.fusion import DEFAULT_WEIGHTS  # noqa: E402
from recommender.report import table  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path, help="a MovieLens directory (u.data, or ratings.csv + movies.csv)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--lam", type=float, default=500.0, help="EASE L2 weight")
    parser.add_argument("--tune", action="store_true", help="grid-search fusion weights on a validation split")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    ratings, catalogue = offline.load_data_dir(args.path)
    train, test = split_per_user(ratings, args.seed)
    weights = dict(DEFAULT_WEIGHTS)
    if args.tune:
        started = time.perf_counter()
        weights = offline.tune_weights(train, catalogue, args.seed, args.lam)
        print(f"tuned weights {weights} in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    results = offline.run(train, test, catalogue, lam=args.lam, weights=weights)
    print(f"{len(ratings)} ratings, seed {args.seed}, EASE lambda {args.lam:g}, {time.perf_counter() - started:.1f} s")
    print(table(results))
    if args.json:
        args.json.write_text(
            json.dumps({name: m.as_dict() for name, m in results.items()} | {"weights": weights}, indent=2)
        )


if __name__ == "__main__":
    main()
