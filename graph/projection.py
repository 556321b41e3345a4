"""The write side: keeps the graph a projection of Postgres, fed by the outbox.

Every event carries the full state of one aggregate at a version that grows
per aggregate key (or None: the aggregate was deleted). Each apply_* is one
write transaction running one query, idempotent and order-independent:

* the version is stored on the node or relationship itself (`version`);
* a delete leaves `(:Tombstone {key, version})` so an older upsert arriving
  later does not resurrect the entity; a newer upsert removes the tombstone;
* an event applies only if its version is newer than both;
* relationship events MERGE their endpoint nodes by id (placeholders without
  `version` until the user/movie event arrives) and are skipped once an
  endpoint user or movie is tombstoned (Postgres ids are never reused).

Aggregate keys: user "12", movie "5", follow "12:34" (follower:followee),
like "12:5", rating "12:5" (user:movie). Tombstone keys prefix the kind:
"follow:12:34".
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from graph import driver
from graph.types import (
    KINDS,
    FollowRow,
    FollowState,
    LikeRow,
    LikeState,
    MovieRow,
    MovieState,
    RatingRow,
    RatingState,
    UserRow,
    UserState,
    to_epoch_seconds,
)

# Rows per UNWIND transaction in the bulk loaders and per delete batch in
# clear_all: large enough to amortize a round trip and a commit, small enough
# that one transaction stays well under the engine's per-command timeout and
# heap limits (ArcadeDB keeps a transaction's changes in memory until commit).
BULK_BATCH_SIZE = 5_000
CLEAR_BATCH_SIZE = 20_000

RowT = TypeVar("RowT")


def tombstone_key(kind: str, key: str) -> str:
    return f"{kind}:{key}"


def _applied(rows: list[dict[str, Any]]) -> bool:
    return bool(rows and rows[0]["applied"])


# ------------------------------------------------------------------ users

_USER_UPSERT = """
OPTIONAL MATCH (t:Tombstone {key: $tombstone_key})
WITH t WHERE t IS NULL OR t.version < $version
MERGE (u:User {id: $user_id})
WITH t, u WHERE u.version IS NULL OR u.version < $version
SET u.username = $username, u.is_private = $is_private, u.version = $version
FOREACH (stale IN CASE WHEN t IS NULL THEN [] ELSE [t] END | DELETE stale)
RETURN count(u) AS applied
"""

_USER_DELETE = """
OPTIONAL MATCH (t:Tombstone {key: $tombstone_key})
OPTIONAL MATCH (u:User {id: $user_id})
WITH t, u WHERE coalesce(t.version, -1) < $version AND coalesce(u.version, -1) < $version
MERGE (tomb:Tombstone {key: $tombstone_key})
SET tomb.version = $version
WITH tomb, u
DETACH DELETE u
RETURN count(tomb) AS applied
"""


def apply_user(user_id: int, version: int, state: UserState | None) -> bool:
    """Upsert (state) or delete (None, with its relationships) user `user_id` at `version`.

    Returns True if applied, False if the graph already holds this or a newer version.
    """
    params: dict[str, Any] = {
        "user_id": user_id,
        "version": version,
        "tombstone_key": tombstone_key("user", str(user_id)),
    }
    if state is None:
        return _applied(driver.write_rows(_USER_DELETE, params))
    params |= {"username": state.username, "is_private": state.is_private}
    return _applied(driver.write_rows(_USER_UPSERT, params))


# ------------------------------------------------------------------ movies

_MOVIE_UPSERT = """
OPTIONAL MATCH (t:Tombstone {key: $tombstone_key})
WITH t WHERE t IS NULL OR t.version < $version
MERGE (m:Movie {id: $movie_id})
WITH t, m WHERE m.version IS NULL OR m.version < $version
SET m.title = $title, m.year = $year, m.version = $version
FOREACH (stale IN CASE WHEN t IS NULL THEN [] ELSE [t] END | DELETE stale)
WITH m
OPTIONAL MATCH (m)-[old_genre:IN_GENRE]->(:Genre)
DELETE old_genre
WITH DISTINCT m
OPTIONAL MATCH (m)<-[old_credit:ACTED_IN|DIRECTED]-(:Person)
DELETE old_credit
WITH DISTINCT m
FOREACH (name IN $genres | MERGE (g:Genre {name: name}) MERGE (m)-[:IN_GENRE]->(g))
FOREACH (p IN $actors | MERGE (x:Person {id: p.person_id}) SET x.name = p.name MERGE (x)-[:ACTED_IN]->(m))
FOREACH (p IN $directors | MERGE (x:Person {id: p.person_id}) SET x.name = p.name MERGE (x)-[:DIRECTED]->(m))
RETURN count(m) AS applied
"""

_MOVIE_DELETE = """
OPTIONAL MATCH (t:Tombstone {key: $tombstone_key})
OPTIONAL MATCH (m:Movie {id: $movie_id})
WITH t, m WHERE coalesce(t.version, -1) < $version AND coalesce(m.version, -1) < $version
MERGE (tomb:Tombstone {key: $tombstone_key})
SET tomb.version = $version
WITH tomb, m
DETACH DELETE m
RETURN count(tomb) AS applied
"""


def _credits(state: MovieState, role: str) -> list[dict[str, Any]]:
    return [{"person_id": p.person_id, "name": p.name} for p in state.people if p.role == role]


def apply_movie(movie_id: int, version: int, state: MovieState | None) -> bool:
    """Upsert (state: properties, and exactly its IN_GENRE/ACTED_IN/DIRECTED edges) or delete movie.

    Persons and genres are shared nodes (MERGE by id/name; a person's name is
    last-writer-wins). Returns True if applied, False if stale.
    """
    params: dict[str, Any] = {
        "movie_id": movie_id,
        "version": version,
        "tombstone_key": tombstone_key("movie", str(movie_id)),
    }
    if state is None:
        return _applied(driver.write_rows(_MOVIE_DELETE, params))
    params |= {
        "title": state.title,
        "year": state.year,
        "genres": sorted(set(state.genres)),
        "actors": _credits(state, "ACTED_IN"),
        "directors": _credits(state, "DIRECTED"),
    }
    return _applied(driver.write_rows(_MOVIE_UPSERT, params))


# ------------------------------------------------------------------ user -> user / user -> movie edges
# The three edge kinds share one shape; the label/type pairs are fixed here, never caller input.

_FOLLOW_UPSERT = """
OPTIONAL MATCH (t:Tombstone {key: $tombstone_key})
OPTIONAL MATCH (gone_a:Tombstone {key: $start_tombstone_key})
OPTIONAL MATCH (gone_b:Tombstone {key: $end_tombstone_key})
WITH t WHERE gone_a IS NULL AND gone_b IS NULL AND (t IS NULL OR t.version < $version)
MERGE (a:User {id: $start_id})
MERGE (b:User {id: $end_id})
MERGE (a)-[r:FOLLOWS]->(b)
WITH t, r WHERE r.version IS NULL OR r.version < $version
SET r.since = $since, r.version = $version
FOREACH (stale IN CASE WHEN t IS NULL THEN [] ELSE [t] END | DELETE stale)
RETURN count(r) AS applied
"""

_FOLLOW_DELETE = """
OPTIONAL MATCH (t:Tombstone {key: $tombstone_key})
OPTIONAL MATCH (:User {id: $start_id})-[r:FOLLOWS]->(:User {id: $end_id})
WITH t, r WHERE coalesce(t.version, -1) < $version AND coalesce(r.version, -1) < $version
MERGE (tomb:Tombstone {key: $tombstone_key})
SET tomb.version = $version
WITH tomb, r
DELETE r
RETURN count(tomb) AS applied
"""

_LIKE_UPSERT = """
OPTIONAL MATCH (t:Tombstone {key: $tombstone_key})
OPTIONAL MATCH (gone_a:Tombstone {key: $start_tombstone_key})
OPTIONAL MATCH (gone_b:Tombstone {key: $end_tombstone_key})
WITH t WHERE gone_a IS NULL AND gone_b IS NULL AND (t IS NULL OR t.version < $version)
MERGE (a:User {id: $start_id})
MERGE (b:Movie {id: $end_id})
MERGE (a)-[r:LIKES]->(b)
WITH t, r WHERE r.version IS NULL OR r.version < $version
SET r.at = $at, r.version = $version
FOREACH (stale IN CASE WHEN t IS NULL THEN [] ELSE [t] END | DELETE stale)
RETURN count(r) AS applied
"""

_LIKE_DELETE = """
OPTIONAL MATCH (t:Tombstone {key: $tombstone_key})
OPTIONAL MATCH (:User {id: $start_id})-[r:LIKES]->(:Movie {id: $end_id})
WITH t, r WHERE coalesce(t.version, -1) < $version AND coalesce(r.version, -1) < $version
MERGE (tomb:Tombstone {key: $tombstone_key})
SET tomb.version = $version
WITH tomb, r
DELETE r
RETURN count(tomb) AS applied
"""

_RATING_UPSERT = """
OPTIONAL MATCH (t:Tombstone {key: $tombstone_key})
OPTIONAL MATCH (gone_a:Tombstone {key: $start_tombstone_key})
OPTIONAL MATCH (gone_b:Tombstone {key: $end_tombstone_key})
WITH t WHERE gone_a IS NULL AND gone_b IS NULL AND (t IS NULL OR t.version < $version)
MERGE (a:User {id: $start_id})
MERGE (b:Movie {id: $end_id})
MERGE (a)-[r:RATED]->(b)
WITH t, r WHERE r.version IS NULL OR r.version < $version
SET r.score = $score, r.at = $at, r.version = $version
FOREACH (stale IN CASE WHEN t IS NULL THEN [] ELSE [t] END | DELETE stale)
RETURN count(r) AS applied
"""

_RATING_DELETE = """
OPTIONAL MATCH (t:Tombstone {key: $tombstone_key})
OPTIONAL MATCH (:User {id: $start_id})-[r:RATED]->(:Movie {id: $end_id})
WITH t, r WHERE coalesce(t.version, -1) < $version AND coalesce(r.version, -1) < $version
MERGE (tomb:Tombstone {key: $tombstone_key})
SET tomb.version = $version
WITH tomb, r
DELETE r
RETURN count(tomb) AS applied
"""


def _edge_params(kind: str, start_kind: str, start_id: int, end_kind: str, end_id: int, version: int) -> dict[str, Any]:
    return {
        "start_id": start_id,
        "end_id": end_id,
        "version": version,
        "tombstone_key": tombstone_key(kind, f"{start_id}:{end_id}"),
        "start_tombstone_key": tombstone_key(start_kind, str(start_id)),
        "end_tombstone_key": tombstone_key(end_kind, str(end_id)),
    }


def apply_follow(follower_id: int, followee_id: int, version: int, state: FollowState | None) -> bool:
    """Upsert or delete the FOLLOWS edge follower -> followee. True if applied, False if stale
    (or an endpoint user is deleted)."""
    params = _edge_params("follow", "user", follower_id, "user", followee_id, version)
    if state is None:
        return _applied(driver.write_rows(_FOLLOW_DELETE, params))
    params["since"] = to_epoch_seconds(state.since)
    return _applied(driver.write_rows(_FOLLOW_UPSERT, params))


def apply_like(user_id: int, movie_id: int, version: int, state: LikeState | None) -> bool:
    """Upsert or delete the LIKES edge user -> movie. True if applied, False if stale
    (or the user or movie is deleted)."""
    params = _edge_params("like", "user", user_id, "movie", movie_id, version)
    if state is None:
        return _applied(driver.write_rows(_LIKE_DELETE, params))
    params["at"] = to_epoch_seconds(state.at)
    return _applied(driver.write_rows(_LIKE_UPSERT, params))


def apply_rating(user_id: int, movie_id: int, version: int, state: RatingState | None) -> bool:
    """Upsert or delete the RATED edge user -> movie. True if applied, False if stale
    (or the user or movie is deleted)."""
    params = _edge_params("rating", "user", user_id, "movie", movie_id, version)
    if state is None:
        return _applied(driver.write_rows(_RATING_DELETE, params))
    params |= {"score": float(state.score), "at": to_epoch_seconds(state.at)}
    return _applied(driver.write_rows(_RATING_UPSERT, params))


# ------------------------------------------------------------------ bulk (rebuild from Postgres)
# Each loader runs one UNWIND $rows query per BULK_BATCH_SIZE rows, one write
# transaction per batch. Versions and the entity's own tombstone are honoured,
# so a rebuild can run while live events are applied; endpoint tombstones are
# not checked (a rebuild reads live Postgres rows) and stale tombstones are left.

_USERS_BULK_UPSERT = """
UNWIND $rows AS row
OPTIONAL MATCH (t:Tombstone {key: row.tombstone_key})
WITH row WHERE t IS NULL OR t.version < row.version
MERGE (u:User {id: row.user_id})
WITH row, u WHERE u.version IS NULL OR u.version < row.version
SET u.username = row.username, u.is_private = row.is_private, u.version = row.version
RETURN count(u) AS applied
"""

_MOVIES_BULK_UPSERT = """
UNWIND $rows AS row
OPTIONAL MATCH (t:Tombstone {key: row.tombstone_key})
WITH row WHERE t IS NULL OR t.version < row.version
MERGE (m:Movie {id: row.movie_id})
WITH row, m WHERE m.version IS NULL OR m.version < row.version
SET m.title = row.title, m.year = row.year, m.version = row.version
WITH row, m
OPTIONAL MATCH (m)-[old_genre:IN_GENRE]->(:Genre)
DELETE old_genre
WITH DISTINCT row, m
OPTIONAL MATCH (m)<-[old_credit:ACTED_IN|DIRECTED]-(:Person)
DELETE old_credit
WITH DISTINCT row, m
FOREACH (name IN row.genres | MERGE (g:Genre {name: name}) MERGE (m)-[:IN_GENRE]->(g))
FOREACH (p IN row.actors | MERGE (x:Person {id: p.person_id}) SET x.name = p.name MERGE (x)-[:ACTED_IN]->(m))
FOREACH (p IN row.directors | MERGE (x:Person {id: p.person_id}) SET x.name = p.name MERGE (x)-[:DIRECTED]->(m))
RETURN count(m) AS applied
"""

_FOLLOWS_BULK_UPSERT = """
UNWIND $rows AS row
OPTIONAL MATCH (t:Tombstone {key: row.tombstone_key})
WITH row WHERE t IS NULL OR t.version < row.version
MERGE (a:User {id: row.start_id})
MERGE (b:User {id: row.end_id})
MERGE (a)-[r:FOLLOWS]->(b)
WITH row, r WHERE r.version IS NULL OR r.version < row.version
SET r.since = row.since, r.version = row.version
RETURN count(r) AS applied
"""

_LIKES_BULK_UPSERT = """
UNWIND $rows AS row
OPTIONAL MATCH (t:Tombstone {key: row.tombstone_key})
WITH row WHERE t IS NULL OR t.version < row.version
MERGE (a:User {id: row.start_id})
MERGE (b:Movie {id: row.end_id})
MERGE (a)-[r:LIKES]->(b)
WITH row, r WHERE r.version IS NULL OR r.version < row.version
SET r.at = row.at, r.version = row.version
RETURN count(r) AS applied
"""

_RATINGS_BULK_UPSERT = """
UNWIND $rows AS row
OPTIONAL MATCH (t:Tombstone {key: row.tombstone_key})
WITH row WHERE t IS NULL OR t.version < row.version
MERGE (a:User {id: row.start_id})
MERGE (b:Movie {id: row.end_id})
MERGE (a)-[r:RATED]->(b)
WITH row, r WHERE r.version IS NULL OR r.version < row.version
SET r.score = row.score, r.at = row.at, r.version = row.version
RETURN count(r) AS applied
"""


def _batches(rows: Sequence[RowT], size: int) -> Iterator[Sequence[RowT]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _bulk(query: str, rows: list[dict[str, Any]]) -> int:
    applied = 0
    for batch in _batches(rows, BULK_BATCH_SIZE):
        result = driver.write_rows(query, {"rows": list(batch)})
        applied += result[0]["applied"] if result else 0
    return applied


def users_bulk_upsert(rows: Sequence[UserRow]) -> int:
    """Upsert users in batches of BULK_BATCH_SIZE (one transaction each); returns how many applied."""
    return _bulk(
        _USERS_BULK_UPSERT,
        [
            {
                "user_id": r.user_id,
                "version": r.version,
                "tombstone_key": tombstone_key("user", str(r.user_id)),
                "username": r.state.username,
                "is_private": r.state.is_private,
            }
            for r in rows
        ],
    )


def movies_bulk_upsert(rows: Sequence[MovieRow]) -> int:
    """Upsert movies with their genres and credits in batches; returns how many applied."""
    return _bulk(
        _MOVIES_BULK_UPSERT,
        [
            {
                "movie_id": r.movie_id,
                "version": r.version,
                "tombstone_key": tombstone_key("movie", str(r.movie_id)),
                "title": r.state.title,
                "year": r.state.year,
                "genres": sorted(set(r.state.genres)),
                "actors": _credits(r.state, "ACTED_IN"),
                "directors": _credits(r.state, "DIRECTED"),
            }
            for r in rows
        ],
    )


def _edge_row(kind: str, start_id: int, end_id: int, version: int) -> dict[str, Any]:
    return {
        "start_id": start_id,
        "end_id": end_id,
        "version": version,
        "tombstone_key": tombstone_key(kind, f"{start_id}:{end_id}"),
    }


def follows_bulk_upsert(rows: Sequence[FollowRow]) -> int:
    """Upsert FOLLOWS edges (MERGEing endpoint users) in batches; returns how many applied."""
    return _bulk(
        _FOLLOWS_BULK_UPSERT,
        [
            _edge_row("follow", r.follower_id, r.followee_id, r.version) | {"since": to_epoch_seconds(r.state.since)}
            for r in rows
        ],
    )


def likes_bulk_upsert(rows: Sequence[LikeRow]) -> int:
    """Upsert LIKES edges (MERGEing endpoints) in batches; returns how many applied."""
    return _bulk(
        _LIKES_BULK_UPSERT,
        [_edge_row("like", r.user_id, r.movie_id, r.version) | {"at": to_epoch_seconds(r.state.at)} for r in rows],
    )


def ratings_bulk_upsert(rows: Sequence[RatingRow]) -> int:
    """Upsert RATED edges (MERGEing endpoints) in batches; returns how many applied."""
    return _bulk(
        _RATINGS_BULK_UPSERT,
        [
            _edge_row("rating", r.user_id, r.movie_id, r.version)
            | {"score": float(r.state.score), "at": to_epoch_seconds(r.state.at)}
            for r in rows
        ],
    )


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


_PROJECTED_VERSIONS: dict[str, str] = {
    "user": "MATCH (u:User) WHERE u.version IS NOT NULL RETURN u.id AS a, null AS b, u.version AS version",
    "movie": "MATCH (m:Movie) WHERE m.version IS NOT NULL RETURN m.id AS a, null AS b, m.version AS version",
    "follow": "MATCH (a:User)-[r:FOLLOWS]->(b:User) RETURN a.id AS a, b.id AS b, r.version AS version",
    "like": "MATCH (a:User)-[r:LIKES]->(b:Movie) RETURN a.id AS a, b.id AS b, r.version AS version",
    "rating": "MATCH (a:User)-[r:RATED]->(b:Movie) RETURN a.id AS a, b.id AS b, r.version AS version",
}


def projected_versions(kind: str) -> dict[str, int]:
    """Aggregate key -> version of every `kind` entity present in the graph (tombstones and
    version-less placeholder nodes excluded). Unbounded by design: a full scan for
    reconciliation with Postgres, one read transaction."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")
    rows = driver.read_rows(_PROJECTED_VERSIONS[kind], {})
    if kind in ("user", "movie"):
        return {str(r["a"]): r["version"] for r in rows}
    return {f"{r['a']}:{r['b']}": r["version"] for r in rows}
