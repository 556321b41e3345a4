"""The write side: keeps the graph a projection of Postgres, fed by the outbox.

Every change carries the full state of one aggregate at a version that grows per aggregate key
(or None: the aggregate was deleted). `apply` writes a batch of changes of one kind in one write
transaction (one `UNWIND $rows` query for the upserts, one for the deletes), idempotent and
order-independent, row by row:

* the version is stored on the node or relationship itself (`version`);
* a delete leaves `(:Tombstone {key, version})` so an older upsert arriving later does not
  resurrect the entity; a newer upsert removes the tombstone;
* a change applies only if its version is newer than both;
* relationship changes MERGE their endpoint nodes by id (placeholders without `version` until
  the user/movie change arrives) and are skipped once an endpoint is tombstoned (Postgres ids
  are never reused).

Each kind is declared once below (`USERS`, `MOVIES`, `FOLLOWS`, `LIKES`, `RATINGS`); its Cypher
is generated from that declaration, from constants only, never from input. Aggregate keys: user
"12", movie "5", follow "12:34" (follower:followee), like and rating "12:5" (user:movie).
Tombstone keys prefix the kind: "follow:12:34".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from graph import driver
from graph.types import Versioned, to_epoch_seconds

# Rows per UNWIND transaction, and per delete batch in clear_all: large enough to amortize a
# round trip and a commit, small enough that one transaction stays well under the engine's
# per-command timeout and heap limits (ArcadeDB keeps a transaction's changes in memory).
BATCH_SIZE = 2_000
CLEAR_BATCH_SIZE = 20_000
# Rows per read of `projected_versions`: the engine returns a few thousand rows a second on a busy
# 2-core machine, so a page stays a few seconds under its 10 s per-command timeout (one scan of
# 100k relationships did not).
VERSIONS_PAGE_SIZE = 5_000
# Below every Postgres id (ids are positive): the keyset cursor before the first page.
_BEFORE_EVERY_ID = -(2**63)

Coerce = Callable[[Any], Any]


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    return value


def flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected a boolean, got {value!r}")
    return value


def number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {value!r}")
    return float(value)


def optional_year(value: Any) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValueError(f"expected a year or null, got {value!r}")
    return value


def moment(value: Any) -> float:
    """A time as stored: float epoch seconds, from a datetime or the ISO 8601 text JSON carries."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise ValueError(f"expected a time, got {value!r}")
    return to_epoch_seconds(value)


def tombstone_key(kind: str, key: str) -> str:
    return f"{kind}:{key}"


@dataclass(frozen=True)
class NodeProjection:
    """An aggregate stored as one node labelled `label`, keyed by `id`, with `fields` as properties."""

    kind: str
    label: str
    fields: Mapping[str, Coerce]

    def params(self, change: Versioned) -> dict[str, Any]:
        (node_id,) = change.ids
        row: dict[str, Any] = {
            "id": node_id,
            "version": change.version,
            "tombstone_key": tombstone_key(self.kind, change.key),
        }
        if change.state is not None:
            row |= {name: coerce(change.state[name]) for name, coerce in self.fields.items()}
        return row

    @cached_property
    def upsert_query(self) -> str:
        assignments = ", ".join(f"n.{name} = row.{name}" for name in self.fields)
        return f"""
UNWIND $rows AS row
OPTIONAL MATCH (t:Tombstone {{key: row.tombstone_key}})
WITH row, t WHERE t IS NULL OR t.version < row.version
MERGE (n:{self.label} {{id: row.id}})
WITH row, t, n WHERE n.version IS NULL OR n.version < row.version
SET {assignments}, n.version = row.version
FOREACH (stale IN CASE WHEN t IS NULL THEN [] ELSE [t] END | DELETE stale)
{self.relationships_cypher()}
RETURN count(n) AS applied
"""

    def relationships_cypher(self) -> str:
        """Cypher run per upserted node `n` (with its `row`), for what the node owns."""
        return ""

    @cached_property
    def delete_query(self) -> str:
        return f"""
UNWIND $rows AS row
OPTIONAL MATCH (t:Tombstone {{key: row.tombstone_key}})
OPTIONAL MATCH (n:{self.label} {{id: row.id}})
WITH row, t, n WHERE coalesce(t.version, -1) < row.version AND coalesce(n.version, -1) < row.version
MERGE (tomb:Tombstone {{key: row.tombstone_key}})
SET tomb.version = row.version
WITH tomb, n
DETACH DELETE n
RETURN count(tomb) AS applied
"""

    @cached_property
    def versions_page_query(self) -> str:
        """The next `$limit` versioned nodes with an id above `$after`, by id (a keyset page)."""
        return (
            f"MATCH (n:{self.label}) WHERE n.id > $after AND n.version IS NOT NULL "
            "RETURN n.id AS a, n.version AS version ORDER BY a LIMIT $limit"
        )


def _credits(people: Sequence[Mapping[str, Any]], role: str) -> list[dict[str, Any]]:
    return [{"person_id": int(p["person_id"]), "name": text(p["name"])} for p in people if p["role"] == role]


@dataclass(frozen=True)
class MovieProjection(NodeProjection):
    """A movie node owns exactly its IN_GENRE edges to shared Genre nodes and the ACTED_IN and
    DIRECTED edges of shared Person nodes (MERGEd by name and id; a person's name is
    last-writer-wins). The state's `genres` is a list of names and `people` a list of
    {person_id, name, role} with role ACTED_IN or DIRECTED."""

    def params(self, change: Versioned) -> dict[str, Any]:
        row = super().params(change)
        if change.state is not None:
            people = change.state.get("people", ())
            row |= {
                "genres": sorted({text(name) for name in change.state.get("genres", ())}),
                "actors": _credits(people, "ACTED_IN"),
                "directors": _credits(people, "DIRECTED"),
            }
        return row

    def relationships_cypher(self) -> str:
        return """
WITH row, n
OPTIONAL MATCH (n)-[old_genre:IN_GENRE]->(:Genre)
DELETE old_genre
WITH DISTINCT row, n
OPTIONAL MATCH (n)<-[old_credit:ACTED_IN|DIRECTED]-(:Person)
DELETE old_credit
WITH DISTINCT row, n
FOREACH (name IN row.genres | MERGE (g:Genre {name: name}) MERGE (n)-[:IN_GENRE]->(g))
FOREACH (p IN row.actors | MERGE (x:Person {id: p.person_id}) SET x.name = p.name MERGE (x)-[:ACTED_IN]->(n))
FOREACH (p IN row.directors | MERGE (x:Person {id: p.person_id}) SET x.name = p.name MERGE (x)-[:DIRECTED]->(n))
"""


@dataclass(frozen=True)
class EdgeProjection:
    """An aggregate stored as one `rel_type` relationship from a `start` node to an `end` node."""

    kind: str
    rel_type: str
    start: NodeProjection
    end: NodeProjection
    fields: Mapping[str, Coerce]

    def params(self, change: Versioned) -> dict[str, Any]:
        start_id, end_id = change.ids
        row: dict[str, Any] = {
            "start_id": start_id,
            "end_id": end_id,
            "version": change.version,
            "tombstone_key": tombstone_key(self.kind, change.key),
            "start_tombstone_key": tombstone_key(self.start.kind, str(start_id)),
            "end_tombstone_key": tombstone_key(self.end.kind, str(end_id)),
        }
        if change.state is not None:
            row |= {name: coerce(change.state[name]) for name, coerce in self.fields.items()}
        return row

    @cached_property
    def upsert_query(self) -> str:
        assignments = ", ".join(f"r.{name} = row.{name}" for name in self.fields)
        return f"""
UNWIND $rows AS row
OPTIONAL MATCH (t:Tombstone {{key: row.tombstone_key}})
OPTIONAL MATCH (gone_a:Tombstone {{key: row.start_tombstone_key}})
OPTIONAL MATCH (gone_b:Tombstone {{key: row.end_tombstone_key}})
WITH row, t WHERE gone_a IS NULL AND gone_b IS NULL AND (t IS NULL OR t.version < row.version)
MERGE (a:{self.start.label} {{id: row.start_id}})
MERGE (b:{self.end.label} {{id: row.end_id}})
MERGE (a)-[r:{self.rel_type}]->(b)
WITH row, t, r WHERE r.version IS NULL OR r.version < row.version
SET {assignments}, r.version = row.version
FOREACH (stale IN CASE WHEN t IS NULL THEN [] ELSE [t] END | DELETE stale)
RETURN count(r) AS applied
"""

    @cached_property
    def delete_query(self) -> str:
        return f"""
UNWIND $rows AS row
OPTIONAL MATCH (t:Tombstone {{key: row.tombstone_key}})
OPTIONAL MATCH (:{self.start.label} {{id: row.start_id}})-[r:{self.rel_type}]->(:{self.end.label} {{id: row.end_id}})
WITH row, t, r WHERE coalesce(t.version, -1) < row.version AND coalesce(r.version, -1) < row.version
MERGE (tomb:Tombstone {{key: row.tombstone_key}})
SET tomb.version = row.version
WITH tomb, r
DELETE r
RETURN count(tomb) AS applied
"""

    @cached_property
    def degrees_page_query(self) -> str:
        """The next `$limit` start nodes (placeholders too) with an id above `$after`, by id, each
        with how many of these relationships leave it."""
        return (
            f"MATCH (a:{self.start.label}) WHERE a.id > $after WITH a ORDER BY a.id LIMIT $limit "
            f"RETURN a.id AS id, COUNT {{ (a)-[:{self.rel_type}]->(:{self.end.label}) }} AS degree ORDER BY id"
        )

    @cached_property
    def versions_window_query(self) -> str:
        """Every relationship whose start node's id is in ($after, $last]."""
        return (
            f"MATCH (a:{self.start.label})-[r:{self.rel_type}]->(b:{self.end.label}) "
            "WHERE a.id > $after AND a.id <= $last "
            "RETURN a.id AS a, b.id AS b, r.version AS version"
        )

    @cached_property
    def versions_of_one_query(self) -> str:
        """The next `$limit` relationships of start node `$start` with an end id above `$after`."""
        return (
            f"MATCH (a:{self.start.label} {{id: $start}})-[r:{self.rel_type}]->(b:{self.end.label}) "
            "WHERE b.id > $after RETURN a.id AS a, b.id AS b, r.version AS version ORDER BY b LIMIT $limit"
        )


Projection = NodeProjection | EdgeProjection

USERS = NodeProjection("user", "User", {"username": text, "is_private": flag})
MOVIES = MovieProjection("movie", "Movie", {"title": text, "year": optional_year})
FOLLOWS = EdgeProjection("follow", "FOLLOWS", USERS, USERS, {"since": moment})
LIKES = EdgeProjection("like", "LIKES", USERS, MOVIES, {"at": moment})
RATINGS = EdgeProjection("rating", "RATED", USERS, MOVIES, {"score": number, "at": moment})

PROJECTIONS: dict[str, Projection] = {p.kind: p for p in (USERS, MOVIES, FOLLOWS, LIKES, RATINGS)}


def newest_per_key(changes: Sequence[Versioned]) -> list[Versioned]:
    """One change per aggregate key: the newest version (a batch may carry several)."""
    newest: dict[str, Versioned] = {}
    for change in changes:
        if change.key not in newest or change.version > newest[change.key].version:
            newest[change.key] = change
    return list(newest.values())


# ------------------------------------------------------------------ counts kept on nodes

# `Movie.public_likes`: how many public users (is_private = false) like the movie. also_liked needs
# every candidate's visible likers, and counting them walked every liker of every popular film;
# with the count stored, only the viewer's exceptions are walked (the private users they may see,
# the public users a block hides: graph.queries.also_liked). Every batch that can change a count
# (a like, a user's privacy, a user's removal) recounts the movies it touches from the graph, in its
# own transaction, so the count converges with the edges whatever order changes arrive in. The
# first SET takes the node's write lock before the count is read: a concurrent writer of the same
# movie (whose like edge locks it too) has then committed, or waits.
_RECOUNT_PUBLIC_LIKES = """
UNWIND $movie_ids AS movie_id
MATCH (m:Movie {id: movie_id})
SET m.public_likes = coalesce(m.public_likes, 0)
WITH m
SET m.public_likes = COUNT { MATCH (u:User)-[:LIKES]->(m) WHERE u.is_private = false }
RETURN count(m) AS recounted
"""

_MOVIES_LIKED_BY = """
UNWIND $user_ids AS user_id
MATCH (:User {id: user_id})-[:LIKES]->(m:Movie)
RETURN collect(DISTINCT m.id) AS movie_ids
"""

_MOVIES_WITHOUT_COUNT = "MATCH (m:Movie) WHERE m.public_likes IS NULL RETURN m.id AS id"


def _recount_public_likes(tx: driver.ManagedTransaction, movie_ids: Sequence[int]) -> None:
    for start in range(0, len(movie_ids), BATCH_SIZE):
        tx.run(_RECOUNT_PUBLIC_LIKES, {"movie_ids": list(movie_ids[start : start + BATCH_SIZE])}).consume()


def _movies_liked_by(tx: driver.ManagedTransaction, user_ids: Sequence[int]) -> list[int]:
    record = tx.run(_MOVIES_LIKED_BY, {"user_ids": list(user_ids)}).single()
    return list(record["movie_ids"]) if record else []


def backfill_public_likes() -> int:
    """Count `public_likes` on every movie that has none (a graph projected before the count
    existed, or edges created outside `apply`). Idempotent; returns how many were counted."""
    movie_ids = [r["id"] for r in driver.read_rows(_MOVIES_WITHOUT_COUNT, {})]
    for start in range(0, len(movie_ids), BATCH_SIZE):
        driver.write(_recount_public_likes, movie_ids=movie_ids[start : start + BATCH_SIZE])
    return len(movie_ids)


def apply(projection: Projection, changes: Sequence[Versioned]) -> int:
    """Apply changes of one kind, BATCH_SIZE per write transaction; returns how many applied.

    Only the newest change per key is written (older ones in the same call would be stale).
    A change whose state lacks a field or holds a value of the wrong type raises ValueError,
    KeyError or TypeError before anything is written; store errors raise GraphUnavailable or
    GraphRejected.
    """
    applied = 0
    newest = newest_per_key(changes)
    for start in range(0, len(newest), BATCH_SIZE):
        batch = newest[start : start + BATCH_SIZE]
        upserts = [projection.params(c) for c in batch if c.state is not None]
        deletes = [projection.params(c) for c in batch if c.state is None]
        applied += driver.write(
            _apply_batch,
            upserts=upserts,
            deletes=deletes,
            upsert_query=projection.upsert_query,
            delete_query=projection.delete_query,
            kind=projection.kind,
        )
    return applied


def _apply_batch(
    tx: driver.ManagedTransaction,
    upserts: list[dict[str, Any]],
    deletes: list[dict[str, Any]],
    upsert_query: str,
    delete_query: str,
    kind: str,
) -> int:
    # The movies whose public_likes this batch may change, found before a user's likes are deleted.
    if kind == LIKES.kind:
        recount = sorted({row["end_id"] for row in (*upserts, *deletes)})
    elif kind == USERS.kind:
        recount = _movies_liked_by(tx, [row["id"] for row in (*upserts, *deletes)])
    else:
        recount = []
    applied = 0
    for query, rows in ((upsert_query, upserts), (delete_query, deletes)):
        if rows:
            record = tx.run(query, {"rows": rows}).single()
            applied += record["applied"] if record else 0
    _recount_public_likes(tx, recount)
    return applied


# ------------------------------------------------------------------ clear and reconcile

_DELETE_RELATIONSHIPS_BATCH = """
MATCH ()-[r]->()
WITH r LIMIT $batch_size
DELETE r
RETURN count(*) AS deleted
"""

_DELETE_NODES_BATCH = """
MATCH (n)
WITH n LIMIT $batch_size
DETACH DELETE n
RETURN count(*) AS deleted
"""


def clear_all() -> int:
    """Delete every relationship, then every node (tombstones too), CLEAR_BATCH_SIZE per
    transaction. Returns the number of entities deleted. Constraints are kept."""
    deleted = 0
    for query in (_DELETE_RELATIONSHIPS_BATCH, _DELETE_NODES_BATCH):
        while True:
            rows = driver.write_rows(query, {"batch_size": CLEAR_BATCH_SIZE})
            count = rows[0]["deleted"] if rows else 0
            deleted += count
            if count == 0:
                break
    return deleted


def projected_versions(kind: str) -> dict[str, int]:
    """Aggregate key -> version of every `kind` entity present in the graph (tombstones and
    version-less placeholder nodes excluded), for reconciliation with Postgres.

    Read in keyset pages, one read transaction each and none returning more than
    VERSIONS_PAGE_SIZE rows, so no query outgrows the engine's per-command timeout however large
    the graph: nodes by id; relationships by windows of consecutive start nodes whose degrees add
    up to at most a page (a start node with more than a page of relationships is paged on its own,
    by end id). Not a snapshot: an entity written during the scan may be seen or missed, which
    reconcile reports as drift and a repair (the current state, sent again) settles.
    """
    if kind not in PROJECTIONS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {tuple(PROJECTIONS)}")
    projection = PROJECTIONS[kind]
    if isinstance(projection, EdgeProjection):
        return _edge_versions(projection)
    found: dict[str, int] = {}
    after = _BEFORE_EVERY_ID
    while True:
        rows = driver.read_rows(projection.versions_page_query, {"after": after, "limit": VERSIONS_PAGE_SIZE})
        found.update((Versioned.key_of((r["a"],)), r["version"]) for r in rows)
        if len(rows) < VERSIONS_PAGE_SIZE:
            return found
        after = rows[-1]["a"]


def _edge_versions(projection: EdgeProjection) -> dict[str, int]:
    found: dict[str, int] = {}

    def add(rows: list[dict[str, Any]]) -> None:
        found.update((Versioned.key_of((r["a"], r["b"])), r["version"]) for r in rows)

    after = _BEFORE_EVERY_ID
    while True:
        starts = driver.read_rows(projection.degrees_page_query, {"after": after, "limit": VERSIONS_PAGE_SIZE})
        window_after, window_rows = after, 0
        for start in starts:
            if start["degree"] > VERSIONS_PAGE_SIZE:
                if window_rows:
                    add(driver.read_rows(projection.versions_window_query, {"after": window_after, "last": after}))
                _one_start_node(projection, start["id"], add)
                window_after, window_rows = start["id"], 0
            elif window_rows + start["degree"] > VERSIONS_PAGE_SIZE:
                add(driver.read_rows(projection.versions_window_query, {"after": window_after, "last": after}))
                window_after, window_rows = after, start["degree"]
            else:
                window_rows += start["degree"]
            after = start["id"]
        if window_rows:
            add(driver.read_rows(projection.versions_window_query, {"after": window_after, "last": after}))
        if len(starts) < VERSIONS_PAGE_SIZE:
            return found


def _one_start_node(projection: EdgeProjection, start: int, add: Callable[[list[dict[str, Any]]], None]) -> None:
    after = _BEFORE_EVERY_ID
    while True:
        rows = driver.read_rows(
            projection.versions_of_one_query, {"start": start, "after": after, "limit": VERSIONS_PAGE_SIZE}
        )
        add(rows)
        if len(rows) < VERSIONS_PAGE_SIZE:
            return
        after = rows[-1]["b"]
