"""The kinds of aggregate the outbox carries.

Each kind is declared once, by the projector (`backend.projector.kinds`), and registered here when
the apps load. The outbox reads a kind's current state through its registration, so it records the
same event whoever writes (a service, a bulk importer, a repair) and knows no model itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class AggregateKind(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def targets(self) -> tuple[str, ...]:
        """The projections this kind's events are delivered to (Delivery.GRAPH, Delivery.VECTORS)."""
        ...

    def states(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The current JSON state of each key that exists (absent keys: deleted), in one query."""
        ...


_kinds: dict[str, AggregateKind] = {}


def register(kind: AggregateKind) -> None:
    _kinds[kind.name] = kind


def get(name: str) -> AggregateKind:
    try:
        return _kinds[name]
    except KeyError:
        raise ValueError(f"unknown aggregate kind {name!r}; registered: {sorted(_kinds)}") from None
