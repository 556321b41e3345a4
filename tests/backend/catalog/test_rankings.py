"""Bayesian ranking (backend/catalog/rankings.py): queued by rating writes, computed later."""

from __future__ import annotations

import pytest
from django.test import override_settings

from backend.catalog import rankings
from backend.catalog.models import Movie, PendingRankUpdate
from tests.factories import MovieFactory, UserFactory

MIN_VOTES = 2


def _weighted(v: int, mean: float, c: float, m: int = MIN_VOTES) -> float:
    return v / (v + m) * mean + m / (v + m) * c


@pytest.fixture
def rate(client_of):
    def put(user, movie, score):
        response = client_of(user).put(f"/api/movies/{movie.id}/rating/", {"score": score})
        assert response.status_code in (200, 201), response.content

    return put


@pytest.mark.django_db
def test_a_rating_write_queues_the_movie_and_leaves_its_rank_alone(rate):
    movie = MovieFactory()
    rankings.recompute_all()
    before = Movie.objects.values("rank_score", "rank_position", "rating_count").get(id=movie.id)

    rate(UserFactory(), movie, 5)

    assert Movie.objects.values("rank_score", "rank_position", "rating_count").get(id=movie.id) == before
    assert list(PendingRankUpdate.objects.values_list("movie_id", flat=True)) == [movie.id]


@pytest.mark.django_db
def test_unrating_also_queues_the_movie(client_of, rate):
    movie, user = MovieFactory(), UserFactory()
    rate(user, movie, 4)
    rankings.recompute_pending()

    assert client_of(user).delete(f"/api/movies/{movie.id}/rating/").status_code == 204

    assert PendingRankUpdate.objects.filter(movie_id=movie.id).exists()
    assert rankings.recompute_pending() == 1
    movie.refresh_from_db()
    assert (movie.rating_count, movie.rank_score) == (0, 0.0)


@pytest.mark.django_db
@override_settings(RANKING_MIN_VOTES=MIN_VOTES)
def test_recompute_pending_sets_the_bayesian_weighted_rating_and_positions(api_client, rate):
    popular, niche, middling, unrated = (MovieFactory(title=t) for t in ("Popular", "Niche", "Middling", "Unrated"))
    users = UserFactory.create_batch(4)
    for user, score in zip(users, (4.5, 4.0, 4.5, 5.0), strict=False):
        rate(user, popular, score)
    rate(users[0], niche, 4.5)
    rate(users[0], middling, 3.0)
    rate(users[1], middling, 2.0)

    assert rankings.recompute_pending() == 3
    assert not PendingRankUpdate.objects.exists()

    means = {"Popular": 4.5, "Niche": 4.5, "Middling": 2.5}
    c = sum(means.values()) / 3
    expected = {
        "Popular": _weighted(4, 4.5, c),
        "Niche": _weighted(1, 4.5, c),
        "Middling": _weighted(2, 2.5, c),
        "Unrated": 0.0,
    }
    rows = {m.title: m for m in Movie.objects.all()}
    for title, score in expected.items():
        assert rows[title].rank_score == pytest.approx(score), title
    assert (rows["Popular"].rating_count, rows["Popular"].rating_mean) == (4, pytest.approx(4.5))
    # C = 3.833: Popular 4.278 > Niche 4.056 (same mean, fewer votes) > Middling 3.167 > Unrated 0
    positions = {title: movie.rank_position for title, movie in rows.items()}
    assert positions == {"Popular": 1, "Niche": 2, "Middling": 3, "Unrated": 4}

    response = api_client.get("/api/movies/", {"ordering": "rank"})
    assert [m["title"] for m in response.json()["results"]] == ["Popular", "Niche", "Middling", "Unrated"]
    response = api_client.get("/api/movies/", {"ordering": "-rank"})
    assert [m["title"] for m in response.json()["results"]] == ["Unrated", "Middling", "Niche", "Popular"]
    assert response.json()["results"][-1]["rank_score"] == pytest.approx(expected["Popular"])


@pytest.mark.django_db
@override_settings(RANKING_MIN_VOTES=MIN_VOTES)
def test_default_list_order_is_by_rank(api_client, rate):
    low, high = MovieFactory(title="Low"), MovieFactory(title="High")
    rate(UserFactory(), low, 1)
    rate(UserFactory(), high, 5)
    rankings.recompute_pending()

    assert [m["title"] for m in api_client.get("/api/movies/").json()["results"]] == ["High", "Low"]


@pytest.mark.django_db
@override_settings(RANKING_MIN_VOTES=MIN_VOTES)
def test_recompute_all_reflects_the_drift_of_the_global_mean(rate):
    steady, other = MovieFactory(), MovieFactory()
    rate(UserFactory(), steady, 4)
    rankings.recompute_pending()
    steady.refresh_from_db()
    assert steady.rank_score == pytest.approx(4.0)  # C is its own mean

    rate(UserFactory(), other, 1)
    rankings.recompute_pending()
    steady.refresh_from_db()
    assert steady.rank_score == pytest.approx(4.0)  # only the queued movie was recomputed

    rankings.recompute_all()
    steady.refresh_from_db()
    assert steady.rank_score == pytest.approx(_weighted(1, 4.0, 2.5))


@pytest.mark.django_db
def test_recompute_pending_with_nothing_queued_does_nothing():
    assert rankings.recompute_pending() == 0


@pytest.mark.django_db
def test_recompute_records_a_movie_event_only_when_the_score_moves(rate, latest_events, outbox_counts):
    movie = MovieFactory()
    rate(UserFactory(), movie, 4)
    before = outbox_counts()

    rankings.recompute_pending()
    assert outbox_counts().events == before.events + 1
    assert latest_events(1) == [("movie", str(movie.id), "movie.ranked")]

    rankings.recompute_all()
    assert outbox_counts().events == before.events + 1
