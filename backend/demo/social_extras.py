"""The demo's reviews, review likes, lists, watchlists and follow requests, derived with no
randomness from the demo catalog's follows, likes and ratings, and written through the services
(so the feed and the notifications fill the way a user's writes fill them)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from backend.core.errors import ApplicationError
from backend.social.services.follow_requests import follow_or_request
from backend.social.services.lists import list_create, list_entry_add
from backend.social.services.reviews import review_like, review_write
from backend.social.services.watchlist import watchlist_add

REVIEWS_PER_USER = 3
LIST_SIZE = 6
WATCHLIST_SIZE = 4

_PRAISE = [
    "{title} is exactly why I keep a film diary. {genre} done with total confidence.",
    "Watched {title} twice in one week. The pacing never lets go.",
    "If you only see one {genre_lower} film this year, make it {title}.",
]
_CRITIQUE = [
    "{title} has a great premise and no idea what to do with it.",
    "I wanted to love {title}. The second half lost me completely.",
]
_SPOILER = " (Spoiler: the ending flips everything you thought about the first scene.)"


def load_social_extras(data: dict, users: dict, movies: dict) -> dict[str, int]:
    titles = {m["key"]: m for m in data["movies"]}
    liked = defaultdict(list)
    for username, movie_key in data["likes"]:
        liked[username].append(movie_key)
    ratings = defaultdict(list)
    for username, movie_key, score in data["ratings"]:
        ratings[username].append((Decimal(str(score)), movie_key))
    followers = defaultdict(list)
    following = defaultdict(set)
    for follower, followee in data["follows"]:
        followers[followee].append(follower)
        following[follower].add(followee)
    counts = {"reviews": 0, "review_likes": 0, "lists": 0, "list_entries": 0, "watchlist": 0, "follow_requests": 0}

    reviews = []
    for i, item in enumerate(data["users"]):
        username = item["username"]
        ranked = sorted(ratings[username], key=lambda pair: (-pair[0], pair[1]))
        chosen = [pair for pair in ranked if pair[0] >= 4][: REVIEWS_PER_USER - 1] + [
            pair for pair in reversed(ranked) if pair[0] <= Decimal("2.5")
        ][:1]
        for j, (score, movie_key) in enumerate(chosen):
            movie = titles[movie_key]
            genre = movie["genres"][0] if movie["genres"] else "Cinema"
            templates = _PRAISE if score >= 4 else _CRITIQUE
            body = templates[(i + j) % len(templates)].format(
                title=movie["title"], genre=genre, genre_lower=genre.lower()
            )
            spoiler = (i + j) % 5 == 0
            review, _ = review_write(
                users[username],
                movies[movie_key],
                body=body + (_SPOILER if spoiler else ""),
                has_spoilers=spoiler,
                score=None,
            )
            reviews.append((username, movie_key, review))
            counts["reviews"] += 1

    liked_sets = {username: set(keys) for username, keys in liked.items()}
    for author, movie_key, review in reviews:
        for fan in followers[author]:
            if movie_key in liked_sets.get(fan, set()):
                try:
                    review_like(users[fan], review.id)
                    counts["review_likes"] += 1
                except ApplicationError:  # the author's activity is hidden from this follower
                    pass

    for item in data["users"]:
        username = item["username"]
        favourites = sorted(ratings[username], key=lambda pair: (-pair[0], pair[1]))[:LIST_SIZE]
        if not favourites:
            continue
        name = item["display_name"] or username
        film_list = list_create(
            users[username], name=f"{name}'s favourites", description=f"The films {name} rates highest."
        )
        counts["lists"] += 1
        for position, (score, movie_key) in enumerate(favourites):
            note = f"A {score} for me." if position < 2 else ""
            list_entry_add(users[username], film_list.id, movies[movie_key], note=note)
            counts["list_entries"] += 1

    for item in data["users"]:
        username = item["username"]
        seen = liked_sets.get(username, set()) | {key for _, key in ratings[username]}
        wanted: list[str] = []
        for friend in sorted(following[username]):
            for movie_key in liked[friend]:
                if movie_key not in seen and movie_key not in wanted:
                    wanted.append(movie_key)
        for movie_key in wanted[:WATCHLIST_SIZE]:
            watchlist_add(users[username], movies[movie_key])
            counts["watchlist"] += 1

    public = [u["username"] for u in data["users"] if not u["is_private"]]
    for item in data["users"]:
        if not item["is_private"]:
            continue
        asker = next((p for p in public if item["username"] not in following[p]), None)
        if asker is not None:
            follow_or_request(users[asker], users[item["username"]].id)
            counts["follow_requests"] += 1
    return counts
