"""The privacy rule in Cypher, the one predicate every graph question uses.

Viewer V may see user P's likes and ratings iff P is public, or P is V, or (P)-[:FOLLOWS]->(V).
A user node whose `is_private` is not yet known (a placeholder created by an edge event) counts as
private. `$viewer_id` may be null (an anonymous viewer): then only public users are visible. The
same rule in SQL is `backend.social.privacy`.
"""

from __future__ import annotations


def activity_visible(person: str) -> str:
    """The predicate for the user bound to the Cypher variable `person` (a constant, never input)."""
    return (
        f"({person}.is_private = false OR {person}.id = $viewer_id"
        f" OR EXISTS {{ ({person})-[:FOLLOWS]->(:User {{id: $viewer_id}}) }})"
    )
