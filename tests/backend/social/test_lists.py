"""Lists through the HTTP API: create, add with notes, reorder, remove, the owner alone writing,
and who may see a list (owner, follower, followed-by-owner, blocked, anonymous)."""

from __future__ import annotations

import pytest

from backend.social.models import FilmList, Follow, ListEntry
from backend.social.services import follow_user
from backend.social.services.blocks import block_user
from backend.social.services.lists import list_create, list_entry_add
from tests.factories import MovieFactory, UserFactory


def _titles(body) -> list[str]:
    return [e["movie"]["title"] for e in body["entries"]]


@pytest.mark.django_db
def test_a_list_is_made_filled_annotated_reordered_and_trimmed(client_of, user):
    a, b, c = (MovieFactory(title=t) for t in "ABC")
    client = client_of(user)
    created = client.post("/api/me/lists/", {"name": "Rainy days", "description": "For <rain>."}, format="json")
    assert created.status_code == 201, created.json()
    list_id = created.json()["id"]
    for movie in (a, b, c):
        added = client.post(f"/api/lists/{list_id}/entries/", {"movie_id": movie.id, "note": f"why {movie.title}"})
        assert added.status_code == 201
    again = client.post(f"/api/lists/{list_id}/entries/", {"movie_id": a.id})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_listed")

    reordered = client.put(f"/api/lists/{list_id}/order/", {"movie_ids": [c.id, a.id, b.id]}, format="json")
    assert _titles(reordered.json()) == ["C", "A", "B"]
    assert client.patch(f"/api/lists/{list_id}/entries/{a.id}/", {"note": "changed"}).json()["note"] == "changed"
    for _ in range(2):
        assert client.delete(f"/api/lists/{list_id}/entries/{c.id}/").status_code == 204

    body = client.get(f"/api/lists/{list_id}/").json()
    assert _titles(body) == ["A", "B"]
    assert [(e["position"], e["note"]) for e in body["entries"]] == [(0, "changed"), (1, "why B")]
    assert (body["name"], body["description"], body["entry_count"]) == ("Rainy days", "For <rain>.", 2)
    assert client.patch(f"/api/lists/{list_id}/", {"is_public": False}, format="json").json()["is_public"] is False
    assert client.delete(f"/api/lists/{list_id}/").status_code == 204
    assert not FilmList.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method, path, payload, status, field",
    [
        ("post", "/api/me/lists/", {}, 400, "name"),
        ("post", "/api/me/lists/", {"name": "x" * 101}, 400, "name"),
        ("post", "/api/me/lists/", {"name": "Taken"}, 409, "name"),
        ("post", "/api/lists/{id}/entries/", {"movie_id": "x"}, 400, "movie_id"),
        ("post", "/api/lists/{id}/entries/", {"movie_id": 999_999}, 404, None),
        ("post", "/api/lists/{id}/entries/", {"movie_id": "{movie}", "note": "x" * 1001}, 400, "note"),
        ("put", "/api/lists/{id}/order/", {"movie_ids": []}, 400, "movie_ids"),
        ("put", "/api/lists/{id}/order/", {"movie_ids": ["{movie}", "{movie}"]}, 400, "movie_ids"),
        ("patch", "/api/lists/{id}/entries/999999/", {"note": "x"}, 404, None),
        ("get", "/api/lists/999999/", None, 404, None),
    ],
)
def test_bad_list_writes_answer_in_the_error_shape(client_of, user, method, path, payload, status, field):
    movie = MovieFactory()
    film_list = list_create(user, name="Taken")
    list_entry_add(user, film_list.id, movie.id)
    if payload:
        payload = {
            k: (
                [movie.id if i == "{movie}" else i for i in v]
                if isinstance(v, list)
                else movie.id
                if v == "{movie}"
                else v
            )
            for k, v in payload.items()
        }

    response = getattr(client_of(user), method)(path.format(id=film_list.id), payload, format="json")

    assert response.status_code == status, response.json()
    if field:
        assert field in response.json()["error"]["fields"]
    assert ListEntry.objects.count() == 1


# ---------------------------------------------------------------- who sees and who writes

VISIBLE = {"owner": True, "followed-by-owner": True, "follower": False, "blocked": False, "anonymous": False}


@pytest.fixture
def list_world(db):
    """A private owner with one public and one private list. The owner follows `followed-by-owner`;
    `follower` follows the owner (not followed back); `blocked` was followed, then blocked."""
    owner = UserFactory(is_private=True)
    viewers = {"owner": owner, "followed-by-owner": UserFactory(), "follower": UserFactory(), "blocked": UserFactory()}
    follow_user(owner, viewers["followed-by-owner"].id)
    follow_user(owner, viewers["blocked"].id)
    Follow.objects.create(follower=viewers["follower"], followee=owner)
    block_user(owner, viewers["blocked"].id)
    public = list_create(owner, name="Shared")
    private = list_create(owner, name="Mine", is_public=False)
    list_entry_add(owner, public.id, MovieFactory().id)
    viewers["anonymous"] = None
    return owner, public, private, viewers


@pytest.mark.parametrize("angle", VISIBLE)
def test_lists_show_only_where_the_privacy_and_block_rules_allow(api_client, client_of, list_world, angle):
    owner, public, private, viewers = list_world
    client = api_client if viewers[angle] is None else client_of(viewers[angle])

    of_user = client.get(f"/api/users/{owner.id}/lists/")
    shared = client.get(f"/api/lists/{public.id}/")
    mine = client.get(f"/api/lists/{private.id}/")

    if VISIBLE[angle]:
        names = {row["name"] for row in of_user.json()["results"]}
        assert names == ({"Shared", "Mine"} if angle == "owner" else {"Shared"})
        assert shared.status_code == 200
    else:
        assert of_user.status_code == 403
        assert shared.status_code == 404
    assert mine.status_code == (200 if angle == "owner" else 404)


@pytest.mark.parametrize("angle", ["followed-by-owner", "blocked", "anonymous"])
def test_only_the_owner_writes_a_list(api_client, client_of, list_world, angle):
    owner, public, _, viewers = list_world
    client = api_client if viewers[angle] is None else client_of(viewers[angle])

    response = client.post(f"/api/lists/{public.id}/entries/", {"movie_id": MovieFactory().id})
    renamed = client.patch(f"/api/lists/{public.id}/", {"name": "Mine now"}, format="json")

    expected = {"followed-by-owner": 403, "blocked": 404, "anonymous": 401}[angle]
    assert (response.status_code, renamed.status_code) == (expected, expected)
    assert FilmList.objects.get(id=public.id).name == "Shared"


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
def test_list_reads_run_a_fixed_number_of_queries(api_client, django_assert_num_queries, size):
    owner = UserFactory()
    movies = [MovieFactory(genres=("Drama",)) for _ in range(size)]
    lists = [FilmList.objects.create(owner=owner, name=f"List {i}") for i in range(size)]
    ListEntry.objects.bulk_create(ListEntry(film_list=lists[0], movie=m, position=i) for i, m in enumerate(movies))

    with django_assert_num_queries(3):  # the owner, count, page
        response = api_client.get(f"/api/users/{owner.id}/lists/", {"page_size": size})
    assert len(response.json()["results"]) == size
    with django_assert_num_queries(3):  # the list, entries with movies, genres
        response = api_client.get(f"/api/lists/{lists[0].id}/")
    assert len(response.json()["entries"]) == size
