"""Duplicated and reordered deliveries end in Postgres's state (property-based).

Random write sequences run through the services; their graph events are then applied in a random
order with duplicates, as racing workers and redelivered messages would apply them. Whatever the
order, the graph must equal Postgres.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.catalog.models import Movie
from backend.projector import graph_apply
from backend.projector.reconcile import graph_drift
from backend.social import services as social
from backend.sync.models import AggregateVersion, OutboxEvent
from graph import projection
from tests.factories import MovieFactory, UserFactory

USERS, MOVIES = 3, 2

operation = st.one_of(
    st.tuples(st.sampled_from(["follow", "unfollow"]), st.integers(0, USERS - 1), st.integers(0, USERS - 1)),
    st.tuples(st.sampled_from(["like", "unlike", "unrate"]), st.integers(0, USERS - 1), st.integers(0, MOVIES - 1)),
    st.tuples(st.just("rate"), st.integers(0, USERS - 1), st.integers(0, MOVIES - 1), st.integers(1, 10)),
)


def run(op, users, movies) -> None:
    name, who, what = op[0], users[op[1]], op[2]
    if name in ("follow", "unfollow"):
        if who.id != users[what].id:
            getattr(social, f"{name}_user")(who, users[what].id)
    elif name == "rate":
        social.rate_movie(who, movies[what].id, Decimal(op[3]) / 2)
    else:
        getattr(social, f"{name}_movie")(who, movies[what].id)


@pytest.mark.usefixtures("stores")
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, min_size=1, max_size=25), data=st.data())
def test_any_order_with_duplicates_ends_in_postgres_state(ops, data):
    # Examples share the test's transaction: start each from empty stores.
    projection.clear_all()
    for model in (OutboxEvent, AggregateVersion, Movie, get_user_model()):
        model.objects.all().delete()
    users = [UserFactory() for _ in range(USERS)]
    movies = [MovieFactory() for _ in range(MOVIES)]
    for op in ops:
        run(op, users, movies)

    events = list(OutboxEvent.objects.exclude(kind="movie").order_by("id"))
    # Each event at least once, some twice, in any order: the version guards sort it out.
    deliveries = events + data.draw(st.lists(st.sampled_from(events), max_size=len(events)))
    for event in data.draw(st.permutations(deliveries)):
        graph_apply.apply_event(event)

    assert [d.summary() for d in graph_drift() if d.kind != "movie" and d.total] == []
