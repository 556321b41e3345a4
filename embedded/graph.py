"""The embedded graph engine (ArcadeDB speaking Bolt) run as a child process.

Used on developer machines and in tests instead of a Neo4j service. The engine
is a JVM inside a Python process (jpype); it runs in its own process so that it
can be stopped, killed and restarted, and it dies with its parent (prctl
PDEATHSIG plus a parent watchdog), so no orphan JVM is left behind.

Child entry point::

    python -m embedded.graph --data-dir D --bolt-port P --http-port H --password-file F [--database cinema]

(the password may instead come from the GRAPH_EMBEDDED_PASSWORD environment variable).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Self

from neo4j import GraphDatabase
from neo4j.exceptions import (
    ClientError,
    DatabaseError,
    ServiceUnavailable,
    SessionExpired,
)

from graph.errors import GraphError
from graph.settings import GraphSettings

PASSWORD_ENV = "GRAPH_EMBEDDED_PASSWORD"
LOG_FILE_NAME = "graph-server.log"
ROOT_USER = "root"
_PR_SET_PDEATHSIG = 1


class EmbeddedServerError(GraphError):
    """The embedded engine could not be started (port taken, child died, start timed out)."""


class PortInUseError(EmbeddedServerError):
    """A port the engine needs is already bound by another process."""

    def __init__(self, port: int, purpose: str):
        super().__init__(f"cannot start embedded graph server: {purpose} port {port} is already in use")
        self.port = port


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True if nothing listens on host:port (a TIME_WAIT leftover does not count as taken)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def free_port() -> int:
    """A port the OS considers free right now (for tests and the benchmark)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EmbeddedGraphServer:
    """Controls one ArcadeDB child process holding `database` under `data_dir`.

    Data persists in `data_dir` across stop/start and kill/start. Not thread-safe.
    """

    def __init__(
        self,
        data_dir: Path,
        bolt_port: int,
        http_port: int,
        password: str,
        database: str = "cinema",
        query_timeout_seconds: float = 10.0,
    ):
        if len(password) < 8:
            raise ValueError("ArcadeDB requires a root password of at least 8 characters")
        self.data_dir = Path(data_dir).resolve()
        self.bolt_port = bolt_port
        self.http_port = http_port
        self.password = password
        self.database = database
        # ArcadeDB ignores the Bolt per-transaction timeout; its engine-wide command timeout is the bound.
        self.query_timeout_seconds = query_timeout_seconds
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / LOG_FILE_NAME

    def settings(self, **overrides: Any) -> GraphSettings:
        """GraphSettings pointing at this server (keyword overrides for timeouts and pool size)."""
        values: dict[str, Any] = {"query_timeout_seconds": self.query_timeout_seconds, **overrides}
        return GraphSettings(uri=self.uri, user=ROOT_USER, password=self.password, database=self.database, **values)

    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None and self.is_running() else None

    def start(self, timeout: float = 60.0) -> None:
        """Spawn the engine and return once a real Cypher query succeeds over Bolt.

        Creates the database if missing (idempotent). Raises PortInUseError if a
        port is taken, EmbeddedServerError (with the log tail) if the child dies
        or does not answer within `timeout` seconds.
        """
        if self.is_running():
            return
        for port, purpose in ((self.bolt_port, "Bolt"), (self.http_port, "HTTP")):
            if not port_is_free(port):
                raise PortInUseError(port, purpose)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, **{PASSWORD_ENV: self.password})
        # graph/ must be importable in the child whatever the caller's cwd is.
        project_root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [project_root, env.get("PYTHONPATH")]))
        with open(self.log_path, "ab") as log:
            log.write(f"\n--- start {time.strftime('%Y-%m-%d %H:%M:%S')} ---\n".encode())
            log.flush()
            self._process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "embedded.graph",
                    "--data-dir",
                    str(self.data_dir),
                    "--bolt-port",
                    str(self.bolt_port),
                    "--http-port",
                    str(self.http_port),
                    "--database",
                    self.database,
                    "--query-timeout",
                    str(self.query_timeout_seconds),
                ],
                cwd=self.data_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait_until_ready(timeout)
        except BaseException:
            self.kill()
            raise

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise EmbeddedServerError(
                    f"embedded graph server exited with code {self._process.returncode} during start;"
                    f" log tail ({self.log_path}):\n{self.log_tail()}"
                )
            try:
                # A bare session.run: execute_query would retry (and log) on its own.
                with (
                    GraphDatabase.driver(
                        self.uri,
                        auth=(ROOT_USER, self.password),
                        connection_timeout=1.0,
                    ) as driver,
                    driver.session(database=self.database) as session,
                ):
                    session.run("RETURN 1 AS ok").consume()
                return
            except (
                ServiceUnavailable,
                SessionExpired,
                ClientError,
                DatabaseError,
                OSError,
            ) as exc:
                # ClientError too: the database may not be registered yet while the engine boots.
                last_error = exc
            time.sleep(0.25)
        raise EmbeddedServerError(
            f"embedded graph server did not answer on {self.uri} within {timeout:.0f}s"
            f" (last error: {last_error}); log tail ({self.log_path}):\n{self.log_tail()}"
        )

    def stop(self, timeout: float = 20.0) -> None:
        """Ask the engine to shut down cleanly (SIGTERM); SIGKILL it if it takes over `timeout` seconds."""
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._process = None

    def kill(self) -> None:
        """SIGKILL the engine at once (simulates a crash); data is recovered from its WAL on start."""
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            process.kill()
            process.wait()
        self._process = None

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(FileNotFoundError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return "(no log)"

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# ---------------------------------------------------------------- child process


def _die_with_parent() -> None:
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watchdog() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(1.0)

    threading.Thread(target=watchdog, name="parent-watchdog", daemon=True).start()


def _serve(
    data_dir: Path,
    bolt_port: int,
    http_port: int,
    password: str,
    database: str,
    query_timeout: float,
) -> None:
    import arcadedb_embedded as arcadedb

    os.chdir(data_dir)  # ArcadeDB writes ./log relative to the cwd
    stop_requested = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop_requested.set())
    signal.signal(signal.SIGINT, lambda *_: stop_requested.set())
    if query_timeout > 0:
        # arcadedb.command.timeout is read from the JVM-wide configuration, not the server's.
        import jpype
        from arcadedb_embedded.jvm import start_jvm

        start_jvm()
        global_configuration = jpype.JClass("com.arcadedb.GlobalConfiguration")
        global_configuration.COMMAND_TIMEOUT.setValue(int(query_timeout * 1000))
    server = arcadedb.create_server(
        str(data_dir / "databases"),
        root_password=password,
        config={
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_port": bolt_port,
            "http_port": http_port,
        },
    )
    server.start()
    # The engine's getDatabase(name, createIfNotExists=True): idempotent across restarts.
    server.create_database(database)
    print(
        f"embedded graph server ready: bolt={bolt_port} http={http_port} db={database}",
        flush=True,
    )
    while not stop_requested.wait(0.5):
        pass
    print("embedded graph server stopping", flush=True)
    server.stop()
    print("embedded graph server stopped", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the embedded ArcadeDB graph engine (Bolt).")
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--bolt-port", type=int, required=True)
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--password-file", type=Path)
    parser.add_argument("--database", default="cinema")
    parser.add_argument("--query-timeout", type=float, default=10.0, help="seconds; 0 disables")
    args = parser.parse_args(argv)
    if args.password_file is not None:
        password = args.password_file.read_text().strip()
    else:
        password = os.environ.get(PASSWORD_ENV, "")
    if len(password) < 8:
        parser.error(f"a root password of at least 8 characters is required (--password-file or {PASSWORD_ENV})")
    _die_with_parent()
    data_dir = args.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    code = 0
    try:
        _serve(
            data_dir,
            args.bolt_port,
            args.http_port,
            password,
            args.database,
            args.query_timeout,
        )
    except Exception as exc:  # noqa: BLE001 - report any start failure, then exit hard (see below)
        print(f"embedded graph server failed: {exc!r}", file=sys.stderr, flush=True)
        code = 1
    # jpype hangs or segfaults in interpreter shutdown after the server stops.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
