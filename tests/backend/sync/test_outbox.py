"""The outbox records exactly one event per change, in the change's own transaction."""

from decimal import Decimal

import pytest
from django.db import transaction

from backend.social import services as social
from backend.sync.models import AggregateVersion, Delivery, OutboxEvent
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.django_db


def events_of(kind: str, key: str) -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(kind=kind, key=key).order_by("version"))


def test_follow_unfollow_follow_records_three_versions_with_full_state():
    alice, bob = UserFactory(), UserFactory()
    social.follow_user(alice, bob.id)
    social.unfollow_user(alice, bob.id)
    social.follow_user(alice, bob.id)

    events = events_of("follow", f"{alice.id}:{bob.id}")
    assert [e.version for e in events] == [1, 2, 3]
    assert [e.event_type for e in events] == ["follow.created", "follow.deleted", "follow.created"]
    assert events[1].payload is None and "since" in events[2].payload
    assert AggregateVersion.objects.get(kind="follow", key=f"{alice.id}:{bob.id}").version == 3


def test_repeated_writes_record_no_event():
    user, movie = UserFactory(), MovieFactory()
    social.rate_movie(user, movie.id, Decimal("4.5"))
    social.rate_movie(user, movie.id, Decimal("4.5"))
    social.like_movie(user, movie.id)
    social.like_movie(user, movie.id)
    social.unfollow_user(user, UserFactory().id)

    assert len(events_of("rating", f"{user.id}:{movie.id}")) == 1
    assert len(events_of("like", f"{user.id}:{movie.id}")) == 1
    assert not OutboxEvent.objects.filter(kind="follow").exists()


@pytest.mark.parametrize(
    ("kind", "targets"),
    [("movie", {Delivery.GRAPH, Delivery.VECTORS}), ("user", {Delivery.GRAPH})],
)
def test_each_event_gets_one_pending_delivery_per_target(kind, targets):
    entity = MovieFactory() if kind == "movie" else UserFactory()
    event = events_of(kind, str(entity.id))[-1]
    deliveries = Delivery.objects.filter(event=event)
    assert {d.target for d in deliveries} == targets
    assert {d.status for d in deliveries} == {Delivery.PENDING}


def test_a_rolled_back_write_leaves_no_event():
    alice, bob = UserFactory(), UserFactory()
    before = OutboxEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        from backend.social.models import Follow
        from backend.sync.outbox import record_change

        Follow.objects.create(follower=alice, followee=bob)
        record_change("follow", f"{alice.id}:{bob.id}", "follow.created")
        raise RuntimeError("the request failed after the write")
    assert OutboxEvent.objects.count() == before
    assert not AggregateVersion.objects.filter(kind="follow").exists()


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused():
    from backend.sync.outbox import record_change

    with pytest.raises(RuntimeError, match="inside the transaction"):
        record_change("user", "1", "user.updated")
