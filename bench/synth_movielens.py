"""A seeded MovieLens of any size in the ml-latest CSV layout, for benchmarks at scales no file on
disk has (only ml-100k is at hand): movies.csv, ratings.csv, links.csv, as GroupLens writes them.

Usage: .venv/bin/python bench/synth_movielens.py OUT_DIR [--ratings 1000000] [--users 6000]
       [--movies 10000] [--seed 7]

Shaped like the real files, so the importer does the same work:
- movies.csv: `movieId,title,genres`; ids with gaps, titles ending in ` (YYYY)`, some written the
  library way (`Name, The (1994)`), some with an alternative title in parentheses, some with
  commas (so quoted), 1 to 4 `|`-separated genres of the ml-latest genre list, a few
  `(no genres listed)`.
- links.csv: `movieId,imdbId,tmdbId`, imdbId as bare 7-digit text, tmdbId empty for about 1%.
- ratings.csv: `userId,movieId,rating,timestamp`, sorted by user then movie (as ml-latest is).
  Heavy tails on both sides: a user rates 20 + a log-normal number of films (median about 70,
  a few thousands); a film is drawn with Zipf weight 1/rank^0.9, so a few films have thousands of
  ratings and most have a handful. Scores 0.5-5.0 in half steps: the film's quality + the user's
  bias + noise, whole stars more common than half ones (as in ml-latest, whose mean is 3.5).
  Timestamps: each user rates within a span of up to two years starting between 1996 and 2023.

Same arguments and seed, same bytes.
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import numpy as np

GENRES = (
    "Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama",
    "Fantasy", "Film-Noir", "Horror", "IMAX", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller",
    "War", "Western",
)  # fmt: skip
GENRE_WEIGHTS = np.array([8, 5, 2, 2, 12, 5, 2, 15, 3, 0.5, 4, 0.5, 1, 2.5, 6, 3, 7, 1.5, 1])
WORDS = (
    "night", "river", "last", "summer", "city", "king", "shadow", "love", "dead", "house", "road",
    "star", "winter", "secret", "blood", "island", "dream", "girl", "man", "war", "heart", "storm",
    "silver", "dark", "little", "long", "broken", "wild", "golden", "lost", "garden", "return",
)  # fmt: skip
ARTICLES = ("The", "A", "An")
MIN_RATINGS_PER_USER = 20
MOVIE_ZIPF_EXPONENT = 0.9
FIRST_TIMESTAMP = 820_454_400  # 1996-01-01
LAST_START = 1_672_531_200  # 2023-01-01
MAX_SPAN_SECONDS = 2 * 365 * 86_400


def movie_rows(rng: np.random.Generator, count: int) -> list[tuple[int, str, str]]:
    ids = np.cumsum(rng.integers(1, 4, size=count))  # gaps, as deleted films leave in ml-latest
    rows = []
    for movie_id in ids:
        words = [str(w).capitalize() for w in rng.choice(WORDS, size=rng.integers(1, 4), replace=False)]
        name = " ".join(words) + f" {int(movie_id)}"  # the id keeps titles apart
        draw = rng.random()
        if draw < 0.15:
            name = f"{name}, {rng.choice(ARTICLES)}"  # `Usual Suspects, The`
        elif draw < 0.20:
            name = f"{name} ({words[0]} {rng.choice(WORDS).capitalize()})"  # an alternative title
        elif draw < 0.25:
            name = f"{words[0]}, {name}"  # a comma inside: the field is quoted
        year = int(rng.integers(1920, 2024))
        if rng.random() < 0.01:
            genres = "(no genres listed)"
        else:
            picked = rng.choice(
                len(GENRES), size=rng.integers(1, 5), replace=False, p=GENRE_WEIGHTS / GENRE_WEIGHTS.sum()
            )
            genres = "|".join(GENRES[i] for i in sorted(picked))
        rows.append((int(movie_id), f"{name} ({year})", genres))
    return rows


def user_counts(rng: np.random.Generator, users: int, ratings: int, movies: int) -> np.ndarray:
    """Ratings per user: 20 + log-normal, scaled so they add up to `ratings`, at most `movies`."""
    extra = rng.lognormal(mean=4.0, sigma=1.1, size=users)
    extra *= (ratings - MIN_RATINGS_PER_USER * users) / extra.sum()
    counts = np.minimum(MIN_RATINGS_PER_USER + np.floor(extra).astype(np.int64), movies)
    short = ratings - int(counts.sum())
    order = np.argsort(-counts)
    for index in order[: max(short, 0)]:  # the rounding leftovers go to the keenest raters
        counts[index] = min(movies, counts[index] + 1)
    return counts


def write(out: Path, *, ratings: int, users: int, movies: int, seed: int) -> dict[str, int]:
    if ratings < MIN_RATINGS_PER_USER * users:
        raise SystemExit(f"--ratings must be at least {MIN_RATINGS_PER_USER} per user")
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    films = movie_rows(rng, movies)
    with (out / "movies.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("movieId", "title", "genres"))
        writer.writerows(films)
    movie_ids = np.array([row[0] for row in films])
    with (out / "links.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("movieId", "imdbId", "tmdbId"))
        for index, movie_id in enumerate(movie_ids):
            tmdb = "" if rng.random() < 0.01 else str(100 + 7 * index)
            writer.writerow((int(movie_id), f"{1_000_000 + 13 * index:07d}", tmdb))

    # Popularity: a random permutation of Zipf ranks, so popular films are spread over the ids.
    weights = 1.0 / np.arange(1, movies + 1) ** MOVIE_ZIPF_EXPONENT
    weights = weights[rng.permutation(movies)]
    weights /= weights.sum()
    quality = np.clip(rng.normal(3.4, 0.5, size=movies) + 0.4 * (weights > np.quantile(weights, 0.9)), 1.0, 4.8)
    counts = user_counts(rng, users, ratings, movies)
    written = 0
    with (out / "ratings.csv").open("w", newline="", encoding="utf-8") as handle:
        handle.write("userId,movieId,rating,timestamp\n")
        for user, count in enumerate(counts, start=1):
            chosen = np.sort(rng.choice(movies, size=int(count), replace=False, p=weights))
            raw = quality[chosen] + rng.normal(0.0, 0.6) + rng.normal(0.0, 0.8, size=len(chosen))
            halves = rng.random(len(chosen)) < 0.3  # a third of ratings fall on a half star
            scores = np.where(halves, np.round(raw * 2) / 2, np.round(raw))
            scores = np.clip(scores, 0.5, 5.0)
            start = rng.integers(FIRST_TIMESTAMP, LAST_START)
            stamps = start + rng.integers(0, int(rng.integers(3_600, MAX_SPAN_SECONDS)), size=len(chosen))
            handle.writelines(
                f"{user},{movie_ids[m]},{s:.1f},{t}\n" for m, s, t in zip(chosen, scores, stamps, strict=True)
            )
            written += len(chosen)
    return {"movies": movies, "users": users, "ratings": written}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--ratings", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=6_000)
    parser.add_argument("--movies", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    counts = write(args.out, ratings=args.ratings, users=args.users, movies=args.movies, seed=args.seed)
    print(f"{counts} written to {args.out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
