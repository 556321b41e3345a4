"""Leaving: DELETE /api/me/ erases the account from Postgres and, through the outbox, from the
graph; verified from outside (the API, reconcile, an independent Bolt session)."""

from __future__ import annotations

import contextlib
import threading
from decimal import Decimal

import neo4j
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from backend.catalog import rankings
from backend.catalog.models import Movie, PendingRankUpdate
from backend.core.errors import NotFound
from backend.personal_data import erasure
from backend.personal_data.models import Erasure
from backend.projector import graph_apply, reconcile
from backend.social import services as social
from backend.social.models import Follow, Like, Rating
from backend.sync.models import AggregateVersion, Delivery, OutboxEvent
from tests.factories import PASSWORD, MovieFactory, UserFactory

User = get_user_model()
ME = "/api/me/"


def drift_total() -> int:
    return sum(d.total for d in reconcile.reconcile(repair=False))


def bolt_count(graph_server, query: str, **params) -> int:
    """A count from a Bolt session of its own, outside the project's graph package."""
    settings = graph_server.settings()
    with neo4j.GraphDatabase.driver(settings.uri, auth=(settings.user, settings.password)) as bolt:
        records, _, _ = bolt.execute_query(query, params, database_=settings.database)
        return records[0][0]


def events_about(user_id: int) -> list[OutboxEvent]:
    """The outbox events whose aggregate is the user or an edge of theirs."""
    holders = {"user": 1, "rating": 1, "like": 1, "follow": 2}  # the key's leading parts that are users
    return [
        event
        for event in OutboxEvent.objects.filter(kind__in=holders)
        if str(user_id) in event.key.split(":")[: holders[event.kind]]
    ]


@pytest.fixture
def world(on_commit):
    """alice leaves; bob follows her, she follows carol; both rated and liked the same film."""
    with on_commit():
        alice, bob, carol = UserFactory(), UserFactory(), UserFactory()
        shared, hers = MovieFactory(), MovieFactory()
        social.follow_user(bob, alice.id)
        social.follow_user(alice, carol.id)
        social.follow_user(bob, carol.id)
        social.rate_movie(alice, shared.id, Decimal("5.0"))
        social.rate_movie(bob, shared.id, Decimal("3.0"))
        social.like_movie(alice, shared.id)
        social.like_movie(alice, hers.id)
        social.like_movie(bob, shared.id)
        rankings.recompute_all()
    return alice, bob, carol, shared, hers


@pytest.mark.usefixtures("stores")
def test_erasure_leaves_no_trace_in_any_endpoint_the_graph_or_the_outbox(
    graph_server, world, api_client, client_of, on_commit
):
    alice, bob, carol, shared, hers = world
    tokens = api_client.post("/api/auth/token/", {"username": alice.username, "password": PASSWORD}).json()
    assert Movie.objects.get(id=shared.id).rating_count == 2
    assert bolt_count(graph_server, "MATCH (u:User {id: $id})-[r]-() RETURN count(r)", id=alice.id) == 5

    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    with on_commit():
        response = api_client.delete(ME, {"password": PASSWORD}, format="json")

    assert response.status_code == 204
    # Postgres: the account and all of hers, both directions of follows.
    assert not User.objects.filter(id=alice.id).exists()
    assert not Rating.objects.filter(user_id=alice.id).exists()
    assert not Like.objects.filter(user_id=alice.id).exists()
    assert not Follow.objects.filter(follower_id=alice.id).exists()
    assert not Follow.objects.filter(followee_id=alice.id).exists()
    assert Rating.objects.filter(user=bob).count() == 1 and Follow.objects.filter(follower=bob).count() == 1
    # Sessions: her tokens stop working.
    assert api_client.get(ME).status_code == 401
    api_client.credentials()
    assert api_client.post("/api/auth/token/refresh/", {"refresh": tokens["refresh"]}).status_code == 401
    assert api_client.post("/api/auth/token/", {"username": alice.username, "password": PASSWORD}).status_code == 401
    # Aggregates: the film she rated is queued and recomputes without her.
    assert PendingRankUpdate.objects.filter(movie_id=shared.id).exists()
    with on_commit():
        rankings.recompute_pending()
    assert Movie.objects.get(id=shared.id).rating_count == 1
    # No endpoint returns her or her activity, to anyone.
    as_bob, as_carol = client_of(bob), client_of(carol)
    for path in (f"/api/users/{alice.id}/", f"/api/users/{alice.id}/ratings/", f"/api/users/{alice.id}/likes/"):
        assert as_bob.get(path).status_code == 404
    assert as_bob.get(f"/api/users/{alice.id}/connection/").status_code == 404
    seen = [
        as_bob.get("/api/me/feed/friends-liked/"),
        as_bob.get(f"/api/movies/{shared.id}/friends/"),
        as_bob.get("/api/me/suggestions/follow/"),
        as_carol.get("/api/me/suggestions/follow/"),
        as_carol.get(f"/api/users/{carol.id}/followers/"),
        as_bob.get(f"/api/users/{bob.id}/following/"),
        as_bob.get(f"/api/movies/{hers.id}/also-liked/"),
        as_bob.get(f"/api/movies/{shared.id}/"),
    ]
    for answer in seen:
        assert answer.status_code == 200, answer.content
        assert f'"{alice.username}"' not in answer.content.decode()
    # The graph, asked independently: no node for her, nothing with her name.
    assert bolt_count(graph_server, "MATCH (u:User {id: $id}) RETURN count(u)", id=alice.id) == 0
    assert bolt_count(graph_server, "MATCH (n) WHERE n.username = $name RETURN count(n)", name=alice.username) == 0
    assert bolt_count(graph_server, "MATCH (:User {id: $id})-[r]->() RETURN count(r)", id=bob.id) == 3
    assert drift_total() == 0
    # The outbox: delivered, then redacted (the redaction job ran once the graph delivery landed).
    assert Erasure.objects.get(user_id=alice.id).outbox_redacted_at is not None
    assert not Delivery.objects.filter(status=Delivery.PENDING).exists()
    about_her = events_about(alice.id)
    assert {(e.kind, e.event_type) for e in about_her} == {("user", "user.created"), ("user", "user.deleted")}
    assert all(e.payload is None for e in about_her)
    assert not AggregateVersion.objects.filter(kind="rating", key=f"{alice.id}:{shared.id}").exists()
    assert not OutboxEvent.objects.filter(payload__username=alice.username).exists()


@pytest.mark.usefixtures("stores")
def test_a_wrong_password_is_refused_and_changes_nothing(world, client_of, outbox_counts):
    alice = world[0]
    before = outbox_counts()

    response = client_of(alice).delete(ME, {"password": "not-her-password"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"password": ["The password is wrong."]}
    assert User.objects.filter(id=alice.id).exists()
    assert Rating.objects.filter(user=alice).count() == 1 and Like.objects.filter(user=alice).count() == 2
    assert Follow.objects.filter(followee=alice).count() == 1
    assert outbox_counts() == before and not Erasure.objects.exists()


@pytest.mark.parametrize("payload", [{}, {"password": ""}], ids=["missing", "blank"])
@pytest.mark.django_db
def test_erasure_without_a_password_is_400(user, client_of, payload):
    response = client_of(user).delete(ME, payload, format="json")

    assert response.status_code == 400
    assert "password" in response.json()["error"]["fields"]
    assert User.objects.filter(id=user.id).exists()


def test_erasure_requires_sign_in(api_client, db):
    assert api_client.delete(ME, {"password": PASSWORD}, format="json").status_code == 401


@pytest.mark.usefixtures("stores")
def test_redaction_waits_for_pending_deliveries(world):
    alice = world[0]
    erasure.erase_account(alice, password=PASSWORD)  # no on_commit: the deliveries stay pending
    assert Delivery.objects.filter(status=Delivery.PENDING, event__key=str(alice.id)).exists()

    assert erasure.redact_erased_outbox() == 0
    assert OutboxEvent.objects.filter(kind="user", key=str(alice.id), event_type="user.deleted").exists()
    assert Erasure.objects.get(user_id=alice.id).outbox_redacted_at is None

    pending = list(Delivery.objects.filter(status=Delivery.PENDING).values_list("event_id", flat=True))
    graph_apply.apply_graph_events(pending)
    assert erasure.redact_erased_outbox() == 1
    assert erasure.redact_erased_outbox() == 0  # idempotent


FOLLOWERS = 4
WRITES_EACH = 6


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("stores")
def test_erasing_under_concurrent_writes_of_followers_loses_none_of_theirs(graph_server):
    leaver = UserFactory()
    followers = [UserFactory() for _ in range(FOLLOWERS)]
    movies = [MovieFactory() for _ in range(WRITES_EACH)]
    for follower in followers:
        social.follow_user(follower, leaver.id)
    social.rate_movie(leaver, movies[0].id, Decimal("4.0"))
    start = threading.Barrier(FOLLOWERS + 1)
    errors: list[BaseException] = []

    def follower_writes(follower) -> None:
        try:
            start.wait()
            for index, movie in enumerate(movies):
                social.rate_movie(follower, movie.id, Decimal("3.5"))
                social.like_movie(follower, movie.id)
                if index == WRITES_EACH // 2:
                    # The leaver may be gone by now: 404, and nothing of the follower's is lost.
                    with contextlib.suppress(NotFound):
                        social.unfollow_user(follower, leaver.id)
                        social.follow_user(follower, leaver.id)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=follower_writes, args=(f,)) for f in followers]
    for thread in threads:
        thread.start()
    start.wait()
    erasure.erase_account(leaver, password=PASSWORD)
    for thread in threads:
        thread.join()

    assert not errors
    for follower in followers:
        assert Rating.objects.filter(user=follower).count() == WRITES_EACH
        assert Like.objects.filter(user=follower).count() == WRITES_EACH
    assert not Follow.objects.filter(followee_id=leaver.id).exists()
    # Deliver whatever a contended graph write left for a retry, as the sweeper would.
    Delivery.objects.filter(status=Delivery.PENDING).update(next_attempt_at=timezone.now())
    graph_apply.apply_graph_events(
        list(Delivery.objects.filter(status=Delivery.PENDING).values_list("event_id", flat=True))
    )
    assert drift_total() == 0
    assert bolt_count(graph_server, "MATCH (u:User {id: $id}) RETURN count(u)", id=leaver.id) == 0
    rated = "MATCH (u:User)-[r:RATED]->() WHERE u.id IN $ids RETURN count(r)"
    assert bolt_count(graph_server, rated, ids=[f.id for f in followers]) == FOLLOWERS * WRITES_EACH
