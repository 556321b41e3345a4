"""`make run` end to end: the launcher starts every embedded engine, serves the API with the demo
data synced into the projections, and leaves no process behind when stopped."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import psutil
import pytest

from backend.config.env import BASE_DIR, SERVICE_URLS
from embedded.graph import free_port

pytestmark = pytest.mark.slow

START_TIMEOUT_SECONDS = 240


def launcher_environment(data_dir, **ports: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_URLS and k not in ("SECRET_KEY", "QDRANT_PATH")}
    env.update(LOCAL_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="backend.config.settings")
    env.update({name: str(port) for name, port in ports.items()})
    return env


def get_json(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def postmaster(data_dir) -> psutil.Process:
    """pgserver's Postgres: not a child of the launcher (pg_ctl detaches it)."""
    return psutil.Process(int((data_dir / "postgres" / "postmaster.pid").read_text().splitlines()[0]))


# Two waits of START_TIMEOUT_SECONDS (start, then the demo data through the sync) and the stop.
@pytest.mark.timeout(2 * START_TIMEOUT_SECONDS + 120)
def test_run_serves_every_store_and_stops_cleanly(tmp_path):
    """Through `make run`, stopped by SIGINT to make's own PID (not its process group)."""
    http_port = free_port()
    env = launcher_environment(tmp_path, HTTP_PORT=http_port, BOLT_PORT=free_port(), GRAPH_HTTP_PORT=free_port())
    log = tmp_path / "run.log"
    process = subprocess.Popen(
        ["make", "-s", "run"], cwd=BASE_DIR, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while "API on" not in log.read_text(errors="replace"):
            assert process.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "no 'API on' line in time"
            time.sleep(0.5)
        children = psutil.Process(process.pid).children(recursive=True)
        assert len(children) > 1, "the launcher, and the graph engine and redis as its child processes"
        postgres = postmaster(tmp_path)

        status, health = get_json(f"http://127.0.0.1:{http_port}/api/health/")
        assert status == 200, health
        assert {name: store["status"] for name, store in health["stores"].items()} == dict.fromkeys(
            ("postgres", "graph", "vectors", "broker"), "up"
        )
        status, movies = get_json(f"http://127.0.0.1:{http_port}/api/movies/?page_size=1")
        assert status == 200 and movies["count"] > 90

        # The demo data reaches both projections through the in-process worker.
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            _, health = get_json(f"http://127.0.0.1:{http_port}/api/health/")
            if all(target["backlog"] == 0 for target in health["sync"].values()):
                break
            assert time.monotonic() < deadline, health["sync"]
            time.sleep(1)
        status, similar = get_json(f"http://127.0.0.1:{http_port}/api/movies/1/similar/?limit=3")
        assert status == 200 and len(similar) == 3
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    assert process.returncode is not None
    time.sleep(1)
    assert [c.pid for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE] == []
    assert not postgres.is_running() or postgres.status() == psutil.STATUS_ZOMBIE


@pytest.mark.parametrize("taken", ["HTTP_PORT", "BOLT_PORT"])
def test_a_taken_port_is_named_and_nothing_starts(tmp_path, taken):
    ports = {"HTTP_PORT": free_port(), "BOLT_PORT": free_port(), "GRAPH_HTTP_PORT": free_port()}
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", ports[taken]))
        holder.listen()
        result = subprocess.run(
            [sys.executable, "-m", "embedded"],
            cwd=BASE_DIR,
            env=launcher_environment(tmp_path, **ports),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode != 0
    assert f"port {ports[taken]}" in result.stderr and taken in result.stderr
    assert "Traceback" not in result.stderr
