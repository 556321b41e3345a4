"""The versions a cached catalogue answer depends on (backend/core/response_cache.py), and what
bumps them besides the outbox's movie events: the ranking recompute, which moves rank positions and
rating counts without an event for each movie, and staff edits of genres, people and credits in the
admin, which change the movies they belong to."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from backend.core import response_cache

# Bumped here, for catalogue changes that record no movie event.
CATALOGUE_EDITS = "catalogue"
# Whatever a list or a detail shows: a movie's fields, genres, credits, people, rank and counts.
CATALOGUE_VERSIONS = (response_cache.kind_version("movie"), CATALOGUE_EDITS)


def bump_catalogue() -> None:
    response_cache.bump(CATALOGUE_EDITS)


def _on_catalogue_edit(sender, **kwargs) -> None:
    bump_catalogue()


def connect_signals() -> None:
    """Saves and deletes of genres, people and credits, one by one (the admin's path)."""
    from backend.catalog.models import Credit, Genre, Person

    for model in (Genre, Person, Credit):
        post_save.connect(_on_catalogue_edit, sender=model, dispatch_uid=f"catalogue-edit-save-{model.__name__}")
        post_delete.connect(_on_catalogue_edit, sender=model, dispatch_uid=f"catalogue-edit-delete-{model.__name__}")
