"""The graph's uniqueness constraints: the one place schema is declared.

Each constraint also gives the index every `MERGE` on a Postgres id relies on.
"""

from __future__ import annotations

from neo4j import ManagedTransaction

from graph import driver

# (name, label, property); names are stable so IF NOT EXISTS makes bootstrap idempotent.
CONSTRAINTS: tuple[tuple[str, str, str], ...] = (
    ("user_id_unique", "User", "id"),
    ("movie_id_unique", "Movie", "id"),
    ("person_id_unique", "Person", "id"),
    ("genre_name_unique", "Genre", "name"),
    ("tombstone_key_unique", "Tombstone", "key"),
)

# Labels and property keys cannot be parameters in Cypher DDL; these statements
# are built once from the constant table above, never from caller input.
_CONSTRAINT_STATEMENTS: tuple[str, ...] = tuple(
    f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label}) REQUIRE n.{prop} IS UNIQUE"
    for name, label, prop in CONSTRAINTS
)


def _create_constraint(tx: ManagedTransaction, statement: str) -> None:
    tx.run(statement).consume()


def bootstrap() -> None:
    """Create every uniqueness constraint if missing. Idempotent; one schema transaction each."""
    for statement in _CONSTRAINT_STATEMENTS:
        driver.write(_create_constraint, statement=statement)
