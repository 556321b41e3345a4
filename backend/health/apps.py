from django.apps import AppConfig


class HealthConfig(AppConfig):
    """What operators watch: /api/health/ (each store and the sync backlog) and /metrics."""

    name = "backend.health"
