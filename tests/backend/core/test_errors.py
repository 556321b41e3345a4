"""One error shape everywhere (backend/core/errors.py): {"error": {"code", "message", "fields"}},
for malformed bodies, missing fields, unknown routes and hostile input, and never a 500."""

from __future__ import annotations

import pytest

from backend.social.models import Rating
from tests.factories import MovieFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method, path",
    [
        ("put", "/api/movies/{movie}/rating/"),
        ("patch", "/api/me/"),
        ("post", "/api/movies/"),
        ("post", "/api/auth/register/"),
    ],
)
def test_malformed_json_is_400_malformed_and_writes_nothing(client_of, staff, outbox_counts, method, path):
    movie = MovieFactory()
    before = outbox_counts()

    response = getattr(client_of(staff), method)(
        path.format(movie=movie.id), data='{"score": 4', content_type="application/json"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "malformed"
    assert body["error"]["message"].startswith("JSON parse error")
    assert body["error"]["fields"] == {}
    assert outbox_counts() == before
    assert not Rating.objects.exists()


@pytest.mark.django_db
def test_a_json_array_body_is_400_not_500(client_of, user):
    movie = MovieFactory()

    response = client_of(user).put(f"/api/movies/{movie.id}/rating/", data="[1, 2]", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


@pytest.mark.django_db
def test_an_unsupported_media_type_is_415_with_the_error_shape(client_of, user):
    movie = MovieFactory()

    response = client_of(user).put(f"/api/movies/{movie.id}/rating/", data="score=4", content_type="text/plain")

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method, path, payload, status",
    [
        ("get", "/api/movies/", {"page": "abc"}, 404),
        ("get", "/api/movies/", {"q": "\x00"}, 400),
        ("get", "/api/movies/", {"language": "\x00"}, 400),
        ("get", "/api/movies/", {"person": "-1"}, 400),
        ("get", "/api/movies/", {"genre": "\x00"}, 400),
        ("get", "/api/movies/99999999999999999999/", None, 404),
        ("get", "/api/users/99999999999999999999/", None, 404),
        ("get", "/api/users/99999999999999999999/ratings/", None, 404),
        (
            "post",
            "/api/auth/register/",
            {"username": "a\x00b", "password": "pw\x00-long-enough-1", "email": "a@b.test"},
            400,
        ),
        ("post", "/api/auth/token/", {"username": "\x00", "password": "\x00"}, 400),
        ("patch", "/api/me/", {"bio": "\x00"}, 400),
        ("patch", "/api/me/", {"display_name": ["not", "text"]}, 400),
        ("put", "/api/movies/{movie}/rating/", {"score": {"nested": 1}}, 400),
        ("put", "/api/movies/{movie}/rating/", {"score": True}, 400),
    ],
)
def test_hostile_input_gets_a_4xx_with_the_error_shape(client_of, user, method, path, payload, status):
    movie = MovieFactory()

    response = getattr(client_of(user), method)(path.format(movie=movie.id), payload)

    assert response.status_code == status
    assert set(response.json()["error"]) == {"code", "message", "fields"}


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"page_size": "-5"}, {"page_size": "abc"}, {"page_size": ["5", "6"]}])
def test_a_page_size_the_schema_rules_out_is_400_naming_it(api_client, params):
    response = api_client.get("/api/movies/", params)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["page_size"]


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"page_size": "500"}, {"year_min": "99999999999999999999999"}, {"q": "   "}])
def test_odd_but_harmless_list_parameters_answer_200(api_client, params):
    MovieFactory()

    response = api_client.get("/api/movies/", params)

    assert response.status_code == 200
    assert "results" in response.json()


@pytest.mark.django_db
def test_an_unknown_api_route_is_404(api_client):
    response = api_client.get("/api/no-such-thing/")

    assert response.status_code == 404


ERROR_KEYS = {"code", "message", "fields"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/api/no-such-thing/", "/api/movies/abc/", "/api/users/abc/follow/", "/api/movies/1.5/rating/", "/api/me/x"],
)
def test_django_level_404s_under_api_are_json_in_the_error_shape(api_client, path):
    response = api_client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()["error"]) == ERROR_KEYS
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_a_bad_host_header_under_api_is_400_json(client):
    response = client.get("/api/movies/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_too_many_form_fields_is_400_json(client_of, user, settings):
    fields = {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}

    # The import upload is the one endpoint that takes a form body (multipart).
    response = client_of(user).post("/api/me/imports/", data=fields, format="multipart")

    assert response.status_code == 400
    assert set(response.json()["error"]) == ERROR_KEYS


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer a.b.c"])
def test_a_bad_token_is_401_with_a_sentence_not_a_repr(api_client, header):
    response = api_client.get("/api/me/", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    message = response.json()["error"]["message"]
    assert "ErrorDetail" not in message and "{" not in message
    assert message


def test_nested_and_list_item_errors_flatten_to_lists_of_strings():
    from backend.core.errors import flat_fields

    detail = {"genres": {1: ["Not a valid string."]}, "profile": {"bio": ["Too long."]}, "items": [{}, {"x": ["Bad."]}]}

    assert flat_fields(detail) == {
        "genres.1": ["Not a valid string."],
        "profile.bio": ["Too long."],
        "items.1.x": ["Bad."],
    }
    assert flat_fields(["Wrong."]) == {"non_field_errors": ["Wrong."]}


@pytest.mark.django_db
def test_a_list_item_error_comes_back_as_a_list_of_strings(client_of, staff):
    response = client_of(staff).post("/api/movies/", {"title": "X", "genres": ["Drama", {"no": 1}]})

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields and all(isinstance(v, list) and all(isinstance(m, str) for m in v) for v in fields.values())


def test_register_documents_its_409():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)

    assert "409" in schema["paths"]["/api/auth/register/"]["post"]["responses"]
