from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data set `make run` loads into an empty database, through the write services."""

    name = "backend.demo"
