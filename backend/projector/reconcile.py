"""Compares Postgres with the graph and vector projections and, when asked, repairs the drift by
recording fresh outbox events (so repairs travel the same reliable path as every write)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection, transaction

import vectors
from backend.projector import kinds
from backend.sync import monitoring
from backend.sync.outbox import record_changes
from graph import projection

SAMPLE_SIZE = 10

_RAISE_VERSIONS = """
    INSERT INTO sync_aggregateversion (kind, key, version)
    SELECT %s, key, version FROM unnest(%s::text[], %s::bigint[]) AS t(key, version)
    ON CONFLICT (kind, key) DO UPDATE SET version = GREATEST(sync_aggregateversion.version, EXCLUDED.version)
"""


@dataclass
class Drift:
    target: str
    kind: str
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    # The projection's version of each extra key: a repairing delete must outrank it.
    extra_versions: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.missing) + len(self.extra) + len(self.stale)

    def summary(self) -> dict:
        return {
            "target": self.target,
            "kind": self.kind,
            "missing": len(self.missing),
            "extra": len(self.extra),
            "stale": len(self.stale),
            "sample": (self.missing + self.stale + self.extra)[:SAMPLE_SIZE],
        }


def _compare(target: str, kind: str, expected: dict[str, int], found: dict[str, int]) -> Drift:
    extra = sorted(set(found) - set(expected))
    return Drift(
        target=target,
        kind=kind,
        missing=sorted(set(expected) - set(found)),
        extra=extra,
        stale=sorted(key for key in set(expected) & set(found) if expected[key] != found[key]),
        extra_versions={key: found[key] for key in extra},
    )


def graph_drift() -> list[Drift]:
    return [
        _compare("graph", kind.name, kind.live_versions(), projection.projected_versions(kind.name))
        for kind in kinds.KINDS.values()
        if kind.graph is not None
    ]


def vector_drift() -> Drift:
    """Movies whose vector is missing, extra, of another version, or embeds another text."""
    kind, form = kinds.MOVIE, kinds.MOVIE.vectors
    assert form is not None
    expected_hashes = {}
    for chunk in kind.chunks():
        for movie in chunk:
            expected_hashes[kind.key(movie)] = kinds.movie_text_hash(kind.state(movie))
    stored = {str(s.movie_id): s for s in vectors.get_vector_store().stored_movies()}
    drift = _compare("vectors", kind.name, kind.live_versions(), {key: s.version for key, s in stored.items()})
    wrong_text = {key for key, s in stored.items() if key in expected_hashes and s.content_hash != expected_hashes[key]}
    drift.stale = sorted(set(drift.stale) | wrong_text)
    return drift


def reconcile(*, repair: bool) -> list[Drift]:
    """Drift per target and kind; with `repair`, events that bring each projection back in line."""
    drifts = [*graph_drift(), vector_drift()]
    for target in {drift.target for drift in drifts}:
        detail = {
            d.kind: {"missing": len(d.missing), "extra": len(d.extra), "stale": len(d.stale)}
            for d in drifts
            if d.target == target
        }
        monitoring.record_reconcile(target, detail, repaired=repair)
    if repair:
        for drift in drifts:
            if drift.total:
                repair_drift(drift)
    return drifts


def repair_drift(drift: Drift) -> int:
    """Re-send the current state of missing and stale keys and a delete for extra ones."""
    with transaction.atomic():
        events = record_changes(drift.kind, drift.missing + drift.stale, f"{drift.kind}.repaired")
        if drift.extra:
            # A delete must outrank what the projection holds, or its version guard ignores it.
            with connection.cursor() as cursor:
                cursor.execute(
                    _RAISE_VERSIONS, [drift.kind, drift.extra, [drift.extra_versions[key] for key in drift.extra]]
                )
            events += record_changes(drift.kind, drift.extra, f"{drift.kind}.deleted")
    return len(events)
