"""The bulk path: `record_changes` records, for many aggregates at once, exactly the events that
single writes record, reading each state through its kind's declaration."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from backend.social import services as social
from backend.social.models import Like, Rating
from backend.sync.models import Delivery, OutboxEvent
from backend.sync.outbox import aggregate_key, record_changes
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.django_db


def last_event(kind: str, key: str) -> OutboxEvent:
    return OutboxEvent.objects.filter(kind=kind, key=key).latest("version")


def test_bulk_records_the_same_events_as_single_writes():
    users, movie = [UserFactory() for _ in range(3)], MovieFactory()
    social.rate_movie(users[0], movie.id, Decimal("3.5"))
    single = last_event("rating", aggregate_key(users[0].id, movie.id))

    with transaction.atomic():
        Rating.objects.bulk_create(Rating(user=u, movie=movie, score=Decimal("3.5")) for u in users[1:])
        bulk = record_changes("rating", [aggregate_key(u.id, movie.id) for u in users[1:]], "rating.set")

    assert [e.version for e in bulk] == [1, 1]
    for event in bulk:
        assert (event.kind, event.event_type, set(event.payload)) == (
            single.kind,
            single.event_type,
            set(single.payload),
        )
        assert event.payload["score"] == 3.5
        assert set(event.deliveries.values_list("target", flat=True)) == {Delivery.GRAPH}


def test_one_call_takes_a_fixed_number_of_statements_whatever_its_size():
    user = UserFactory()
    movies = [MovieFactory() for _ in range(30)]
    Like.objects.bulk_create(Like(user=user, movie=m) for m in movies)

    def statements(count: int) -> int:
        keys = [aggregate_key(user.id, m.id) for m in movies[:count]]
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            record_changes("like", keys, "like.created")
        return len(queries)

    assert statements(3) == statements(30)


def test_a_key_gone_from_postgres_is_recorded_as_deleted_and_repeats_are_one_event():
    user, movie = UserFactory(), MovieFactory()
    key = aggregate_key(user.id, movie.id)
    with transaction.atomic():
        events = record_changes("like", [key, key], "like.deleted")
    assert len(events) == 1 and events[0].payload is None


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown aggregate kind"), transaction.atomic():
        record_changes("comment", ["1"], "comment.created")
