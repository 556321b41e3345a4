"""Edge-only guarantees: persistence, crash durability, single-process lock, HNSW build."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from tests.fixtures_vectors import CONTRACT_DIMENSION, movie_point, unit_vectors
from vectors.edge_backend import EDGE_CONFIG_FILE_NAME, EdgeVectorStore
from vectors.errors import VectorShardLocked, VectorStoreUnavailable
from vectors.settings import SCALAR_INT8, VectorSettings
from vectors.types import SearchFilter

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter (a real second process) from the project root."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=False,
        text=True,
        timeout=120,
    )


@pytest.fixture
def shard_settings(tmp_path) -> VectorSettings:
    return VectorSettings(path=str(tmp_path / "shard"))


def test_points_survive_close_and_reopen(shard_settings):
    vectors = unit_vectors(5, CONTRACT_DIMENSION, seed=5)
    store = EdgeVectorStore(shard_settings)
    store.ensure_collection(CONTRACT_DIMENSION)
    store.upsert([movie_point(i + 1, vectors[i], genres=("Heist",), version=i) for i in range(5)])
    store.close()

    reopened = EdgeVectorStore(shard_settings)
    try:
        reopened.ensure_collection(CONTRACT_DIMENSION)
        assert reopened.count() == 5
        assert reopened.stored_versions([1, 5]) == {1: 0, 5: 4}
        hits = reopened.search(vectors[2], limit=5, search_filter=SearchFilter(genre="Heist"))
        assert hits[0].movie_id == 3 and len(hits) == 5
    finally:
        reopened.close()


def test_writes_survive_a_crash_without_close(shard_settings):
    crashed = run_python(
        f"""
        import os
        from tests.fixtures_vectors import movie_point
        from vectors.edge_backend import EDGE_CONFIG_FILE_NAME, EdgeVectorStore
        from vectors.settings import SCALAR_INT8, VectorSettings
        store = EdgeVectorStore(VectorSettings(path={shard_settings.path!r}))
        store.ensure_collection(4)
        store.upsert([movie_point(42, [1.0, 0.0, 0.0, 0.0], version=7)])
        os._exit(0)  # no close(), no flush: only the write-ahead log has the point
        """
    )
    assert crashed.returncode == 0, crashed.stderr
    store = EdgeVectorStore(shard_settings)
    try:
        assert store.stored_versions([42]) == {42: 7}
    finally:
        store.close()


def test_second_process_gets_shard_locked_with_clear_message(shard_settings):
    store = EdgeVectorStore(shard_settings)
    store.ensure_collection(CONTRACT_DIMENSION)
    try:
        second = run_python(
            f"""
            from vectors.edge_backend import EDGE_CONFIG_FILE_NAME, EdgeVectorStore
            from vectors.errors import VectorShardLocked
            from vectors.settings import SCALAR_INT8, VectorSettings
            try:
                EdgeVectorStore(VectorSettings(path={shard_settings.path!r}))
            except VectorShardLocked as error:
                print("LOCKED:", error)
            else:
                print("OPENED")
            """
        )
        assert second.returncode == 0, second.stderr
        assert second.stdout.startswith("LOCKED:")
        assert "single-process" in second.stdout and "QDRANT_URL" in second.stdout
    finally:
        store.close()


def test_lock_is_released_on_close_for_the_next_process(shard_settings):
    store = EdgeVectorStore(shard_settings)
    store.ensure_collection(CONTRACT_DIMENSION)
    store.upsert([movie_point(1, unit_vectors(1, CONTRACT_DIMENSION, seed=0)[0])])
    store.close()
    second = run_python(
        f"""
        from vectors.edge_backend import EDGE_CONFIG_FILE_NAME, EdgeVectorStore
        from vectors.settings import SCALAR_INT8, VectorSettings
        print(EdgeVectorStore(VectorSettings(path={shard_settings.path!r})).count())
        """
    )
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "1"


def test_second_open_in_same_process_is_locked_too(shard_settings):
    store = EdgeVectorStore(shard_settings)
    try:
        with pytest.raises(VectorShardLocked):
            EdgeVectorStore(shard_settings)
    finally:
        store.close()


def test_operations_before_ensure_collection_are_unavailable(shard_settings):
    store = EdgeVectorStore(shard_settings)
    try:
        store.ping()  # a directory without a shard yet is a healthy, empty store
        with pytest.raises(VectorStoreUnavailable, match="bootstrap"):
            store.count()
    finally:
        store.close()


def test_optimize_builds_hnsw_index_over_all_points(shard_settings):
    dimension = 384
    count = 8_000  # above Qdrant's default 10 MB indexing threshold at 384-d
    vectors = unit_vectors(count, dimension, seed=6)
    store = EdgeVectorStore(shard_settings)
    try:
        store.ensure_collection(dimension)
        for start in range(0, count, 1_000):
            store.upsert([movie_point(i + 1, vectors[i]) for i in range(start, start + 1_000)])
        assert store.indexed_vectors_count() == 0
        store.optimize()
        assert store.indexed_vectors_count() == count
        assert store.search(vectors[123], limit=1)[0].movie_id == 124
    finally:
        store.close()


def test_numpy_float64_vector_is_accepted(shard_settings):
    store = EdgeVectorStore(shard_settings)
    try:
        store.ensure_collection(CONTRACT_DIMENSION)
        vector = np.ones(CONTRACT_DIMENSION, dtype=np.float64)
        store.upsert([movie_point(1, vector)])
        assert store.search(vector, limit=1)[0].movie_id == 1
    finally:
        store.close()


def test_scalar_quantized_shard_is_created_int8_and_answers_searches(tmp_path):
    settings = VectorSettings(path=str(tmp_path / "shard"), quantization=SCALAR_INT8)
    vectors = unit_vectors(50, CONTRACT_DIMENSION, seed=9)
    store = EdgeVectorStore(settings)
    store.ensure_collection(CONTRACT_DIMENSION)
    store.upsert([movie_point(i + 1, vectors[i]) for i in range(50)])
    store.optimize()
    hits = store.search(vectors[7], limit=3)
    store.close()
    config = json.loads((tmp_path / "shard" / EDGE_CONFIG_FILE_NAME).read_text())
    assert "scalar" in json.dumps(config["quantization_config"] or config["vectors"][""]["quantization_config"])
    assert hits[0].movie_id == 8
