"""Embedded Postgres 16 (with pgvector) from the `pgserver` package, kept under one data directory.

pgserver shares one server between every process that asks for the same directory and stops it
when the last of them exits, so `make run`, `manage.py` and pytest can all call `database_settings`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

logger = logging.getLogger(__name__)

DATABASE_NAME = "cinema"


def database_settings(data_dir: Path) -> dict:
    """Start (or join) the embedded server and return a Django DATABASES entry for it."""
    import pgserver  # imported here: only the embedded default needs it

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    socket_dir = parse_qs(urlsplit(server.get_uri()).query)["host"][0]
    logger.info("embedded postgres at %s (socket %s)", data_dir, socket_dir)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "HOST": socket_dir,
        "PORT": "",
    }
