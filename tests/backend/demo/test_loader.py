"""The demo data set loads through the services into an empty database (backend/demo/loader.py)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from backend.catalog.models import Movie, PendingRankUpdate, Person
from backend.demo.loader import DEMO_CATALOG, DEMO_STAFF_USERNAME, is_empty, load_demo
from backend.social.models import Follow, Like, Rating


@pytest.mark.django_db
def test_load_demo_fills_an_empty_database_and_search_finds_the_heists(api_client):
    data = json.loads(DEMO_CATALOG.read_text())
    heists = {m["title"] for m in data["movies"] if "Heist" in m["genres"]}
    assert is_empty()

    counts = load_demo()

    expected = {k: len(data[k]) for k in ("movies", "people", "follows", "likes", "ratings")}
    social = ("reviews", "review_likes", "lists", "list_entries", "watchlist", "follow_requests")
    assert {k: v for k, v in counts.items() if k not in social} == {**expected, "users": len(data["users"]) + 1}
    assert all(counts[k] > 0 for k in social), counts
    assert (Movie.objects.count(), Person.objects.count()) == (expected["movies"], expected["people"])
    assert (Follow.objects.count(), Like.objects.count(), Rating.objects.count()) == (
        expected["follows"],
        expected["likes"],
        expected["ratings"],
    )
    assert get_user_model().objects.get(username=DEMO_STAFF_USERNAME).is_staff
    assert not is_empty()
    assert not PendingRankUpdate.objects.exists()
    assert Movie.objects.filter(rank_position__isnull=True).count() == 0

    response = api_client.get("/api/movies/", {"q": "heist", "page_size": 100})
    assert response.status_code == 200
    found = {m["title"] for m in response.json()["results"]}
    assert found and found <= heists
    robbed = {m["title"] for m in api_client.get("/api/movies/", {"q": "vault", "page_size": 100}).json()["results"]}
    assert robbed and robbed <= heists

    # The social features are populated for a demo user: reviews, lists, a feed, a watchlist.
    ada = get_user_model().objects.get(username="ada")
    client = APIClient()
    client.force_authenticate(ada)
    assert client.get(f"/api/users/{ada.id}/reviews/").json()["count"] > 0
    assert client.get(f"/api/users/{ada.id}/lists/").json()["count"] > 0
    assert client.get("/api/me/feed/").json()["results"]
    assert client.get("/api/me/watchlist/").json()["count"] > 0
