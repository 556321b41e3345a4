"""Pytest fixtures for graph tests: one embedded engine per test session, a clean graph per test.

Registered as a plugin (`pytest_plugins = ["tests.fixtures_graph"]`); it does not need Django.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from embedded.graph import EmbeddedGraphServer, free_port
from graph import driver, projection, schema


def distinct_free_ports(count: int) -> list[int]:
    """`count` different ports that are free right now."""
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


def new_embedded_server(data_dir: Path, **kwargs: float) -> EmbeddedGraphServer:
    bolt_port, http_port = distinct_free_ports(2)
    return EmbeddedGraphServer(
        data_dir,
        bolt_port=bolt_port,
        http_port=http_port,
        password=secrets.token_urlsafe(16),
        **kwargs,
    )


@pytest.fixture(scope="session")
def graph_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[EmbeddedGraphServer]:
    """A running embedded engine, configured as this process's graph store, schema bootstrapped."""
    server = new_embedded_server(tmp_path_factory.mktemp("graph-engine"))
    server.start()
    try:
        driver.configure(server.settings())
        schema.bootstrap()
        yield server
    finally:
        driver.configure(None)
        server.stop()


@pytest.fixture
def graph(graph_server: EmbeddedGraphServer) -> EmbeddedGraphServer:
    """The session engine with an empty graph (constraints kept) and the driver configured for it."""
    driver.configure(graph_server.settings())
    projection.clear_all()
    return graph_server
