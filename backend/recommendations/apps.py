from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    """What to watch next: the trained neighbour lists, hidden films, favourite genres, the fused list."""

    name = "backend.recommendations"
