"""Rebuilds are serialized against each other and against deliveries (a Postgres advisory lock per
target), and /api/health/ says "drift" while the last reconcile found a projection out of line."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from backend.projector import graph_apply, reconcile
from backend.projector.rebuild import rebuild_graph
from backend.sync import locks
from graph import projection
from tests.factories import UserFactory


def waiting_for_advisory_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        return cursor.fetchone()[0] > 0


def in_thread(work, results: list, errors: list) -> threading.Thread:
    def run() -> None:
        try:
            results.append(work())
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_a_delivery_waits_while_a_rebuild_holds_the_graph(stores):
    holding, release = threading.Event(), threading.Event()

    def rebuild_in_progress() -> None:
        with transaction.atomic():
            locks.hold_exclusive("graph")
            holding.set()
            release.wait(20)

    results: list = []
    errors: list = []
    rebuild = in_thread(rebuild_in_progress, results, errors)
    assert holding.wait(10)
    delivery = in_thread(lambda: graph_apply.apply_graph_events([]), results, errors)
    deadline = time.monotonic() + 10
    while not waiting_for_advisory_lock():
        assert time.monotonic() < deadline, "the delivery never waited for the lock"
        time.sleep(0.02)

    assert delivery.is_alive()
    release.set()
    delivery.join(10)
    rebuild.join(10)
    assert errors == [] and not delivery.is_alive()


@pytest.mark.django_db(transaction=True)
def test_concurrent_rebuilds_end_with_the_graph_equal_to_postgres(stores):
    for _ in range(6):
        UserFactory()
    results: list = []
    errors: list = []

    threads = [in_thread(rebuild_graph, results, errors) for _ in range(3)]
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert [r["user"] for r in results] == [6, 6, 6]
    assert sum(d.total for d in reconcile.graph_drift()) == 0


@pytest.mark.django_db
def test_health_says_drift_until_a_reconcile_repairs_it(stores, api_client, on_commit):
    with on_commit():
        UserFactory()
    projection.clear_all()  # the graph loses what Postgres holds

    reconcile.reconcile(repair=False)
    drifted = api_client.get("/api/health/").json()
    with on_commit():
        reconcile.reconcile(repair=True)
    reconcile.reconcile(repair=False)
    healed = api_client.get("/api/health/").json()

    assert drifted["status"] == "drift" and drifted["drifted"] == ["graph"]
    assert drifted["sync"]["graph"]["drift"] == 1
    assert healed["drifted"] == [] and healed["sync"]["graph"]["drift"] == 0
