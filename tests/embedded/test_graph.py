"""The embedded engine as a child process: stop, kill, restart, port clashes, timeouts, no orphans."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from embedded.graph import EmbeddedGraphServer, PortInUseError
from graph import driver
from graph.errors import GraphError, GraphUnavailable
from tests.fixtures_graph import new_embedded_server

FAST_FAILURE_SECONDS = 5.0


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    """An engine of its own (1 s query timeout), so these tests can stop and kill it freely."""
    server = new_embedded_server(tmp_path_factory.mktemp("own-engine"), query_timeout_seconds=1.0)
    server.start()
    warm_up(server)
    yield server
    server.stop()
    driver.configure(None)


@pytest.fixture
def on_own_server(own_server):
    if not own_server.is_running():
        own_server.start()
    driver.configure(own_server.settings(connection_timeout_seconds=1.0, max_transaction_retry_seconds=1.0))
    return own_server


def warm_up(server: EmbeddedGraphServer, *, within_seconds: float = 60.0) -> None:
    """Create the User type once: on a cold JVM on a loaded machine, the first write (a schema
    change in the engine) can outlast the 1 s query timeout these tests set to make timeouts quick."""
    driver.configure(server.settings())
    deadline = time.monotonic() + within_seconds
    while True:
        try:
            driver.write_rows("MERGE (u:User {id: $id})", {"id": 0})
            return
        except GraphError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def count_users() -> int:
    return driver.read_rows("MATCH (u:User) RETURN count(u) AS n", {})[0]["n"]


def test_stopped_engine_fails_fast_and_restart_keeps_data(on_own_server):
    driver.write_rows("MERGE (u:User {id: $id})", {"id": 101})
    before = count_users()
    on_own_server.stop()
    assert not on_own_server.is_running()
    started = time.monotonic()
    with pytest.raises(GraphUnavailable):
        count_users()
    assert time.monotonic() - started < FAST_FAILURE_SECONDS
    on_own_server.start()
    assert count_users() == before


def test_killed_engine_recovers_committed_data(on_own_server):
    driver.write_rows("MERGE (u:User {id: $id})", {"id": 102})
    before = count_users()
    on_own_server.kill()
    with pytest.raises(GraphUnavailable):
        count_users()
    on_own_server.start()
    assert count_users() == before


def test_query_over_the_timeout_is_unavailable(on_own_server):
    started = time.monotonic()
    with pytest.raises(GraphUnavailable, match="timed out"):
        driver.read_rows(
            "UNWIND range(1, 5000) AS x UNWIND range(1, 5000) AS y WITH x WHERE (x * y) % 7 = 0 RETURN count(x) AS n",
            {},
        )
    assert time.monotonic() - started < FAST_FAILURE_SECONDS


def test_taken_port_is_named_in_the_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = EmbeddedGraphServer(tmp_path, bolt_port=port, http_port=port + 1, password="a-long-password")
        with pytest.raises(PortInUseError, match=f"port {port} is already in use"):
            server.start()
        assert not server.is_running()


def test_engine_dies_with_its_parent(tmp_path):
    parent = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
        from pathlib import Path
        from tests.fixtures_graph import new_embedded_server
        server = new_embedded_server(Path({str(tmp_path)!r}))
        server.start()
        print(server.pid, flush=True)
        os._exit(3)  # die without stopping the engine
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", parent],
        check=False,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 3, result.stderr
    engine_pid = int(result.stdout.strip())
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _alive(engine_pid):
        time.sleep(0.2)
    assert not _alive(engine_pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (dead, not yet reaped by init) counts as gone.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(")")[-1].split()[0] != "Z"
