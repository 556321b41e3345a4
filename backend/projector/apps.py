from django.apps import AppConfig


class ProjectorConfig(AppConfig):
    """Keeps the graph and vector projections of Postgres: reads models, applies to the stores."""

    name = "backend.projector"

    def ready(self):
        from backend.projector import kinds

        kinds.register_all()
