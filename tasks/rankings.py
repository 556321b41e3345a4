"""Ranking recomputation, off the rating write path."""

from celery import shared_task

from backend.catalog import rankings


@shared_task(name="rankings.recompute_pending")
def recompute_pending() -> int:
    return rankings.recompute_pending()


@shared_task(name="rankings.recompute_all")
def recompute_all() -> int:
    return rankings.recompute_all()
