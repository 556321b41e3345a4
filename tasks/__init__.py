"""Celery app and tasks. Tasks are thin: they take ids, call one service and return."""

from tasks.celery import app

__all__ = ["app"]
