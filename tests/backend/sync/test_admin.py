"""The admin as an operator sees it: the staff group opens the outbox to `curator`, and the outbox
is append-only there (no add, no delete), with the retry action."""

from __future__ import annotations

import pytest

from backend.accounts.services import grant_staff
from backend.sync.models import Delivery, OutboxEvent
from tests.factories import UserFactory


@pytest.fixture
def operator(db, client):
    user = UserFactory()
    grant_staff(user)
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_a_staff_user_sees_the_outbox_and_its_dead_letters(operator):
    UserFactory()  # records an event with its deliveries

    index = operator.get("/admin/")
    deliveries = operator.get("/admin/sync/delivery/?status=failed")
    events = operator.get("/admin/sync/outboxevent/")

    assert "have permission to view or edit anything" not in index.content.decode()
    assert (deliveries.status_code, events.status_code) == (200, 200)
    assert "Retry the selected failed deliveries" in deliveries.content.decode()


@pytest.mark.django_db
def test_the_outbox_admin_adds_and_deletes_nothing(operator):
    UserFactory()
    event = OutboxEvent.objects.latest("id")
    delivery = Delivery.objects.filter(event=event).first()

    assert operator.get("/admin/sync/outboxevent/add/").status_code == 403
    assert operator.get("/admin/sync/delivery/add/").status_code == 403
    assert operator.post(f"/admin/sync/outboxevent/{event.id}/delete/", {"post": "yes"}).status_code == 403
    assert operator.post(f"/admin/sync/delivery/{delivery.id}/delete/", {"post": "yes"}).status_code == 403
    assert OutboxEvent.objects.filter(id=event.id).exists()
