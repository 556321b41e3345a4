"""Driver boundary: error translation and configuration."""

from __future__ import annotations

import pytest

from graph import driver, schema
from graph.errors import GraphRejected, GraphUnavailable


def test_syntax_error_is_rejected(graph):
    with pytest.raises(GraphRejected, match="SyntaxError"):
        driver.read_rows("MATC (n) RETURN n", {})


def test_constraint_violation_is_rejected(graph):
    driver.write_rows("CREATE (:User {id: $id})", {"id": 1})
    with pytest.raises(GraphRejected, match="ConstraintValidationFailed"):
        driver.write_rows("CREATE (:User {id: $id})", {"id": 1})


def test_bootstrap_is_idempotent(graph):
    schema.bootstrap()
    schema.bootstrap()
    names = {row["name"] for row in driver.read_rows("SHOW CONSTRAINTS", {})}
    assert {name for name, _, _ in schema.CONSTRAINTS} <= names


def test_unconfigured_store_is_unavailable(graph):
    driver.configure(None)
    try:
        with pytest.raises(GraphUnavailable, match="graph store is not configured"):
            driver.get_driver()
        with pytest.raises(GraphUnavailable, match="graph store is not configured"):
            driver.read_rows("RETURN 1 AS one", {})
    finally:
        driver.configure(graph.settings())


def test_driver_is_created_lazily_once_and_recreated_after_close(graph):
    first = driver.get_driver()
    assert driver.get_driver() is first
    driver.close_driver()
    second = driver.get_driver()
    assert second is not first
    assert driver.read_rows("RETURN 1 AS one", {}) == [{"one": 1}]


def test_concurrent_merges_of_one_new_key_all_succeed(graph):
    """ArcadeDB refuses the loser of two MERGEs of a new key (duplicated key on the unique index);
    that race is retried, so no writer sees GraphRejected (a dead letter) for it."""
    import threading

    from graph import driver

    errors: list[Exception] = []

    def merge_all(writer: int) -> None:
        try:
            for key in range(8):
                driver.write_rows(
                    "MERGE (u:User {id: $id}) SET u.writer = $writer", {"id": 5000 + key, "writer": writer}
                )
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=merge_all, args=(writer,)) for writer in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert driver.read_rows("MATCH (u:User) WHERE u.id >= 5000 RETURN count(u) AS n", {}) == [{"n": 8}]
