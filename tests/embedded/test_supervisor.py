"""The embedded platform's supervision and its free-port probe, without a full start: a killed
child engine comes back, counted in /metrics; a socket in TIME_WAIT does not block a restart."""

from __future__ import annotations

import logging
import socket

import pytest

from embedded.graph import free_port
from embedded.launcher import _require_free_port
from embedded.redis import EmbeddedRedis
from embedded.supervisor import Supervisor


@pytest.fixture
def redis(tmp_path):
    server = EmbeddedRedis(tmp_path / "redis", append_only=False)
    server.start()
    yield server
    server.stop()


def test_a_killed_redis_is_restarted_logged_and_counted(redis, caplog):
    supervisor = Supervisor()
    supervisor.watch("test-redis", redis.is_running, redis.start)

    supervisor.check_once()  # running: nothing to do
    redis.kill()
    with caplog.at_level(logging.WARNING, logger="embedded"):
        supervisor.check_once()

    assert redis.is_running()
    assert supervisor.children[0].restarts == 1
    assert any("test-redis restarted" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_restarts_are_served_at_metrics(redis, client):
    supervisor = Supervisor()
    supervisor.watch("metrics-redis", redis.is_running, redis.start)
    redis.kill()
    supervisor.check_once()

    body = client.get("/metrics").content.decode()

    assert 'cinema_embedded_restarts_total{engine="metrics-redis"} 1.0' in body


def test_a_failing_restart_backs_off():
    attempts: list[int] = []

    def start() -> None:
        attempts.append(1)
        raise RuntimeError("still broken")

    supervisor = Supervisor()
    supervisor.watch("broken", lambda: False, start)

    supervisor.check_once()
    supervisor.check_once()  # within the backoff: not tried again

    assert len(attempts) == 1
    assert supervisor.children[0].backoff_seconds > 0.5


def test_a_port_left_in_time_wait_is_free_for_a_restart():
    port = free_port()
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen()
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = listener.accept()
        accepted.close()  # the server side closes first: its end of the connection is in TIME_WAIT
        client.close()

    _require_free_port(port, "http")  # no SystemExit


def test_a_port_truly_held_still_gets_the_clear_message():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]

        with pytest.raises(SystemExit, match=f"port {port} \\(http\\) is already in use"):
            _require_free_port(port, "http")
