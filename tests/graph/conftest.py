# Until the root tests/conftest.py lists "tests.fixtures_graph" in pytest_plugins.
from tests.fixtures_graph import graph, graph_server  # noqa: F401
