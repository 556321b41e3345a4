"""Services compose: durable at the top, a savepoint inside a caller's transaction."""

import pytest
from django.db import transaction

from backend.core.errors import NotFound
from backend.social import services as social
from backend.social.models import Follow
from backend.sync.models import OutboxEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_services_called_inside_a_transaction_commit_with_it_or_not_at_all():
    alice, bob, carol = UserFactory(), UserFactory(), UserFactory()
    before = OutboxEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        social.follow_user(alice, bob.id)
        social.follow_user(alice, carol.id)
        raise RuntimeError("the caller fails after both writes")
    assert not Follow.objects.exists()
    assert OutboxEvent.objects.count() == before

    with transaction.atomic():
        social.follow_user(alice, bob.id)
        social.follow_user(alice, carol.id)
    assert Follow.objects.count() == 2
    assert OutboxEvent.objects.filter(kind="follow").count() == 2


def test_a_failing_nested_service_rolls_back_only_its_savepoint():
    alice, bob = UserFactory(), UserFactory()
    with transaction.atomic():
        social.follow_user(alice, bob.id)
        with pytest.raises(NotFound):
            social.follow_user(alice, 10**9)
    assert Follow.objects.filter(follower=alice, followee=bob).exists()
