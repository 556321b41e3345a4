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


def test_states_read_as_values_match_the_model_instance_states():
    from backend.projector import kinds
    from backend.social.models import Follow

    users, movies = [UserFactory() for _ in range(3)], [MovieFactory() for _ in range(2)]
    Rating.objects.bulk_create(Rating(user=u, movie=m, score=Decimal("4.5")) for u in users for m in movies)
    Like.objects.bulk_create(Like(user=u, movie=movies[0]) for u in users)
    Follow.objects.bulk_create(Follow(follower=users[0], followee=u) for u in users[1:])
    for kind in (kinds.RATING, kinds.LIKE, kinds.FOLLOW):
        assert kind.state_of_values is not None
        keys = [kind.key(row) for row in kind.rows()]
        by_instance = {kind.key(row): kind.state(row) for row in kind.lookup(keys)}
        assert len(by_instance) == len(keys) > 0
        assert kind.states([*keys, "999999:999999"]) == by_instance


def test_record_many_writes_the_rows_record_changes_writes():
    from backend.sync.outbox import record_many

    user = UserFactory()
    movies = [MovieFactory() for _ in range(4)]
    Rating.objects.bulk_create(Rating(user=user, movie=m, score=Decimal("2.5")) for m in movies)
    keys = [aggregate_key(user.id, m.id) for m in movies]
    with transaction.atomic():
        events = record_changes("rating", keys[:2], "rating.set")
        assert record_many("rating", [*keys[2:], keys[3], "999999:1"], "rating.set") == 3

    def rows(some: list[str]) -> list[tuple]:
        found = OutboxEvent.objects.filter(kind="rating", key__in=some).order_by("key")
        return [
            (e.event_type, e.version, e.payload, sorted(e.deliveries.values_list("target", "status"))) for e in found
        ]

    assert [r[:3] for r in rows(keys[:2])] == [(e.event_type, e.version, e.payload) for e in events]
    many = rows(keys[2:])
    assert [r[0:2] for r in many] == [("rating.set", 1)] * 2
    assert [r[2]["score"] for r in many] == [2.5, 2.5]
    assert {tuple(r[3]) for r in many} == {tuple(rows(keys[:1])[0][3])}
    assert OutboxEvent.objects.get(kind="rating", key="999999:1").payload is None
