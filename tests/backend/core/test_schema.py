"""The OpenAPI 3 schema (drf-spectacular) validates, is served with Swagger UI, and documents each
endpoint's request, response and error shapes."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

ERROR_REF = "#/components/schemas/Error"
# Each endpoint of the accounts, catalog and social API, with its success status and whether it takes a body.
ENDPOINTS = [
    ("post", "/api/auth/register/", "201", True),
    ("post", "/api/auth/token/", "200", True),
    ("post", "/api/auth/token/refresh/", "200", True),
    ("get", "/api/me/", "200", False),
    ("patch", "/api/me/", "200", True),
    ("delete", "/api/me/", "204", True),
    ("post", "/api/me/password/", "200", True),
    ("post", "/api/auth/logout/", "204", True),
    ("post", "/api/me/exports/", "202", False),
    ("get", "/api/me/exports/{export_id}/", "200", False),
    ("get", "/api/me/exports/{export_id}/download/", "200", False),
    ("post", "/api/me/imports/", "202", True),
    ("get", "/api/me/imports/{import_id}/", "200", False),
    ("get", "/api/users/{user_id}/", "200", False),
    ("get", "/api/movies/", "200", False),
    ("post", "/api/movies/", "201", True),
    ("get", "/api/movies/{movie_id}/", "200", False),
    ("put", "/api/movies/{movie_id}/", "200", True),
    ("patch", "/api/movies/{movie_id}/", "200", True),
    ("delete", "/api/movies/{movie_id}/", "204", False),
    ("put", "/api/movies/{movie_id}/rating/", "200", True),
    ("delete", "/api/movies/{movie_id}/rating/", "204", False),
    ("post", "/api/movies/{movie_id}/like/", "201", False),
    ("delete", "/api/movies/{movie_id}/like/", "204", False),
    ("post", "/api/users/{user_id}/follow/", "201", False),
    ("delete", "/api/users/{user_id}/follow/", "204", False),
    ("get", "/api/users/{user_id}/followers/", "200", False),
    ("get", "/api/users/{user_id}/following/", "200", False),
    ("get", "/api/users/{user_id}/ratings/", "200", False),
    ("get", "/api/users/{user_id}/likes/", "200", False),
    ("get", "/api/me/ratings/", "200", False),
    ("get", "/api/me/likes/", "200", False),
    ("get", "/api/me/recommendations/", "200", False),
    ("get", "/api/me/recommendations/hidden/", "200", False),
    ("post", "/api/me/recommendations/hidden/", "201", True),
    ("delete", "/api/me/recommendations/hidden/", "204", False),
    ("get", "/api/me/preferences/", "200", False),
    ("put", "/api/me/preferences/", "200", True),
]


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker) -> dict:
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--validate", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_schema_validates_without_warnings(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    assert yaml.safe_load((tmp_path / "schema.yaml").read_text())["openapi"].startswith("3.")


@pytest.mark.django_db
def test_schema_is_served_as_openapi_3(api_client):
    response = api_client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    body = response.json()
    assert body["openapi"].startswith("3.")
    assert body["info"]["title"] == "Cinema platform API"


@pytest.mark.django_db
def test_swagger_ui_is_served(api_client):
    response = api_client.get("/api/docs/")

    assert response.status_code == 200
    assert b"swagger-ui" in response.content


@pytest.mark.parametrize("method, path, success, has_body", ENDPOINTS, ids=[f"{m} {p}" for m, p, _, _ in ENDPOINTS])
def test_each_endpoint_documents_request_response_and_error_shapes(schema, method, path, success, has_body):
    operation = schema["paths"][path][method]
    responses = operation["responses"]

    assert success in responses
    assert ("requestBody" in operation) == has_body
    for status in ("400", "401", "403", "404", "429"):
        assert responses[status]["content"]["application/json"]["schema"]["$ref"] == ERROR_REF, status


def test_every_api_operation_documents_the_error_shape(schema):
    undocumented = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if path != "/api/health/" and "400" not in operation["responses"]
    ]

    assert undocumented == []


def test_error_schema_is_the_one_error_shape(schema):
    components = schema["components"]["schemas"]

    assert components["Error"]["properties"]["error"]["$ref"] == "#/components/schemas/ErrorBody"
    assert set(components["ErrorBody"]["properties"]) == {"code", "message", "fields"}


@pytest.mark.django_db
def test_the_docs_page_loads_nothing_from_outside(api_client):
    import re

    response = api_client.get("/api/docs/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "swagger-ui" in page
    assert re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page) == []
    assert re.findall(r"https?://(?!127\\.0\\.0\\.1|localhost|testserver)", page) == []
