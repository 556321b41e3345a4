"""Graph deliveries are applied per kind in batches; a bad event in a batch fails alone."""

from decimal import Decimal

import pytest

from backend.projector.graph_apply import apply_graph_events
from backend.social import services as social
from backend.sync.models import Delivery, OutboxEvent
from graph import projection
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.usefixtures("stores")


def test_a_batch_of_every_kind_is_applied_and_marked_done():
    alice, bob = UserFactory(), UserFactory()
    movie = MovieFactory()
    social.follow_user(alice, bob.id)
    social.like_movie(alice, movie.id)
    social.rate_movie(bob, movie.id, Decimal("4.0"))
    event_ids = list(OutboxEvent.objects.values_list("id", flat=True))

    assert apply_graph_events(event_ids) == len(event_ids)
    assert set(Delivery.objects.filter(target=Delivery.GRAPH).values_list("status", flat=True)) == {Delivery.DONE}
    assert projection.projected_versions("follow") == {f"{alice.id}:{bob.id}": 1}
    assert set(projection.projected_versions("user")) == {str(alice.id), str(bob.id)}


def test_a_rejected_event_is_dead_lettered_and_the_rest_of_its_batch_applied():
    users, movie = [UserFactory() for _ in range(3)], MovieFactory()
    for user in users:
        social.rate_movie(user, movie.id, Decimal("3.0"))
    ratings = list(OutboxEvent.objects.filter(kind="rating").order_by("id"))
    OutboxEvent.objects.filter(id=ratings[1].id).update(payload={"score": "three", "at": "2026-01-01T00:00:00+00:00"})

    apply_graph_events(list(OutboxEvent.objects.values_list("id", flat=True)))
    statuses = {d.event_id: d.status for d in Delivery.objects.filter(event__kind="rating", target=Delivery.GRAPH)}
    assert statuses == {ratings[0].id: Delivery.DONE, ratings[1].id: Delivery.FAILED, ratings[2].id: Delivery.DONE}
    assert set(projection.projected_versions("rating")) == {f"{users[0].id}:{movie.id}", f"{users[2].id}:{movie.id}"}


def test_an_older_event_in_the_batch_is_done_without_being_applied():
    alice, bob = UserFactory(), UserFactory()
    social.follow_user(alice, bob.id)
    social.unfollow_user(alice, bob.id)
    apply_graph_events(list(OutboxEvent.objects.values_list("id", flat=True)))
    assert projection.projected_versions("follow") == {}
    assert not Delivery.objects.filter(target=Delivery.GRAPH).exclude(status=Delivery.DONE).exists()
