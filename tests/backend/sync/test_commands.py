"""The operator commands: outbox, reconcile, rebuild_graph, rebuild_vectors."""

from io import StringIO

import pytest
from django.core.management import call_command

from backend.social import services as social
from backend.sync.models import Delivery, OutboxEvent
from graph import projection
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.usefixtures("stores")


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_reconcile_prints_drift_per_kind_and_repairs_it(on_commit):
    with on_commit():
        alice, bob = UserFactory(), UserFactory()
        social.follow_user(alice, bob.id)
    projection.clear_all()

    report = run("reconcile")
    assert "graph    user    missing=2 extra=0 stale=0" in report
    assert "graph    follow  missing=1" in report
    assert report.rstrip().endswith("drift: 3 (run with --repair)")

    with on_commit():
        run("reconcile", "--repair")
    assert run("reconcile").rstrip().endswith("drift: 0 (in sync)")


def test_rebuild_commands_report_what_they_wrote(on_commit):
    with on_commit():
        UserFactory()
        MovieFactory()
    assert "'user': 1, 'movie': 1" in run("rebuild_graph")
    assert run("rebuild_vectors").startswith("1 movies embedded")


def test_outbox_lists_retries_and_replays_failed_deliveries(on_commit):
    user = UserFactory()
    event = OutboxEvent.objects.get(kind="user", key=str(user.id))
    Delivery.objects.filter(event=event).update(status=Delivery.FAILED, last_error="GraphRejected: boom")

    listing = run("outbox", "list")
    assert f"{event}" in listing and "GraphRejected: boom" in listing

    with on_commit():
        assert run("outbox", "retry").strip() == "1 deliveries sent again"
    assert Delivery.objects.get(event=event).status == Delivery.DONE
    assert projection.projected_versions("user") == {str(user.id): event.version}

    with on_commit():
        assert run("outbox", "replay", "--from-event", str(event.id)).strip() == "1 deliveries replayed"
    assert Delivery.objects.get(event=event).status == Delivery.DONE
