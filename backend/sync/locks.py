"""Postgres advisory locks that order the writers of a projection: a rebuild (which empties the
graph and writes it again) holds its target's lock alone; deliveries share it. So two rebuilds never
interleave, and no event is applied into a graph a rebuild is halfway through.

Transaction-scoped (`pg_advisory_xact_lock`): released at commit or rollback, and by Postgres if the
holder's connection dies. https://www.postgresql.org/docs/16/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS
"""

from __future__ import annotations

from django.db import connection, transaction

# One key per target, in a namespace of this project's own (the first int of the two-int form).
_NAMESPACE = 0x5C1E
_TARGET_KEYS = {"graph": 1, "vectors": 2}


def _take(function: str, target: str) -> None:
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("a projection lock is held by a transaction")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [_NAMESPACE, _TARGET_KEYS[target]])


def hold_exclusive(target: str) -> None:
    """Wait until no delivery or rebuild of `target` runs, then keep them out until commit."""
    _take("pg_advisory_xact_lock", target)


def hold_shared(target: str) -> None:
    """Wait while a rebuild of `target` runs; deliveries hold this together."""
    _take("pg_advisory_xact_lock_shared", target)
