"""Writes through the API reach the real graph and vector engines; outages only delay them."""

import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest

import vectors
from backend.projector import reconcile
from backend.projector.rebuild import rebuild_graph, rebuild_vectors
from backend.social import services as social
from backend.sync import monitoring, operations, sweeper
from backend.sync.models import AggregateVersion, Delivery, OutboxEvent
from graph import driver, projection, queries
from graph.types import Versioned
from tests.factories import MovieFactory, UserFactory
from vectors.settings import VectorSettings

pytestmark = pytest.mark.usefixtures("stores")

# The first retry waits BACKOFF_BASE_SECONDS with jitter in [0.5, 1]: past it, a sweep resends.
FIRST_RETRY_WAIT_SECONDS = 2.2


def drift_total() -> int:
    return sum(d.total for d in reconcile.reconcile(repair=False))


def test_writes_through_the_api_reach_graph_and_vectors(client_of, on_commit):
    with on_commit():
        alice, bob = UserFactory(), UserFactory()
        movie = MovieFactory(title="Vault of the Meridian", overview="A crew robs a casino vault.", genres=["Heist"])
        client = client_of(alice)
        assert client.post(f"/api/users/{bob.id}/follow/").status_code == 201
        assert client.post(f"/api/movies/{movie.id}/like/").status_code == 201
        assert client.put(f"/api/movies/{movie.id}/rating/", {"score": 4.5}, format="json").status_code == 201

    assert projection.projected_versions("follow") == {f"{alice.id}:{bob.id}": 1}
    assert set(projection.projected_versions("like")) == {f"{alice.id}:{movie.id}"}
    # The rating queued a rank recompute, which recorded the movie's next version for the payload.
    current = AggregateVersion.objects.get(kind="movie", key=str(movie.id)).version
    assert current == 2
    assert vectors.get_vector_store().stored_versions([movie.id]) == {movie.id: current}
    assert not Delivery.objects.exclude(status=Delivery.DONE).exists()
    assert drift_total() == 0


def test_unfollow_then_follow_ends_followed(client_of, on_commit):
    with on_commit():
        alice, bob = UserFactory(), UserFactory()
        client = client_of(alice)
        for method in ("post", "delete", "post"):
            getattr(client, method)(f"/api/users/{bob.id}/follow/")
    assert projection.projected_versions("follow") == {f"{alice.id}:{bob.id}": 3}
    assert queries.connection(alice.id, bob.id) == [alice.id, bob.id]


def test_graph_outage_keeps_writes_and_converges_after_restart(graph_server, client_of, on_commit):
    with on_commit():
        alice = UserFactory()
        others = [UserFactory() for _ in range(3)]
    graph_server.stop()
    try:
        with on_commit():
            for other in others:
                assert client_of(alice).post(f"/api/users/{other.id}/follow/").status_code == 201
        waiting = Delivery.objects.filter(target=Delivery.GRAPH, status=Delivery.PENDING, event__kind="follow")
        assert waiting.count() == 3
        assert all(d.attempts == 1 and "Unavailable" in d.last_error for d in waiting)
        health = {h.target: h for h in monitoring.target_health()}
        assert health["graph"].backlog == 3
    finally:
        graph_server.start()

    time.sleep(FIRST_RETRY_WAIT_SECONDS)
    with on_commit():
        assert sweeper.sweep()["graph"] == 3
    assert not Delivery.objects.filter(status=Delivery.PENDING).exists()
    assert set(projection.projected_versions("follow")) == {f"{alice.id}:{o.id}" for o in others}


def test_vector_store_outage_keeps_writes_and_converges(vector_shard_settings, on_commit):
    unreachable = VectorSettings(url="http://127.0.0.1:9", timeout_seconds=0.5)
    vectors.configure(unreachable)
    try:
        with on_commit():
            movie = MovieFactory(overview="Two rival chefs open restaurants on the same street.")
        delivery = Delivery.objects.get(event__key=str(movie.id), target=Delivery.VECTORS)
        assert delivery.status == Delivery.PENDING and delivery.attempts == 1
    finally:
        vectors.configure(vector_shard_settings)

    time.sleep(FIRST_RETRY_WAIT_SECONDS)
    with on_commit():
        sweeper.sweep()
    assert vectors.get_vector_store().has(movie.id)


def test_a_rejected_event_is_dead_lettered_and_replayed_after_the_fix(client_of, staff, on_commit):
    with on_commit():
        user, movie = UserFactory(), MovieFactory()
        social.rate_movie(user, movie.id, Decimal("3.5"))
    # Corrupt the rating's state as a buggy producer would: the graph side rejects it.
    event = OutboxEvent.objects.get(kind="rating")
    with on_commit():
        OutboxEvent.objects.filter(id=event.id).update(payload={"score": "not a number", "at": "yesterday"})
        operations.replay_events(from_event_id=event.id, target=Delivery.GRAPH)
    failed = Delivery.objects.get(event=event, target=Delivery.GRAPH)
    assert failed.status == Delivery.FAILED and failed.last_error

    listed = client_of(staff).get("/api/sync/deliveries/?status=failed")
    assert [row["event_id"] for row in listed.json()["results"]] == [event.id]

    OutboxEvent.objects.filter(id=event.id).update(payload={"score": 3.5, "at": "2026-11-21T10:00:00+00:00"})
    with on_commit():
        response = client_of(staff).post("/api/sync/deliveries/retry/", {}, format="json")
    assert response.json() == {"count": 1}
    assert Delivery.objects.get(id=failed.id).status == Delivery.DONE
    assert projection.projected_versions("rating") == {f"{user.id}:{movie.id}": 1}


def test_reconcile_finds_and_repairs_drift(client_of, staff, on_commit):
    with on_commit():
        alice, bob = UserFactory(), UserFactory()
        movie = MovieFactory()
        social.follow_user(alice, bob.id)
        social.like_movie(alice, movie.id)
    # Drift: the graph loses a follow (as if a write was lost) and gains a like nobody made;
    # a vector goes missing.
    driver.write_rows(
        "MATCH (:User {id: $a})-[f:FOLLOWS]->(:User {id: $b}) DELETE f RETURN count(*) AS n",
        {"a": alice.id, "b": bob.id},
    )
    projection.apply(projection.LIKES, [Versioned((bob.id, movie.id), 5, {"at": datetime.now(UTC)})])
    vectors.get_vector_store().delete([movie.id])

    report = {
        (d["target"], d["kind"]): d for d in client_of(staff).post("/api/sync/reconcile/", {}, format="json").json()
    }
    assert report[("graph", "follow")]["missing"] == 1
    assert report[("graph", "like")]["extra"] == 1
    assert report[("vectors", "movie")]["missing"] == 1

    with on_commit():
        client_of(staff).post("/api/sync/reconcile/", {"repair": True}, format="json")
    assert drift_total() == 0


def test_rebuilds_reproduce_postgres(on_commit):
    with on_commit():
        users = [UserFactory() for _ in range(4)]
        movies = [MovieFactory(genres=["Drama"]) for _ in range(3)]
        for u in users[1:]:
            social.follow_user(users[0], u.id)
            social.like_movie(u, movies[0].id)
            social.rate_movie(u, movies[1].id, Decimal("4.0"))
    projection.clear_all()
    vectors.get_vector_store().clear()
    assert drift_total() > 0

    counts = rebuild_graph()
    assert counts == {"user": 4, "movie": 3, "follow": 3, "like": 3, "rating": 3}
    assert rebuild_vectors() == 3
    assert drift_total() == 0


def test_staff_endpoints_refuse_other_users(client_of):
    client = client_of(UserFactory())
    assert client.get("/api/sync/deliveries/").status_code == 403
    assert client.post("/api/sync/reconcile/", {}, format="json").status_code == 403
    assert client.post("/api/sync/rebuild/", {"target": "graph"}, format="json").status_code == 403
