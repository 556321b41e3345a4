"""The Docker deployment (Dockerfile, docker-compose.yml, .env.example) checked against what the
app reads, and the settings' refusal of malformed values as an operator sees it.

No container engine is needed: the files are parsed, and the settings run in subprocesses with
DATABASE_URL set, so no embedded Postgres starts. No test here touches the database.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
import yaml

from backend.config.env import BASE_DIR, SERVICE_URLS, VARIABLES

COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
DOCKERFILE = (BASE_DIR / "Dockerfile").read_text()
ENV_EXAMPLE = (BASE_DIR / ".env.example").read_text()

STORES = ("postgres", "neo4j", "qdrant", "redis")
APP_SERVICES = ("web", "worker", "worker-embeddings", "beat")
# Every service built from the project's image; all of them load the Django settings.
IMAGE_SERVICES = (*APP_SERVICES, "migrate", "flower")

# Each service URL: the compose service it must name, that service's image and its port.
URL_TARGETS = {
    "DATABASE_URL": ("postgres", "postgres", 5432),
    "NEO4J_URI": ("neo4j", "neo4j", 7687),
    "QDRANT_URL": ("qdrant", "qdrant/qdrant", 6333),
    "CELERY_BROKER_URL": ("redis", "redis", 6379),
    "REDIS_URL": ("redis", "redis", 6379),
}
# Where each store keeps its data inside its container: the named volume must be mounted there.
STORE_DATA_PATHS = {
    "postgres": "/var/lib/postgresql/data",
    "neo4j": "/data",
    "qdrant": "/qdrant/storage",
    "redis": "/data",
}
REQUIRED_IN_CONTAINERS = (
    *SERVICE_URLS,
    "SECRET_KEY",
    "NEO4J_USER",
    "NEO4J_PASSWORD",
    "NEO4J_DATABASE",
)
# App variables the containers deliberately do not get, and why.
NOT_IN_COMPOSE = {
    "LOCAL_DATA_DIR": "data of the embedded engines, which the full stack does not start",
    "QDRANT_PATH": "the embedded Edge shard admits one process; the stack uses the Qdrant server",
    "QDRANT_API_KEY": "the compose Qdrant runs without a key on the private network",
    "HTTP_PORT": "make run only",
    "BOLT_PORT": "make run only",
    "GRAPH_HTTP_PORT": "make run only",
}
# Variables a container may get that the app does not read itself: each is read by a tool.
TOOL_VARIABLES = {
    "DJANGO_SETTINGS_MODULE": "Django and Celery",
    "HF_HUB_OFFLINE": "huggingface_hub",
    "PYTHONUNBUFFERED": "the Python interpreter",
    "PYTHONDONTWRITEBYTECODE": "the Python interpreter",
}

_DEFAULTED = re.compile(r"\$\{(\w+):?-([^}]*)\}")
_BARE = re.compile(r"\$\{?\w+")


def interpolated(value):
    """The value compose gives with no `.env`: `${NAME:-default}` becomes its default, `$$` a `$`."""
    if not isinstance(value, str):
        return value
    value = _DEFAULTED.sub(lambda match: match.group(2), value)
    unresolved = _BARE.search(value.replace("$$", ""))
    assert unresolved is None, f"{value!r}: a variable without a default is empty when .env lacks it"
    return value.replace("$$", "$")


def environment(service: str) -> dict[str, str]:
    env = SERVICES[service].get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {name: interpolated(str(value)) for name, value in env.items()}


def command(service: str) -> list[str]:
    value = SERVICES[service].get("command") or []
    return shlex.split(value) if isinstance(value, str) else [str(part) for part in value]


def option(arguments: list[str], short: str, long: str) -> str | None:
    for index, argument in enumerate(arguments):
        if argument in (short, long):
            return arguments[index + 1]
        if argument.startswith(long + "="):
            return argument.split("=", 1)[1]
    return None


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n(\s*#[^\n]*\n)*", " ", DOCKERFILE)
    instructions = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, arguments = line.partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def env_example_assignments() -> list[tuple[str, bool, str]]:
    """(name, is_commented_out, value) for each `NAME=value` or `# NAME=value` line."""
    assignments = []
    for line in ENV_EXAMPLE.splitlines():
        match = re.match(r"^(#\s?)?([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            assignments.append((match.group(2), match.group(1) is not None, match.group(3)))
    return assignments


def run_settings(env: dict[str, str], code: str = "import django; django.setup()"):
    """Load the production settings in a fresh interpreter with exactly `env` (plus PATH/HOME)."""
    base = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    base["DJANGO_SETTINGS_MODULE"] = "backend.config.settings"
    return subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        cwd=BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- docker-compose.yml: services, images, health, order ------------------------------


@pytest.mark.parametrize("service", [*STORES, *APP_SERVICES, "migrate", "flower"])
def test_compose_defines_every_service_the_platform_needs(service):
    assert service in SERVICES


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_image_is_pinned_to_a_tag(service):
    image = SERVICES[service].get("image")
    assert image, f"{service} names no image"
    name, _, tag = image.rpartition(":")
    assert name and "/" not in tag, f"{service}: {image!r} has no tag"
    assert tag != "latest"
    if "build" not in SERVICES[service]:
        assert re.search(r"\d", tag), f"{service}: {image!r} is not pinned to a version"


@pytest.mark.parametrize("service", [*STORES, "web"])
def test_stores_and_web_have_a_healthcheck(service):
    healthcheck = SERVICES[service].get("healthcheck") or {}
    assert healthcheck.get("test"), f"{service} has no healthcheck"
    assert not healthcheck.get("disable")


def test_web_healthcheck_asks_the_health_endpoint_without_curl():
    from django.urls import reverse

    probe = " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert f"127.0.0.1:8000{reverse('health')}" in probe
    assert "urllib" in probe and "curl" not in probe


@pytest.mark.parametrize("service", [*APP_SERVICES, "migrate"])
def test_app_services_start_after_every_store_is_healthy(service):
    depends_on = SERVICES[service].get("depends_on") or {}
    for store in STORES:
        assert depends_on.get(store, {}).get("condition") == "service_healthy", f"{service} -> {store}"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_start_after_the_one_shot_migration(service):
    depends_on = SERVICES[service]["depends_on"]
    assert depends_on["migrate"]["condition"] == "service_completed_successfully"


def test_migration_service_migrates_bootstraps_and_loads_the_demo_once():
    from django.core.management import get_commands

    script = " ".join(command("migrate"))
    steps = [
        "manage.py migrate",
        "manage.py bootstrap_stores",
        "manage.py load_demo --if-empty",
    ]
    positions = [script.find(step) for step in steps]
    assert -1 not in positions and positions == sorted(positions), script
    assert {"migrate", "bootstrap_stores", "load_demo", "collectstatic"} <= set(get_commands())
    assert SERVICES["migrate"].get("restart", "no") == "no"


@pytest.mark.parametrize("store", STORES)
def test_each_store_keeps_its_data_in_a_declared_named_volume(store):
    declared = COMPOSE.get("volumes") or {}
    mounts = [str(volume).split(":")[:2] for volume in SERVICES[store].get("volumes", [])]
    named = {target: source for source, target in mounts if not source.startswith((".", "/", "~"))}
    assert STORE_DATA_PATHS[store] in named, f"{store}: no named volume at {STORE_DATA_PATHS[store]}"
    assert named[STORE_DATA_PATHS[store]] in declared


def test_redis_persists_with_the_append_only_file():
    arguments = command("redis")
    assert option(arguments, "--appendonly", "--appendonly") == "yes"


def test_web_publishes_port_8000():
    container_ports = {str(port).split("/")[0].rsplit(":", 1)[-1] for port in SERVICES["web"].get("ports", [])}
    assert "8000" in container_ports


WORKERS = ("worker", "worker-embeddings")


def worker_queues(service: str) -> set[str]:
    arguments = command(service)
    assert arguments[0] == "celery" and "worker" in arguments
    assert option(arguments, "-A", "--app") == "tasks"
    queues = option(arguments, "-Q", "--queues")
    assert queues is not None, f"{service} names no queues"
    return set(queues.split(","))


def test_the_workers_consume_every_queue_the_celery_app_declares():
    from tasks import app

    assert set().union(*(worker_queues(service) for service in WORKERS)) == {q.name for q in app.conf.task_queues}


def test_embeddings_have_a_pool_of_their_own():
    assert worker_queues("worker-embeddings") == {"embeddings"}
    assert "embeddings" not in worker_queues("worker")


@pytest.mark.parametrize("service, subcommand", [("beat", "beat"), ("flower", "flower")])
def test_beat_and_flower_run_the_project_celery_app(service, subcommand):
    arguments = command(service)
    assert arguments[0] == "celery" and subcommand in arguments
    assert option(arguments, "-A", "--app") == "tasks"


# --- docker-compose.yml: the environment the containers get ---------------------------


@pytest.mark.parametrize("service", IMAGE_SERVICES)
def test_app_containers_get_every_required_variable(service):
    env = environment(service)
    missing = [name for name in REQUIRED_IN_CONTAINERS if not env.get(name)]
    assert not missing, f"{service} lacks {missing}"


@pytest.mark.parametrize("service", IMAGE_SERVICES)
def test_app_containers_get_only_variables_the_app_or_a_tool_reads(service):
    unknown = set(environment(service)) - set(VARIABLES) - set(TOOL_VARIABLES)
    assert not unknown


@pytest.mark.parametrize("service", IMAGE_SERVICES)
def test_app_containers_use_the_qdrant_server_never_the_embedded_shard(service):
    env = environment(service)
    assert env["QDRANT_URL"].startswith("http")
    assert "QDRANT_PATH" not in env


def test_every_app_variable_is_given_to_the_containers_or_left_out_on_purpose():
    given = set(environment("web"))
    assert set(VARIABLES) - given == set(NOT_IN_COMPOSE)


@pytest.mark.parametrize("variable", SERVICE_URLS)
def test_service_urls_name_a_compose_service_and_its_port(variable):
    assert set(URL_TARGETS) == set(SERVICE_URLS), "a new service URL needs a row in URL_TARGETS"
    service, image, port = URL_TARGETS[variable]
    for app_service in IMAGE_SERVICES:
        url = urlsplit(environment(app_service)[variable])
        assert (url.hostname, url.port) == (service, port), f"{app_service}: {variable}"
    assert SERVICES[service]["image"].rpartition(":")[0] == image


def test_database_url_carries_the_postgres_container_credentials():
    url = urlsplit(environment("web")["DATABASE_URL"])
    postgres = environment("postgres")
    assert url.username == postgres["POSTGRES_USER"]
    assert url.password == postgres["POSTGRES_PASSWORD"]
    assert url.path.lstrip("/") == postgres["POSTGRES_DB"]


def test_neo4j_credentials_match_the_neo4j_container_auth():
    app = environment("web")
    assert environment("neo4j")["NEO4J_AUTH"] == f"{app['NEO4J_USER']}/{app['NEO4J_PASSWORD']}"
    assert len(app["NEO4J_PASSWORD"]) >= 8, "Neo4j 5 refuses passwords shorter than 8 characters"


def test_the_compose_environment_passes_settings_validation_and_selects_the_servers():
    result = run_settings(
        environment("web"),
        "import django; django.setup()\n"
        "from backend.core.stores import graph_settings, vector_settings\n"
        "print(graph_settings().uri, vector_settings().url, vector_settings().path)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["bolt://neo4j:7687", "http://qdrant:6333", "None"]


# --- Dockerfile -----------------------------------------------------------------------


def test_dockerfile_pins_a_python_311_slim_base_image():
    bases = [arguments.split()[0] for keyword, arguments in dockerfile_instructions() if keyword == "FROM"]
    assert bases
    for base in bases:
        name, _, tag = base.partition(":")
        assert name == "python" and re.match(r"3\.11(\.\d+)?-slim", tag), base


def test_dockerfile_installs_cpu_torch_before_the_requirements():
    runs = " && ".join(arguments for keyword, arguments in dockerfile_instructions() if keyword == "RUN")
    cpu_torch = re.search(
        r"pip install --no-cache-dir --index-url https://download\.pytorch\.org/whl/cpu\b[^&]*torch",
        runs,
    )
    requirements = runs.find("pip install --no-cache-dir -r requirements.txt")
    assert cpu_torch and requirements != -1
    assert cpu_torch.start() < requirements
    torch_pins = re.findall(r"^torch==\S+$", (BASE_DIR / "requirements.txt").read_text(), re.MULTILINE)
    assert len(torch_pins) == 1, "the Dockerfile installs the one torch pin of requirements.txt"


def test_dockerfile_collects_static_files_with_placeholder_secrets():
    runs = [arguments for keyword, arguments in dockerfile_instructions() if keyword == "RUN"]
    collect = next(run for run in runs if "collectstatic" in run)
    assert "--noinput" in collect
    assert "SECRET_KEY=" in collect and "DATABASE_URL=postgres://" in collect


def test_dockerfile_runs_gunicorn_offline_as_a_non_root_user():
    from django.conf import settings

    instructions = dockerfile_instructions()
    users = [arguments for keyword, arguments in instructions if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    env_lines = " ".join(arguments for keyword, arguments in instructions if keyword == "ENV")
    assert "HF_HUB_OFFLINE=1" in env_lines
    cmd = next(arguments for keyword, arguments in reversed(instructions) if keyword == "CMD")
    wsgi = settings.WSGI_APPLICATION.rsplit(".", 1)
    assert "gunicorn" in cmd and f"{wsgi[0]}:{wsgi[1]}" in cmd and "0.0.0.0:8000" in cmd


def test_dockerfile_copies_every_package_the_processes_import():
    from django.conf import settings

    copied = {arguments.split()[0].rstrip("/") for keyword, arguments in dockerfile_instructions() if keyword == "COPY"}
    project_apps = {app.split(".")[0] for app in settings.INSTALLED_APPS if (BASE_DIR / app.split(".")[0]).is_dir()}
    assert {"manage.py", "graph", "vectors", "tasks", *project_apps} <= copied


# --- .env.example ---------------------------------------------------------------------


def test_env_example_lists_exactly_the_variables_the_app_reads():
    names = [name for name, _, _ in env_example_assignments()]
    assert len(names) == len(set(names)), "a variable is listed twice"
    assert set(names) == set(VARIABLES)


def test_env_example_describes_each_variable_on_the_line_above():
    lines = ENV_EXAMPLE.splitlines()
    for index, line in enumerate(lines):
        if re.match(r"^(#\s?)?[A-Z][A-Z0-9_]*=", line):
            above = lines[index - 1]
            assert above.startswith("# ") and not re.match(r"^#\s?[A-Z][A-Z0-9_]*=", above), line


def test_env_example_leaves_the_service_urls_unset_for_the_embedded_engines():
    commented = {name: is_commented for name, is_commented, _ in env_example_assignments()}
    assert all(commented[name] for name in SERVICE_URLS)


def test_env_example_values_pass_settings_validation():
    values = {name: value for name, _, value in env_example_assignments()}
    result = run_settings(values)
    assert result.returncode == 0, result.stderr


# --- Settings validation, from the outside --------------------------------------------

VALID_ENV = {
    "SECRET_KEY": "deployment-test-key",
    "DATABASE_URL": "postgres://cinema:cinema@127.0.0.1:5432/cinema",
}


def test_valid_environment_loads_the_settings():
    result = run_settings(VALID_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize(
    "variable, value, named",
    [
        ("NEO4J_URI", "http://neo4j:7687", "NEO4J_URI"),
        ("NEO4J_URI", "bolt://neo4j:7687", "NEO4J_PASSWORD"),
        ("NEO4J_QUERY_TIMEOUT", "soon", "NEO4J_QUERY_TIMEOUT"),
        ("NEO4J_QUERY_TIMEOUT", "nan", "NEO4J_QUERY_TIMEOUT"),
        ("DEBUG", "maybe", "DEBUG"),
        ("SECRET_KEY", "", "SECRET_KEY"),
        ("THROTTLE_ANON", "lots", "THROTTLE_ANON"),
        ("THROTTLE_AUTH", "5/fortnight", "THROTTLE_AUTH"),
        ("QDRANT_HNSW_M", "abc", "QDRANT_HNSW_M"),
        ("QDRANT_HNSW_EF_CONSTRUCT", "2", "QDRANT_HNSW_EF_CONSTRUCT"),
        ("QDRANT_URL", "ftp://qdrant:6333", "QDRANT_URL"),
        ("QDRANT_URL", "http://qdrant:99999", "QDRANT_URL"),
        ("DATABASE_URL", "mysql://cinema@db/cinema", "DATABASE_URL"),
        ("DATABASE_URL", "postgres://cinema:secret@db:notaport/cinema", "DATABASE_URL"),
        ("DATABASE_URL", "postgres://[::1/cinema", "DATABASE_URL"),
        ("CELERY_BROKER_URL", "redis-at-6379", "CELERY_BROKER_URL"),
        ("REDIS_URL", "http://redis:6379", "REDIS_URL"),
        ("EMBEDDING_DEVICE", "tpu", "EMBEDDING_DEVICE"),
        ("MAX_REQUEST_BODY_BYTES", "1e6", "MAX_REQUEST_BODY_BYTES"),
        ("RANKING_MIN_VOTES", "0", "RANKING_MIN_VOTES"),
        ("SYNC_SWEEP_AFTER_SECONDS", "-1", "SYNC_SWEEP_AFTER_SECONDS"),
    ],
)
def test_malformed_setting_stops_the_process_with_one_line_naming_it(variable, value, named):
    result = run_settings({**VALID_ENV, variable: value})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0]


def test_malformed_url_error_does_not_echo_the_password():
    result = run_settings({**VALID_ENV, "DATABASE_URL": "postgres://cinema:s3cret-pw@db:notaport/cinema"})
    assert result.returncode != 0
    assert "s3cret-pw" not in result.stderr
