"""Small readers of discovery answers, shared by the discovery API tests."""

from __future__ import annotations


def summary(user) -> dict:
    """A user as UserSummarySerializer renders them (display_name defaults to the username)."""
    return {"id": user.id, "username": user.username, "display_name": user.profile.display_name}


def titles(rows: list[dict]) -> list[str]:
    return [row["movie"]["title"] for row in rows]
