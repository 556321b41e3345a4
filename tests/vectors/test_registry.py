"""configure / get_vector_store / get_embedder / bootstrap: one lazy client per process."""

import subprocess
import sys
from pathlib import Path

import pytest

import vectors
from vectors.edge_backend import EdgeVectorStore
from vectors.errors import VectorSizeMismatch, VectorStoreUnavailable
from vectors.server_backend import ServerVectorStore
from vectors.settings import VectorSettings

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def configured(tmp_path):
    """Restore an unconfigured registry afterwards so other tests start clean."""
    yield
    vectors.configure(VectorSettings())


def test_import_creates_no_client_and_no_django():
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, vectors; print(sorted({'django', 'torch', 'qdrant_edge', 'qdrant_client'} & set(sys.modules)))",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=False,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == "[]"


def test_store_is_created_once_and_recreated_after_configure(configured, tmp_path):
    vectors.configure(VectorSettings(url=":memory:"))
    first = vectors.get_vector_store()
    assert isinstance(first, ServerVectorStore)
    assert vectors.get_vector_store() is first
    vectors.configure(VectorSettings(path=str(tmp_path / "shard")))
    second = vectors.get_vector_store()
    assert isinstance(second, EdgeVectorStore)
    with pytest.raises(VectorStoreUnavailable):
        first.ping()  # configure closed the previous store


def test_close_vector_store_releases_edge_lock(configured, tmp_path):
    settings = VectorSettings(path=str(tmp_path / "shard"))
    vectors.configure(settings)
    vectors.get_vector_store()
    vectors.close_vector_store()
    EdgeVectorStore(settings).close()  # would raise VectorShardLocked if still held


def test_unconfigured_store_is_unavailable(configured):
    vectors.configure(VectorSettings())
    with pytest.raises(VectorStoreUnavailable):
        vectors.get_vector_store()


def test_embedder_is_loaded_once(configured):
    vectors.configure(VectorSettings(url=":memory:"))
    assert vectors.get_embedder() is vectors.get_embedder()


class CountedEmbedder:
    """Stands in for Embedder so reloads can be counted without loading a model."""

    loads: list["CountedEmbedder"] = []

    def __init__(self, settings: VectorSettings) -> None:
        self.settings = settings
        CountedEmbedder.loads.append(self)


@pytest.fixture
def counted_embedder(monkeypatch, configured):
    monkeypatch.setattr(CountedEmbedder, "loads", [])
    monkeypatch.setattr(vectors, "Embedder", CountedEmbedder)
    # Start without an embedder and put back whatever was loaded before, so neither a
    # real model leaks into these tests nor a stand-in out of them.
    monkeypatch.setattr(vectors, "_embedder", None)
    return CountedEmbedder


def test_configure_keeps_embedder_when_only_the_store_changes(counted_embedder):
    vectors.configure(VectorSettings(url=":memory:"))
    loaded = vectors.get_embedder()
    # A store outage and recovery, as tests simulate it: the model is not reloaded.
    vectors.configure(VectorSettings(url="http://127.0.0.1:9", timeout_seconds=0.1))
    with pytest.raises(VectorStoreUnavailable):
        vectors.get_vector_store().ping()
    vectors.configure(VectorSettings(url=":memory:", search_ef=64))
    assert vectors.get_embedder() is loaded
    assert counted_embedder.loads == [loaded]


@pytest.mark.parametrize(
    "changed",
    [
        {"embedding_model": "/models/other"},
        {"embedding_device": "cuda"},
        {"embedding_batch_size": 8},
    ],
    ids=lambda changed: next(iter(changed)),
)
def test_configure_reloads_embedder_when_embedding_settings_change(counted_embedder, changed):
    vectors.configure(VectorSettings(url=":memory:"))
    first = vectors.get_embedder()
    changed_settings = VectorSettings(url=":memory:", **changed)
    vectors.configure(changed_settings)
    second = vectors.get_embedder()
    assert second is not first
    assert second.settings == changed_settings
    assert counted_embedder.loads == [first, second]


def test_bootstrap_is_idempotent_and_detects_model_change(configured, tmp_path):
    settings = VectorSettings(path=str(tmp_path / "shard"))
    vectors.configure(settings)
    vectors.bootstrap()
    vectors.bootstrap()
    assert vectors.get_vector_store().count() == 0
    vectors.close_vector_store()

    small = EdgeVectorStore(VectorSettings(path=str(tmp_path / "small")))
    small.ensure_collection(8)
    small.close()
    vectors.configure(VectorSettings(path=str(tmp_path / "small")))
    with pytest.raises(VectorSizeMismatch, match="8-dimensional.*384-dimensional"):
        vectors.bootstrap()
