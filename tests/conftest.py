"""Shared fixtures. Engines are real: Postgres (pgserver or DATABASE_URL), the ArcadeDB Bolt engine
(tests.fixtures_graph), Qdrant (tests.fixtures_vectors); Celery runs tasks inline (test_settings)
unless a test starts a real worker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest_plugins = ["tests.fixtures_graph", "tests.fixtures_vectors"]


@pytest.fixture(autouse=True)
def empty_caches() -> Iterator[None]:
    """Each test starts with empty caches: a debounce key or a throttle count left by the test
    before would otherwise decide whether this one's recompute is enqueued or its request admitted."""
    from django.core.cache import caches

    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(scope="session")
def vector_shard_settings(tmp_path_factory):
    """The process's vector store for API and sync tests: an embedded Edge shard, as `make run` uses."""
    import vectors
    from vectors.settings import VectorSettings

    settings = VectorSettings(path=str(tmp_path_factory.mktemp("vector-shard")))
    vectors.configure(settings)
    vectors.bootstrap()
    yield settings
    vectors.close_vector_store()


@pytest.fixture
def stores(graph, vector_shard_settings, db) -> Iterator[None]:
    """Empty graph and vector projections for a test that follows writes into them."""
    import vectors

    vectors.configure(vector_shard_settings)
    vectors.get_vector_store().clear()
    yield


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def user(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def staff(db):
    from tests.factories import UserFactory

    return UserFactory(is_staff=True)


@pytest.fixture
def client_of(api_client):
    """`client_of(user)`: an APIClient signed in as that user."""
    from rest_framework.test import APIClient

    def signed_in(account):
        client = APIClient()
        client.force_authenticate(account)
        return client

    return signed_in


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit hooks (outbox dispatch, so inline Celery tasks) inside the test transaction."""

    def capture():
        return django_capture_on_commit_callbacks(execute=True)

    return capture
