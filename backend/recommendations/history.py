"""A user's taste as the recommender reads it: history, negatives, exclusions, favourite genres.

Read from Postgres at request time in one query, so a rating, like or hide counts in the very next
request. `excluded_movie_ids` is the one place that says what is never recommended.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

# The most recent interactions that score a request (bounds the neighbour rows read).
HISTORY_MAX = 200
CONTENT_POSITIVES_MAX = 30
CONTENT_NEGATIVES_MAX = 15
POSITIVE_SCORE = 4.0
NEGATIVE_SCORE = 2.0

# kind, movie id, score, when; favourite genres come as kind 'genre' with the genre's name, and the
# people a block hides (either way) as kind 'blocked' with their user id in the id column. The
# newest training run's id rides along so a retrain changes the cache key.
_STATE = """
    SELECT 'rating', movie_id, score::float8, NULL, extract(epoch FROM updated_at) FROM social_rating WHERE user_id = %(u)s
    UNION ALL
    SELECT 'like', movie_id, NULL, NULL, extract(epoch FROM created_at) FROM social_like WHERE user_id = %(u)s
    UNION ALL
    SELECT 'hidden', movie_id, NULL, NULL, extract(epoch FROM created_at) FROM recommendations_hiddenmovie WHERE user_id = %(u)s
    UNION ALL
    SELECT 'watchlist', movie_id, NULL, NULL, 0 FROM social_watchlistentry WHERE user_id = %(u)s
    UNION ALL
    SELECT 'blocked', CASE WHEN blocker_id = %(u)s THEN blocked_id ELSE blocker_id END, NULL, NULL, 0
        FROM social_block WHERE blocker_id = %(u)s OR blocked_id = %(u)s
    UNION ALL
    SELECT 'genre', NULL, NULL, g.name, 0 FROM recommendations_favouritegenre f
        JOIN catalog_genre g ON g.id = f.genre_id WHERE f.user_id = %(u)s
    UNION ALL
    (SELECT 'model', id, NULL, NULL, extract(epoch FROM started_at) FROM recommendations_trainingrun
        ORDER BY id DESC LIMIT 1)
"""


@dataclass(frozen=True)
class UserTaste:
    user_id: int
    ratings: dict[int, float]
    likes: frozenset[int]
    hidden: frozenset[int]
    # Films already on the watchlist are not new to the user; people a block hides are never named.
    watchlist: frozenset[int]
    hidden_users: frozenset[int]
    favourite_genres: tuple[str, ...]
    model_id: int | None
    # (id, start) of the newest training run: names the neighbour lists to serve (None: untrained).
    model_key: tuple[int, float] | None
    # Movie ids by recency of the interaction, newest first (ratings and likes together).
    recent: tuple[int, ...]
    fingerprint: str

    @property
    def has_history(self) -> bool:
        return bool(self.ratings or self.likes)

    def history(self) -> list[int]:
        """The movies that score the collaborative source: everything rated or liked, newest first."""
        return list(self.recent[:HISTORY_MAX])

    def positives(self) -> list[int]:
        good = [m for m in self.recent if m in self.likes or self.ratings.get(m, 0.0) >= POSITIVE_SCORE]
        return good[:CONTENT_POSITIVES_MAX]

    def negatives(self) -> list[int]:
        bad = [m for m in self.recent if m not in self.likes and self.ratings.get(m, 5.0) <= NEGATIVE_SCORE]
        return (bad + sorted(self.hidden))[:CONTENT_NEGATIVES_MAX]


def user_taste(user_id: int) -> UserTaste:
    with connection.cursor() as cursor:
        cursor.execute(_STATE, {"u": user_id})
        rows = cursor.fetchall()
    ratings: dict[int, float] = {}
    likes: set[int] = set()
    hidden: set[int] = set()
    watchlist: set[int] = set()
    hidden_users: set[int] = set()
    genres: list[str] = []
    model_id = None
    model_key = None
    when: dict[int, float] = {}
    for kind, movie_id, score, genre, at in rows:
        if kind == "rating":
            ratings[movie_id] = score
        elif kind == "like":
            likes.add(movie_id)
        elif kind == "hidden":
            hidden.add(movie_id)
            continue
        elif kind == "watchlist":
            watchlist.add(movie_id)
            continue
        elif kind == "blocked":
            hidden_users.add(movie_id)
            continue
        elif kind == "genre":
            genres.append(genre)
            continue
        else:
            model_id = movie_id
            model_key = (movie_id, float(at))
            continue
        when[movie_id] = max(when.get(movie_id, 0.0), float(at))
    recent = tuple(sorted(when, key=lambda m: (-when[m], m)))
    fingerprint = repr(
        (
            sorted(ratings.items()),
            sorted(likes),
            sorted(hidden),
            sorted(watchlist),
            sorted(hidden_users),
            sorted(genres),
            model_key,
        )
    )
    return UserTaste(
        user_id=user_id,
        ratings=ratings,
        likes=frozenset(likes),
        hidden=frozenset(hidden),
        watchlist=frozenset(watchlist),
        hidden_users=frozenset(hidden_users),
        favourite_genres=tuple(sorted(genres)),
        model_id=model_id,
        model_key=model_key,
        recent=recent,
        fingerprint=fingerprint,
    )


def excluded_movie_ids(taste: UserTaste) -> set[int]:
    """What is never recommended to this user: films they rated, liked, hid or have on their watchlist."""
    return set(taste.ratings) | set(taste.likes) | set(taste.hidden) | set(taste.watchlist)
