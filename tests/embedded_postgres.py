"""Loaded first (`-p tests.embedded_postgres` in pytest.ini), before pytest-django reads the settings:
points DATABASE_URL at the embedded Postgres unless the environment names a server."""

from embedded.postgres import use_embedded_postgres

use_embedded_postgres()
