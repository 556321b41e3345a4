"""A store that is down makes its discovery endpoints answer 503 in the one error shape (never 500),
while the writes keep succeeding and /api/health/ names what is down.

The graph outage stops the session engine once for the whole module and starts it again at the
end, so these tests live apart from the ones that need a running graph."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import vectors
from tests.factories import MovieFactory, UserFactory
from vectors.settings import VectorSettings

GRAPH_READS = [
    "/api/me/feed/friends-liked/",
    "/api/me/suggestions/follow/",
    "/api/movies/{movie}/friends/",
    "/api/movies/{movie}/also-liked/",
    "/api/users/{other}/connection/",
]


def assert_store_unavailable(response, store: str) -> None:
    assert response.status_code == 503
    error = response.json()["error"]
    assert (error["code"], error["store"]) == ("store_unavailable", store)
    assert error["message"]


@pytest.fixture(scope="module")
def graph_down(graph_server) -> Iterator[None]:
    graph_server.stop()
    try:
        yield
    finally:
        graph_server.start()


@pytest.fixture
def people_and_movie(db, vector_shard_settings):
    # Created without on-commit hooks: nothing is sent to the (stopped) graph.
    return UserFactory(), UserFactory(), MovieFactory()


@pytest.mark.parametrize("path", GRAPH_READS)
def test_graph_reads_answer_503_while_the_graph_is_down(graph_down, people_and_movie, client_of, path):
    viewer, other, movie = people_and_movie

    response = client_of(viewer).get(path.format(movie=movie.id, other=other.id))

    assert_store_unavailable(response, "graph")


def test_writes_succeed_while_the_graph_is_down(graph_down, people_and_movie, client_of, on_commit):
    viewer, other, movie = people_and_movie
    client = client_of(viewer)

    with on_commit():
        followed = client.post(f"/api/users/{other.id}/follow/")
        rated = client.put(f"/api/movies/{movie.id}/rating/", {"score": 4.5}, format="json")
        rerated = client.put(f"/api/movies/{movie.id}/rating/", {"score": 3.0}, format="json")

    assert [r.status_code for r in (followed, rated, rerated)] == [201, 201, 200]


def test_health_names_the_graph_as_down_with_503(graph_down, db, vector_shard_settings, api_client):
    response = api_client.get("/api/health/")

    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["down"]) == ("unavailable", ["graph"])
    assert body["stores"]["graph"]["status"] == "down"
    assert {name: s["status"] for name, s in body["stores"].items() if name != "graph"} == {
        "postgres": "up",
        "vectors": "up",
        "broker": "up",
    }


@pytest.fixture
def vectors_down(vector_shard_settings) -> Iterator[None]:
    vectors.configure(VectorSettings(url="http://127.0.0.1:9", timeout_seconds=0.5))
    try:
        yield
    finally:
        vectors.configure(vector_shard_settings)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/movies/{movie}/similar/", None),
        ("get", "/api/search/semantic/?q=a+heist+in+a+casino", None),
        ("post", "/api/search/semantic/by-example/", {"positive": ["{movie}"]}),
    ],
    ids=["similar", "semantic", "by-example"],
)
def test_vector_reads_answer_503_while_the_vector_store_is_down(db, vectors_down, api_client, method, path, body):
    movie = MovieFactory()
    if body is not None:
        body = {"positive": [movie.id]}

    response = getattr(api_client, method)(path.format(movie=movie.id), body, format="json")

    assert_store_unavailable(response, "vectors")
