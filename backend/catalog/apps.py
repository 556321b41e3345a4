from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "backend.catalog"

    def ready(self) -> None:
        from backend.catalog.cached_reads import connect_signals

        connect_signals()
