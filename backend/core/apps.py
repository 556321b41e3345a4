from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "backend.core"

    def ready(self):
        from backend.core import stores

        stores.configure_from_settings()
