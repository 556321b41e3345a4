"""Hostile input found by an outside test pass, each once a 500: now a 4xx in the error shape."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from backend.catalog.models import Movie
from tests.factories import PASSWORD, MovieFactory

User = get_user_model()
ERROR_KEYS = {"code", "message", "fields"}


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


JSON_ENDPOINTS = [
    ("put", "/api/movies/{movie}/rating/"),
    ("patch", "/api/me/"),
    ("post", "/api/movies/"),
    ("patch", "/api/movies/{movie}/"),
    ("post", "/api/auth/register/"),
    ("post", "/api/auth/token/"),
    ("post", "/api/auth/token/refresh/"),
    ("post", "/api/search/semantic/by-example/"),
    ("post", "/api/sync/replay/"),
    ("post", "/api/sync/rebuild/"),
    ("post", "/api/sync/reconcile/"),
    ("post", "/api/sync/deliveries/retry/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [33, 1000, 30_000])
def test_json_nested_deep_is_400_malformed_on_every_json_endpoint(client_of, staff, depth):
    movie = MovieFactory()
    client = client_of(staff)
    body = '{"score": ' + nested(depth) + "}"

    for method, path in JSON_ENDPOINTS:
        response = getattr(client, method)(path.format(movie=movie.id), data=body, content_type="application/json")

        assert response.status_code == 400, (path, response.content[:200])
        assert response.json()["error"]["code"] == "malformed"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload, field",
    [
        ({"username": "u" * 81, "email": "a@example.test"}, "username"),
        ({"username": "u" * 150, "email": "a@example.test"}, "username"),
        ({"username": "longmail", "email": "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "test"}, "email"),
    ],
    ids=["username-81", "username-150", "email-over-254"],
)
def test_register_refuses_what_the_columns_cannot_hold_with_400(api_client, payload, field):
    response = api_client.post("/api/auth/register/", {**payload, "password": PASSWORD})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("look_alike", ["ＡＤＡ", "ａｄａ", "Ada", "ADA", "ada"])
def test_look_alike_usernames_are_the_same_account(api_client, look_alike):
    first = api_client.post("/api/auth/register/", {"username": "ada", "password": PASSWORD, "email": "a@b.test"})

    second = api_client.post("/api/auth/register/", {"username": look_alike, "password": PASSWORD, "email": "c@d.test"})

    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["error"]["fields"] == {"username": ["That username is taken."]}
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_a_fullwidth_username_is_stored_normalized(api_client):
    response = api_client.post(
        "/api/auth/register/", {"username": "ｇｒａｃｅ", "password": PASSWORD, "email": "g@b.test"}
    )

    assert response.status_code == 201
    assert response.json()["username"] == "grace"


@pytest.mark.django_db
def test_the_database_refuses_a_case_variant_username_too():
    from django.db import IntegrityError, transaction

    User.objects.create(username="ada")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="ADA")


@pytest.mark.django_db
def test_an_empty_imdb_id_means_none(client_of, staff):
    MovieFactory(imdb_id="tt0000001")
    client = client_of(staff)

    first = client.post("/api/movies/", {"title": "One", "imdb_id": ""})
    second = client.post("/api/movies/", {"title": "Two", "imdb_id": ""})

    assert (first.status_code, second.status_code) == (201, 201), second.content
    assert Movie.objects.filter(imdb_id__isnull=True).count() == 2
    assert client.patch(f"/api/movies/{first.json()['id']}/", {"imdb_id": ""}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/api/sync/deliveries/?status=%00", "/api/movies/?ordering=%00", "/api/movies/?x%00=1", "/api/users/?q=a%00"],
)
def test_a_nul_byte_in_a_query_parameter_is_400_naming_it(client_of, staff, path):
    response = client_of(staff).get(path)

    assert response.status_code == 400
    body = response.json()["error"]
    assert set(body) == ERROR_KEYS and body["code"] == "invalid"
    assert body["fields"]
