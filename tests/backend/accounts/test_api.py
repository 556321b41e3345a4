"""Accounts through the HTTP API: registration, JWT, /api/me/ and public profiles."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from backend.accounts.models import Profile
from tests.factories import PASSWORD, MovieFactory, UserFactory

User = get_user_model()
REGISTER = "/api/auth/register/"


@pytest.mark.django_db
def test_register_creates_user_and_profile_and_answers_201(api_client, outbox_counts, latest_events):
    response = api_client.post(REGISTER, {"username": "ada", "password": PASSWORD, "email": "ada@example.test"})

    assert response.status_code == 201
    user = User.objects.get(username="ada")
    assert response.json() == {"id": user.id, "username": "ada", "email": "ada@example.test"}
    assert user.check_password(PASSWORD)
    assert Profile.objects.get(user=user).display_name == "ada"
    assert outbox_counts().events == 1
    assert latest_events(1) == [("user", str(user.id), "user.created")]


@pytest.mark.django_db
def test_register_with_a_taken_username_answers_409_and_writes_nothing(api_client, user, outbox_counts):
    before = outbox_counts()

    response = api_client.post(
        REGISTER, {"username": user.username, "password": PASSWORD, "email": "other@example.test"}
    )

    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "code": "conflict",
            "message": "That username is taken.",
            "fields": {"username": ["That username is taken."]},
        }
    }
    assert User.objects.filter(username=user.username).count() == 1
    assert outbox_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password, message",
    [
        ("short1x", "This password is too short. It must contain at least 8 characters."),
        ("password", "This password is too common."),
        ("83749201938475", "This password is entirely numeric."),
        ("grace-hopper-example", "The password is too similar to the email address."),
    ],
    ids=["too-short", "common", "numeric", "similar-to-email"],
)
def test_register_applies_django_password_validators(api_client, outbox_counts, password, message):
    response = api_client.post(
        REGISTER, {"username": "grace", "password": password, "email": "grace-hopper-example@x.test"}
    )

    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "invalid"
    assert message in body["error"]["fields"]["password"]
    assert not User.objects.filter(username="grace").exists()
    assert outbox_counts().events == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload, field",
    [
        ({"password": PASSWORD, "email": "a@example.test"}, "username"),
        ({"username": "ada", "email": "a@example.test"}, "password"),
        ({"username": "ada", "password": PASSWORD}, "email"),
        ({"username": "ada", "password": PASSWORD, "email": "not-an-email"}, "email"),
        ({"username": "ada lovelace", "password": PASSWORD, "email": "a@example.test"}, "username"),
    ],
    ids=["no-username", "no-password", "no-email", "bad-email", "space-in-username"],
)
def test_register_with_invalid_fields_answers_400_naming_the_field(api_client, outbox_counts, payload, field):
    response = api_client.post(REGISTER, payload)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert list(response.json()["error"]["fields"]) == [field]
    assert User.objects.count() == 0
    assert outbox_counts().events == 0


@pytest.mark.django_db
def test_token_pair_authenticates_and_refresh_gives_a_new_pair(api_client, user):
    tokens = api_client.post("/api/auth/token/", {"username": user.username, "password": PASSWORD})
    assert tokens.status_code == 200
    assert set(tokens.json()) == {"access", "refresh"}

    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.json()['access']}")
    me = api_client.get("/api/me/")
    assert me.status_code == 200
    assert me.json()["id"] == user.id

    refreshed = api_client.post("/api/auth/token/refresh/", {"refresh": tokens.json()["refresh"]})
    assert refreshed.status_code == 200
    assert set(refreshed.json()) == {"access", "refresh"}  # rotation: a new refresh token each time
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {refreshed.json()['access']}")
    assert api_client.get("/api/me/").json()["id"] == user.id


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, payload",
    [
        ("/api/auth/token/", {"username": "nobody", "password": PASSWORD}),
        ("/api/auth/token/refresh/", {"refresh": "not-a-token"}),
    ],
    ids=["wrong-credentials", "bad-refresh"],
)
def test_token_endpoints_refuse_bad_credentials_with_401(api_client, user, path, payload):
    response = api_client.post(path, payload)

    assert response.status_code == 401
    assert set(response.json()["error"]) == {"code", "message", "fields"}


@pytest.mark.django_db
def test_a_garbage_bearer_token_answers_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer garbage")

    response = api_client.get("/api/me/")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_not_valid"


@pytest.mark.django_db
def test_me_returns_the_signed_in_profile(client_of, user):
    response = client_of(user).get("/api/me/")

    assert response.status_code == 200
    assert response.json() == {
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "display_name": user.username,
        "bio": "",
        "is_private": False,
    }


@pytest.mark.django_db
def test_me_requires_sign_in(api_client):
    response = api_client.get("/api/me/")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
def test_patch_me_changes_the_profile_with_one_event(client_of, user, outbox_counts, latest_events):
    before = outbox_counts()

    response = client_of(user).patch("/api/me/", {"display_name": "Ada L.", "bio": "Films.", "is_private": True})

    assert response.status_code == 200
    assert response.json() == {
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "display_name": "Ada L.",
        "bio": "Films.",
        "is_private": True,
    }
    profile = Profile.objects.get(user=user)
    assert (profile.display_name, profile.bio, profile.is_private) == ("Ada L.", "Films.", True)
    assert outbox_counts().events == before.events + 1
    assert latest_events(1) == [("user", str(user.id), "user.updated")]


@pytest.mark.django_db
def test_repeating_the_same_patch_me_records_no_second_event(client_of, user, outbox_counts):
    client = client_of(user)
    client.patch("/api/me/", {"bio": "Same."})
    before = outbox_counts()

    response = client.patch("/api/me/", {"bio": "Same."})

    assert response.status_code == 200
    assert outbox_counts() == before


@pytest.mark.django_db
def test_patch_me_ignores_read_only_username_and_email(client_of, user):
    response = client_of(user).patch("/api/me/", {"username": "hijack", "email": "hijack@example.test"})

    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.username, response.json()["username"]) == (user.username, user.username)
    assert user.username != "hijack"
    assert user.email != "hijack@example.test"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload, field",
    [
        ({"display_name": "x" * 81}, "display_name"),
        ({"bio": "x" * 501}, "bio"),
        ({"is_private": "maybe"}, "is_private"),
    ],
    ids=["long-display-name", "long-bio", "not-a-boolean"],
)
def test_patch_me_with_invalid_fields_answers_400_and_changes_nothing(client_of, user, outbox_counts, payload, field):
    before = outbox_counts()

    response = client_of(user).patch("/api/me/", {**payload, "bio": payload.get("bio", "should not be saved")})

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert Profile.objects.get(user=user).bio == ""
    assert outbox_counts() == before


@pytest.mark.django_db
def test_public_profile_counts_followers_following_and_likes(api_client, client_of):
    owner, fan, other = UserFactory(), UserFactory(), UserFactory()
    movies = [MovieFactory() for _ in range(3)]
    client_of(fan).post(f"/api/users/{owner.id}/follow/")
    client_of(other).post(f"/api/users/{owner.id}/follow/")
    client_of(owner).post(f"/api/users/{other.id}/follow/")
    for movie in movies:
        client_of(owner).post(f"/api/movies/{movie.id}/like/")

    response = api_client.get(f"/api/users/{owner.id}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": owner.id,
        "username": owner.username,
        "display_name": owner.username,
        "bio": "",
        "is_private": False,
        "follower_count": 2,
        "following_count": 1,
        "like_count": 3,
    }


@pytest.mark.django_db
def test_public_profile_of_an_unknown_or_inactive_user_is_404(api_client, user):
    User.objects.filter(id=user.id).update(is_active=False)

    for user_id in (user.id, user.id + 1000):
        response = api_client.get(f"/api/users/{user_id}/")
        assert response.status_code == 404
        assert response.json() == {"error": {"code": "not_found", "message": "No such user.", "fields": {}}}
