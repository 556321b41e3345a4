"""Sessions through the HTTP API: rotation on refresh, logout and password change revoke refresh
tokens, so a stolen refresh token stops working."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD

TOKEN = "/api/auth/token/"
REFRESH = "/api/auth/token/refresh/"
LOGOUT = "/api/auth/logout/"
PASSWORD_URL = "/api/me/password/"
NEW_PASSWORD = "an-entirely-new-secret-7"


def sign_in(client, user, password=PASSWORD) -> dict:
    response = client.post(TOKEN, {"username": user.username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_refresh_rotates_and_the_used_refresh_token_stops_working(api_client, user):
    tokens = sign_in(api_client, user)

    rotated = api_client.post(REFRESH, {"refresh": tokens["refresh"]})
    replayed = api_client.post(REFRESH, {"refresh": tokens["refresh"]})

    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != tokens["refresh"]
    assert replayed.status_code == 401
    assert replayed.json()["error"]["code"] == "token_not_valid"
    assert api_client.post(REFRESH, {"refresh": rotated.json()["refresh"]}).status_code == 200


@pytest.mark.django_db
def test_logout_revokes_that_refresh_token_only(api_client, user):
    phone, laptop = sign_in(api_client, user), sign_in(api_client, user)

    response = api_client.post(LOGOUT, {"refresh": phone["refresh"]})

    assert response.status_code == 204
    assert api_client.post(REFRESH, {"refresh": phone["refresh"]}).status_code == 401
    assert api_client.post(REFRESH, {"refresh": laptop["refresh"]}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("payload, status", [({}, 400), ({"refresh": "not-a-token"}, 401)], ids=["missing", "garbage"])
def test_logout_refuses_a_missing_or_bad_token(api_client, payload, status):
    response = api_client.post(LOGOUT, payload)

    assert response.status_code == status
    assert set(response.json()["error"]) == {"code", "message", "fields"}


@pytest.mark.django_db
def test_logging_out_twice_answers_401(api_client, user):
    tokens = sign_in(api_client, user)
    assert api_client.post(LOGOUT, {"refresh": tokens["refresh"]}).status_code == 204

    assert api_client.post(LOGOUT, {"refresh": tokens["refresh"]}).status_code == 401


@pytest.mark.django_db
def test_password_change_revokes_every_refresh_token_and_answers_a_fresh_pair(api_client, user):
    sessions = [sign_in(api_client, user) for _ in range(3)]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {sessions[0]['access']}")

    response = api_client.post(PASSWORD_URL, {"old_password": PASSWORD, "new_password": NEW_PASSWORD})

    assert response.status_code == 200
    fresh = response.json()
    api_client.credentials()
    for session in sessions:
        assert api_client.post(REFRESH, {"refresh": session["refresh"]}).status_code == 401
    assert api_client.post(REFRESH, {"refresh": fresh["refresh"]}).status_code == 200
    assert api_client.post(TOKEN, {"username": user.username, "password": PASSWORD}).status_code == 401
    sign_in(api_client, user, NEW_PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload, field, message",
    [
        ({"old_password": "wrong-password-9", "new_password": NEW_PASSWORD}, "old_password", "wrong"),
        ({"old_password": PASSWORD, "new_password": "short1x"}, "new_password", "too short"),
        ({"old_password": PASSWORD, "new_password": "password"}, "new_password", "too common"),
        ({"old_password": PASSWORD, "new_password": "83749201938475"}, "new_password", "entirely numeric"),
        ({"new_password": NEW_PASSWORD}, "old_password", "required"),
        ({"old_password": PASSWORD}, "new_password", "required"),
    ],
    ids=["wrong-old", "too-short", "common", "numeric", "no-old", "no-new"],
)
def test_password_change_refusals_name_the_field_and_change_nothing(api_client, user, payload, field, message):
    tokens = sign_in(api_client, user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")

    response = api_client.post(PASSWORD_URL, payload)

    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "invalid"
    assert any(message in text for text in body["fields"][field])
    api_client.credentials()
    assert api_client.post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 200
    sign_in(api_client, user)


def test_password_change_requires_sign_in(api_client, db):
    assert api_client.post(PASSWORD_URL, {"old_password": PASSWORD, "new_password": NEW_PASSWORD}).status_code == 401
