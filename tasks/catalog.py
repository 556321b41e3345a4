"""Catalogue maintenance off the request path: which title trigrams are common, for the typo lookup."""

from celery import shared_task

from backend.catalog import title_search


@shared_task(name="catalog.refresh_trigram_frequencies")
def refresh_trigram_frequencies() -> int:
    return title_search.refresh_trigram_frequencies()
