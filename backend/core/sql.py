"""Parameters for raw SQL that psycopg would otherwise bind slowly."""

from __future__ import annotations

from collections.abc import Iterable


def int_array(values: Iterable[int]) -> str:
    """Ints as one Postgres array literal, bound as `%s::bigint[]`. Django binds parameters on the
    client, where psycopg quotes a Python list element by element in Python; hot reads pass
    hundreds of ids a request, and this is one join."""
    return "{" + ",".join(map(str, map(int, values))) + "}"
