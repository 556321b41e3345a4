"""Loads the demo data set (backend/demo/data/catalog.json) through the write services, so every
demo row reaches the graph and vector projections by the same outbox path as a user's write."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from backend.accounts.services import grant_staff, register_user, update_profile
from backend.catalog import rankings, services
from backend.catalog.models import Genre, Movie, Person
from backend.demo.social_extras import load_social_extras
from backend.social.services import follow_user, like_movie, rate_movie

DEMO_CATALOG = Path(__file__).resolve().parent / "data" / "catalog.json"
# Demo accounts only; printed by `make run` and documented in the README.
DEMO_PASSWORD = "cinema-demo-2026"
DEMO_STAFF_USERNAME = "curator"

User = get_user_model()


def is_empty() -> bool:
    return not Movie.objects.exists()


def load_demo(path: Path = DEMO_CATALOG) -> dict[str, int]:
    """Load the demo set into an empty database; returns counts per kind."""
    data = json.loads(path.read_text())
    with transaction.atomic():
        Genre.objects.bulk_create([Genre(name=name) for name in data["genres"]], ignore_conflicts=True)
        people = {p["key"]: Person.objects.create(name=p["name"]) for p in data["people"]}

    movies = {}
    for item in data["movies"]:
        credits = [
            services.CreditInput(people[c["person"]].id, "cast", character=c["character"], order=c["order"])
            for c in item["cast"]
        ] + [services.CreditInput(people[c["person"]].id, "crew", job=c["job"]) for c in item["crew"]]
        fields = {
            "title": item["title"],
            "original_title": item["original_title"],
            "release_date": date.fromisoformat(item["release_date"]),
            "runtime": item["runtime"],
            "overview": item["overview"],
            "original_language": item["original_language"],
            "poster_url": item.get("poster_url") or "",
            "popularity": item["popularity"],
        }
        movie = services.create_movie(services.MovieInput(fields=fields, genres=item["genres"], credits=credits))
        movies[item["key"]] = movie.id

    users = {}
    for item in data["users"]:
        user = register_user(
            username=item["username"], email=f"{item['username']}@demo.invalid", password=DEMO_PASSWORD
        )
        update_profile(user, display_name=item["display_name"], bio=item["bio"], is_private=item["is_private"])
        users[item["username"]] = user
    staff = register_user(username=DEMO_STAFF_USERNAME, email="curator@demo.invalid", password=DEMO_PASSWORD)
    grant_staff(staff)

    for follower, followee in data["follows"]:
        follow_user(users[follower], users[followee].id)
    for username, movie_key in data["likes"]:
        like_movie(users[username], movies[movie_key])
    for username, movie_key, score in data["ratings"]:
        rate_movie(users[username], movies[movie_key], Decimal(str(score)))
    extras = load_social_extras(data, users, movies)
    rankings.recompute_all()
    return {
        "movies": len(movies),
        "people": len(people),
        "users": len(users) + 1,
        "follows": len(data["follows"]),
        "likes": len(data["likes"]),
        "ratings": len(data["ratings"]),
        **extras,
    }
