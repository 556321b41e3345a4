from django.apps import AppConfig


class ImportersConfig(AppConfig):
    """Catalogues and ratings from files (MovieLens, TMDB, IMDb) written in bulk through the outbox."""

    name = "backend.importers"
