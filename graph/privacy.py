"""The privacy rule in Cypher, the one predicate every graph question uses.

Viewer V may see user P's likes and ratings iff P is not hidden from V by a block (either way),
and P is public, or P is V, or (P)-[:FOLLOWS]->(V). A user node whose `is_private` is not yet known
(a placeholder created by an edge event) counts as private. `$viewer_id` may be null (an anonymous
viewer): then only public users are visible. `$hidden_ids` is the list of users a block hides from
V, read from Postgres by the caller (blocks are not projected: a block must hold at once, not after
the sync lag; [] for an anonymous viewer). The same rule in SQL is `backend.social.privacy`.
"""

from __future__ import annotations


def not_hidden(person: str) -> str:
    """The block predicate alone, for a user who must not appear at all (a suggestion, a path)."""
    return f"(NOT {person}.id IN $hidden_ids)"


def activity_visible(person: str) -> str:
    """The predicate for the user bound to the Cypher variable `person` (a constant, never input).

    A CASE, not an OR: Cypher does not promise to short-circuit OR, and the embedded engine
    evaluated the follow-back subquery for every public user too; CASE tests it only for the
    private (or placeholder) users whose visibility depends on it."""
    return (
        f"({not_hidden(person)} AND CASE WHEN {person}.is_private = false OR {person}.id = $viewer_id THEN true"
        f" ELSE EXISTS {{ ({person})-[:FOLLOWS]->(:User {{id: $viewer_id}}) }} END)"
    )
