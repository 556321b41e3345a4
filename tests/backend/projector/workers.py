"""Real Celery worker and beat processes for the crash tests, wired to the test database, the
session graph engine, an embedded Redis broker and a vector shard the worker owns."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.db import connection

from backend.config.env import BASE_DIR


def worker_environment(*, broker_url: str, graph_settings, shard_path: Path, data_dir: Path) -> dict[str, str]:
    db = connection.settings_dict
    host = quote(db["HOST"], safe="") if db["HOST"].startswith("/") else db["HOST"]
    port = f":{db['PORT']}" if db.get("PORT") else ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.config.settings",
        "SECRET_KEY": "worker-test-secret",
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{host}{port}/{db['NAME']}",
        "NEO4J_URI": graph_settings.uri,
        "NEO4J_USER": graph_settings.user,
        "NEO4J_PASSWORD": graph_settings.password,
        "NEO4J_DATABASE": graph_settings.database,
        "QDRANT_PATH": str(shard_path),
        "CELERY_BROKER_URL": broker_url,
        "LOCAL_DATA_DIR": str(data_dir),
        "SYNC_SWEEP_AFTER_SECONDS": "2",
        "SYNC_SWEEP_INTERVAL_SECONDS": "1",
        "SYNC_MAX_ATTEMPTS": "50",
    }


class CeleryProcess:
    """`celery worker` or `celery beat` as a child process with its log in data_dir."""

    def __init__(self, role: str, env: dict[str, str], data_dir: Path, name: str):
        self.role, self.env, self.data_dir, self.name = role, env, data_dir, name
        self.process: subprocess.Popen | None = None

    @property
    def log_path(self) -> Path:
        return self.data_dir / f"{self.name}.log"

    def start(self) -> None:
        if self.role == "worker":
            args = ["worker", "-P", "threads", "-c", "2", "-Q", "sync,embeddings,maintenance", "-n", f"{self.name}@%h",
                    "--without-mingle", "--without-gossip"]  # fmt: skip
        else:
            args = ["beat", "-s", str(self.data_dir / f"{self.name}-schedule")]
        log = open(self.log_path, "ab")  # noqa: SIM115 - owned by the child for its lifetime
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tasks", *args, "--loglevel", "INFO"],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no acks, whatever was running is cut off."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def wait_until(condition, *, timeout: float, interval: float = 0.25, describe=lambda: "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s. {describe()}")
