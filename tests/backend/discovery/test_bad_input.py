"""Discovery endpoints refuse bad input (400), unknown ids (404) and anonymous callers of the
viewer's own questions (401) before any store is asked."""

from __future__ import annotations

import pytest

from tests.factories import MovieFactory, UserFactory

UNKNOWN_ID = 987_654_321


@pytest.fixture
def movie(db):
    return MovieFactory()


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/me/feed/friends-liked/", {"page": 0}, "page"),
        ("/api/me/feed/friends-liked/", {"page": 21}, "page"),
        ("/api/me/feed/friends-liked/", {"page_size": 1000}, "page_size"),
        ("/api/me/feed/friends-liked/", {"page_size": 0}, "page_size"),
        ("/api/me/feed/friends-liked/", {"since": "notadate"}, "since"),
        ("/api/me/suggestions/follow/", {"limit": 0}, "limit"),
        ("/api/me/suggestions/follow/", {"limit": 1000}, "limit"),
        ("/api/movies/{movie}/also-liked/", {"limit": 0}, "limit"),
        ("/api/movies/{movie}/also-liked/", {"limit": 1000}, "limit"),
        ("/api/movies/{movie}/similar/", {"limit": 0}, "limit"),
        ("/api/movies/{movie}/similar/", {"limit": 1000}, "limit"),
        ("/api/search/semantic/", {"q": "space", "limit": 0}, "limit"),
        ("/api/search/semantic/", {"q": "space", "limit": 1000}, "limit"),
        ("/api/search/semantic/", {"q": ""}, "q"),
        ("/api/search/semantic/", {"q": "   "}, "q"),
        ("/api/search/semantic/", {"q": "x" * 501}, "q"),
        ("/api/search/semantic/", {}, "q"),
    ],
)
def test_bad_query_parameters_answer_400_naming_the_field(client_of, user, movie, path, params, field):
    response = client_of(user).get(path.format(movie=movie.id), params)

    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "invalid"
    assert list(body["error"]["fields"]) == [field]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "positive"),
        ({"positive": []}, "positive"),
        ({"positive": [0]}, "positive.0"),
        ({"positive": list(range(1, 22))}, "positive"),
        ({"positive": [1], "limit": 0}, "limit"),
    ],
)
def test_by_example_refuses_a_malformed_body(api_client, db, body, field):
    response = api_client.post("/api/search/semantic/by-example/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


def test_by_example_with_an_unknown_movie_answers_400_naming_it(api_client, movie):
    response = api_client.post(
        "/api/search/semantic/by-example/", {"positive": [movie.id], "negative": [UNKNOWN_ID]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"movie_ids": [str(UNKNOWN_ID)]}


@pytest.mark.parametrize(
    "path",
    [
        f"/api/movies/{UNKNOWN_ID}/friends/",
        f"/api/movies/{UNKNOWN_ID}/also-liked/",
        f"/api/movies/{UNKNOWN_ID}/similar/",
        f"/api/users/{UNKNOWN_ID}/connection/",
    ],
)
def test_unknown_movie_or_user_answers_404(client_of, user, path):
    response = client_of(user).get(path)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_connection_to_a_deactivated_user_answers_404(client_of, user):
    gone = UserFactory()
    type(gone).objects.filter(id=gone.id).update(is_active=False)

    assert client_of(user).get(f"/api/users/{gone.id}/connection/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/me/feed/friends-liked/",
        "/api/me/suggestions/follow/",
        "/api/movies/{movie}/friends/",
        "/api/users/{user}/connection/",
    ],
)
def test_anonymous_callers_of_viewer_questions_get_401(api_client, user, movie, path):
    response = api_client.get(path.format(movie=movie.id, user=user.id))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
