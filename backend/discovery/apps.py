from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    """Read-only endpoints answered by the graph and vector projections."""

    name = "backend.discovery"
