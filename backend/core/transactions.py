"""The transaction a write service runs in.

A service called by a client's request is the top-level action: its transaction is durable (it
must commit on its own). The same service called by another service or by a bulk importer runs
inside the caller's transaction, as a savepoint, so many writes and their events commit as one.
This is Zulip's pattern for its `do_*` actions; `ATOMIC_REQUESTS` stays off so the boundary shows.
"""

from __future__ import annotations

from django.db import connection, transaction


def service_transaction() -> transaction.Atomic:
    return transaction.atomic(durable=not connection.in_atomic_block)
