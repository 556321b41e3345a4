"""Embedded Postgres 16 (with pgvector) from the `pgserver` package, kept under one data directory.

Settings never start a server: the launcher (`make run`), `manage.py`, the test setup and the
benchmarks call `use_embedded_postgres()` first, which points DATABASE_URL at the embedded server
unless it is already set. pgserver shares one server between every process that asks for the same
directory and stops it when the last of them exits.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

logger = logging.getLogger(__name__)

DATABASE_NAME = "cinema"
# pgserver's list of the processes using the server (pgserver/postgres_server.py).
HANDLES_FILE = ".handle_pids.json"


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def forget_dead_handles(data_dir: Path) -> list[int]:
    """Drop the pids of processes that no longer exist from pgserver's list of the server's users.

    pgserver stops the server when the last process in that list exits; a process killed with -9
    never removes itself, so without this the server would outlive every later run. Returns the
    pids kept."""
    handles = data_dir / HANDLES_FILE
    try:
        pids = json.loads(handles.read_text())
    except (OSError, ValueError):
        return []
    alive = [pid for pid in pids if isinstance(pid, int) and _exists(pid)]
    if alive != pids:
        logger.info("embedded postgres: forgetting dead users %s", sorted(set(pids) - set(alive)))
        handles.write_text(json.dumps(alive))
    return alive


def database_url(data_dir: Path) -> str:
    """Start (or join) the embedded server and return a DATABASE_URL for it (unix socket)."""
    import pgserver  # imported here: only the embedded default needs it

    data_dir.mkdir(parents=True, exist_ok=True)
    forget_dead_handles(data_dir)
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    socket_dir = parse_qs(urlsplit(server.get_uri()).query)["host"][0]
    logger.info("embedded postgres at %s (socket %s)", data_dir, socket_dir)
    return f"postgres://postgres@{quote(socket_dir, safe='')}/{DATABASE_NAME}"


def use_embedded_postgres() -> bool:
    """Unless DATABASE_URL is set (in the environment or .env), start the embedded server under
    LOCAL_DATA_DIR/postgres and set DATABASE_URL to it, for this process and its children.
    Returns whether the embedded server is used."""
    from backend.config import env  # reads .env into the environment

    if env.text("DATABASE_URL"):
        return False
    data_dir = Path(env.text("LOCAL_DATA_DIR") or env.BASE_DIR / ".local").resolve()
    os.environ["DATABASE_URL"] = database_url(data_dir / "postgres")
    return True
