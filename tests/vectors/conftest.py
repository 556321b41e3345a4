# Until the root tests/conftest.py lists it in pytest_plugins.
from tests.fixtures_vectors import *
