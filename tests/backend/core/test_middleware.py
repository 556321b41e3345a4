"""Request-level protections: the body size limit (backend/core/middleware.py), CORS, and throttles."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import override_settings
from rest_framework.throttling import SimpleRateThrottle

from backend.social.models import Rating
from tests.factories import PASSWORD, MovieFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method, path",
    [("put", "/api/movies/{movie}/rating/"), ("post", "/api/auth/register/"), ("patch", "/api/me/")],
)
def test_a_body_over_the_limit_is_413_with_the_error_shape(client_of, user, outbox_counts, settings, method, path):
    movie = MovieFactory()
    before = outbox_counts()
    body = '{"score": 4, "padding": "' + "x" * settings.MAX_REQUEST_BODY_BYTES + '"}'

    response = getattr(client_of(user), method)(path.format(movie=movie.id), data=body, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {
        "error": {
            "code": "too_large",
            "message": f"Request body over {settings.MAX_REQUEST_BODY_BYTES} bytes.",
            "fields": {},
        }
    }
    assert not Rating.objects.exists()
    assert outbox_counts() == before


@pytest.mark.django_db
def test_a_body_just_under_the_limit_is_accepted(client_of, user, settings):
    movie = MovieFactory()
    prefix, suffix = '{"score": 4, "padding": "', '"}'
    body = prefix + "x" * (settings.MAX_REQUEST_BODY_BYTES - len(prefix) - len(suffix)) + suffix
    assert len(body) == settings.MAX_REQUEST_BODY_BYTES

    response = client_of(user).put(f"/api/movies/{movie.id}/rating/", data=body, content_type="application/json")

    assert response.status_code == 201


# ------------------------------------------------------------------ CORS


def _preflight(client, origin: str):
    return client.options("/api/movies/", HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")


@pytest.mark.django_db
@override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.test"])
def test_a_preflight_from_an_allowed_origin_gets_the_cors_headers(client):
    response = _preflight(client, "https://app.example.test")

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "https://app.example.test"
    assert "GET" in response["Access-Control-Allow-Methods"]


@pytest.mark.django_db
@override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.test"])
def test_a_preflight_from_another_origin_gets_no_cors_header(client):
    response = _preflight(client, "https://evil.example.test")

    assert "Access-Control-Allow-Origin" not in response


# ------------------------------------------------------------------ throttling


@pytest.fixture
def low_rates(monkeypatch):
    """Throttle rates of 2 per minute. DRF binds THROTTLE_RATES at import, so the override is applied
    both to the settings (for DRF's reload) and to the throttle class, with an empty cache around it."""
    rates = {"anon": "2/min", "user": "2/min", "auth": "2/min"}
    caches["throttle"].clear()
    with override_settings(REST_FRAMEWORK={**django_settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
        yield
    caches["throttle"].clear()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, payload",
    [
        ("/api/auth/token/", {"username": "nobody", "password": PASSWORD}),
        ("/api/auth/token/refresh/", {"refresh": "not-a-token"}),
        ("/api/auth/register/", {"username": "x y", "password": PASSWORD, "email": "x@example.test"}),
    ],
)
def test_auth_endpoints_answer_429_past_the_auth_rate(api_client, low_rates, path, payload):
    statuses = [api_client.post(path, payload).status_code for _ in range(3)]

    assert statuses[:2] == [statuses[0]] * 2 and statuses[0] in (400, 401)
    assert statuses[2] == 429
    response = api_client.post(path, payload)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_anonymous_reads_answer_429_past_the_anon_rate(api_client, low_rates):
    statuses = [api_client.get("/api/movies/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


@pytest.mark.django_db
def test_signed_in_users_are_throttled_per_user(client_of, user, low_rates):
    other = client_of(user.__class__.objects.create_user("second", password=PASSWORD))
    client = client_of(user)

    assert [client.get("/api/movies/").status_code for _ in range(3)] == [200, 200, 429]
    assert other.get("/api/movies/").status_code == 200
