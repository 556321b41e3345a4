"""Periodic training of the collaborative recommender."""

from celery import shared_task

from backend.recommendations.training import train_recommender


@shared_task(name="recommendations.train")
def train() -> int:
    return train_recommender().pairs
