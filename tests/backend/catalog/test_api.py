"""The catalog through the HTTP API: list, detail with the viewer's own rating and like, and the
staff-only writes, each with its one outbox event."""

from __future__ import annotations

from datetime import date

import pytest

from backend.catalog.models import Credit, Movie
from backend.catalog.services import CreditInput
from tests.factories import GenreFactory, MovieFactory, PersonFactory, UserFactory

MOVIES = "/api/movies/"


def _detail(movie_id: int) -> str:
    return f"/api/movies/{movie_id}/"


@pytest.mark.django_db
def test_list_is_paginated_with_the_summary_shape(api_client):
    movie = MovieFactory(title="Alpha", genres=("Drama", "Crime"), release_date=date(1999, 3, 1), popularity=2.5)
    for _ in range(4):
        MovieFactory()

    response = api_client.get(MOVIES, {"page_size": 2})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert body["previous"] is None
    assert body["next"].endswith("page=2&page_size=2")
    assert body["results"][0] == {
        "id": movie.id,
        "title": "Alpha",
        "year": 1999,
        "release_date": "1999-03-01",
        "original_language": "en",
        "genres": ["Crime", "Drama"],
        "poster_url": "",
        "popularity": 2.5,
        "rating_count": None,
        "rating_mean": None,
        "rank_score": 0.0,
        "rank_position": None,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("page_size, expected", [(1, 1), (100, 100), (500, 100)])
def test_page_size_is_capped_at_100(api_client, page_size, expected):
    Movie.objects.bulk_create(Movie(title=f"Bulk {n}") for n in range(101))

    response = api_client.get(MOVIES, {"page_size": page_size})

    assert response.status_code == 200
    assert len(response.json()["results"]) == expected


@pytest.mark.django_db
def test_a_page_past_the_end_is_404(api_client):
    MovieFactory()

    response = api_client.get(MOVIES, {"page": 9})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_detail_has_genres_main_cast_and_director(api_client):
    actors = [PersonFactory(name=f"Actor {n}") for n in range(7)]
    director, writer = PersonFactory(name="The Director"), PersonFactory(name="The Writer")
    credits = [CreditInput(person.id, Credit.CAST, character=f"Role {n}", order=n) for n, person in enumerate(actors)]
    credits += [
        CreditInput(director.id, Credit.CREW, job="Director"),
        CreditInput(writer.id, Credit.CREW, job="Writer"),
    ]
    movie = MovieFactory(title="Cast Test", genres=("Drama",), credits=credits)

    response = api_client.get(_detail(movie.id))

    assert response.status_code == 200
    body = response.json()
    assert body["genres"] == ["Drama"]
    assert body["cast"] == [
        {"person_id": actors[n].id, "name": f"Actor {n}", "character": f"Role {n}", "order": n} for n in range(5)
    ]
    assert body["directors"] == [{"person_id": director.id, "name": "The Director"}]
    assert body["viewer"] is None
    assert body["overview"] == "A story told for the tests."


@pytest.mark.django_db
def test_detail_shows_a_signed_in_viewer_their_own_rating_and_like(client_of):
    viewer, other = UserFactory(), UserFactory()
    rated, untouched = MovieFactory(), MovieFactory()
    client_of(viewer).put(f"/api/movies/{rated.id}/rating/", {"score": 4.5})
    client_of(viewer).post(f"/api/movies/{rated.id}/like/")
    client_of(other).put(f"/api/movies/{untouched.id}/rating/", {"score": 1})

    assert client_of(viewer).get(_detail(rated.id)).json()["viewer"] == {"rating": "4.5", "liked": True}
    assert client_of(viewer).get(_detail(untouched.id)).json()["viewer"] == {"rating": None, "liked": False}
    assert client_of(other).get(_detail(rated.id)).json()["viewer"] == {"rating": None, "liked": False}


@pytest.mark.django_db
def test_unknown_movie_is_404(api_client):
    response = api_client.get(_detail(987654))

    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "No such movie.", "fields": {}}}


@pytest.mark.django_db
def test_staff_creates_a_movie_with_genres_and_credits(client_of, staff, outbox_counts, latest_events):
    GenreFactory(name="Heist")
    director = PersonFactory(name="Dee Rector")
    before = outbox_counts()
    payload = {
        "title": "Vault Job",
        "release_date": "2011-06-01",
        "overview": "A crew robs a vault.",
        "original_language": "en",
        "popularity": 3.0,
        "genres": ["Heist"],
        "credits": [{"person_id": director.id, "kind": "crew", "job": "Director"}],
    }

    response = client_of(staff).post(MOVIES, payload)

    assert response.status_code == 201
    movie = Movie.objects.get(title="Vault Job")
    body = response.json()
    assert body["id"] == movie.id
    assert (body["year"], body["original_title"], body["genres"]) == (2011, "Vault Job", ["Heist"])
    assert body["directors"] == [{"person_id": director.id, "name": "Dee Rector"}]
    assert outbox_counts().events == before.events + 1
    assert outbox_counts().deliveries == before.deliveries + 2  # graph and vectors
    assert latest_events(1) == [("movie", str(movie.id), "movie.created")]


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "patch"])
def test_staff_updates_a_movie_with_one_event(client_of, staff, outbox_counts, latest_events, method):
    movie = MovieFactory(title="Old", genres=("Drama",))
    GenreFactory(name="Comedy")
    before = outbox_counts()

    response = getattr(client_of(staff), method)(_detail(movie.id), {"title": "New", "genres": ["Comedy"]})

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["genres"]) == ("New", ["Comedy"])
    movie.refresh_from_db()
    assert movie.title == "New"
    assert [g.name for g in movie.genres.all()] == ["Comedy"]
    assert outbox_counts().events == before.events + 1
    assert latest_events(1) == [("movie", str(movie.id), "movie.updated")]


@pytest.mark.django_db
def test_put_without_the_required_title_is_400(client_of, staff, outbox_counts):
    movie = MovieFactory(title="Keep")
    before = outbox_counts()

    response = client_of(staff).put(_detail(movie.id), {"overview": "only this"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"title": ["This field is required."]}
    movie.refresh_from_db()
    assert (movie.title, movie.overview) == ("Keep", "A story told for the tests.")
    assert outbox_counts() == before


@pytest.mark.django_db
def test_staff_deletes_a_movie_and_its_ratings_and_likes(client_of, staff, user, outbox_counts, latest_events):
    movie = MovieFactory()
    client_of(user).put(f"/api/movies/{movie.id}/rating/", {"score": 3})
    client_of(user).post(f"/api/movies/{movie.id}/like/")
    before = outbox_counts()

    response = client_of(staff).delete(_detail(movie.id))

    assert response.status_code == 204
    assert not Movie.objects.filter(id=movie.id).exists()
    pair = f"{user.id}:{movie.id}"
    assert latest_events(3) == [
        ("like", pair, "like.deleted"),
        ("rating", pair, "rating.deleted"),
        ("movie", str(movie.id), "movie.deleted"),
    ]
    assert outbox_counts().events == before.events + 3
    assert client_of(staff).delete(_detail(movie.id)).status_code == 404


@pytest.mark.django_db
def test_deleting_an_unrated_movie_records_exactly_one_event(client_of, staff, outbox_counts, latest_events):
    movie = MovieFactory()
    before = outbox_counts()

    assert client_of(staff).delete(_detail(movie.id)).status_code == 204

    assert outbox_counts().events == before.events + 1
    assert latest_events(1) == [("movie", str(movie.id), "movie.deleted")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload, fields",
    [
        ({"title": "X", "genres": ["Nope"]}, {"genres": ["Unknown genre: Nope"]}),
        (
            {"title": "X", "credits": [{"person_id": 999999, "kind": "cast"}]},
            {"credits": ["Unknown person id: 999999"]},
        ),
        ({"overview": "no title"}, {"title": ["This field is required."]}),
        ({"title": "X", "release_date": "2020-13-01"}, None),
        ({"title": "X", "popularity": -1}, {"popularity": ["Must be zero or more."]}),
        ({"title": "X", "credits": [{"person_id": 1, "kind": "gaffer"}]}, None),
        ({"title": "X", "runtime": 70000}, None),
        ({"title": "X", "popularity": "NaN"}, None),
        ({"title": "X", "popularity": "Infinity"}, None),
        ({"title": "X", "genres": "Drama"}, None),
    ],
    ids=[
        "unknown-genre",
        "unknown-person",
        "missing-title",
        "bad-date",
        "negative-popularity",
        "bad-credit-kind",
        "runtime-overflow",
        "nan-popularity",
        "infinite-popularity",
        "genres-not-a-list",
    ],
)
def test_invalid_staff_create_is_400_and_writes_nothing(client_of, staff, outbox_counts, payload, fields):
    GenreFactory(name="Drama")
    before = outbox_counts()

    response = client_of(staff).post(MOVIES, payload)

    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "invalid"
    if fields is not None:
        assert body["fields"] == fields
    else:
        # a nested or list item's error has a dotted key: credits.0.kind
        assert {key.split(".")[0] for key in body["fields"]} == set(payload) - {"title"}
    assert Movie.objects.count() == 0
    assert outbox_counts() == before


@pytest.mark.django_db
def test_a_duplicate_imdb_id_is_400_not_500(client_of, staff, outbox_counts):
    MovieFactory(imdb_id="tt0000001")
    before = outbox_counts()

    response = client_of(staff).post(MOVIES, {"title": "Copy", "imdb_id": "tt0000001"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["imdb_id"]
    assert outbox_counts() == before


@pytest.mark.django_db
def test_an_update_with_an_unknown_genre_leaves_the_movie_as_it_was(client_of, staff, outbox_counts):
    movie = MovieFactory(title="Stable", genres=("Drama",))
    before = outbox_counts()

    response = client_of(staff).patch(_detail(movie.id), {"title": "Changed", "genres": ["Nope"]})

    assert response.status_code == 400
    movie.refresh_from_db()
    assert movie.title == "Stable"
    assert [g.name for g in movie.genres.all()] == ["Drama"]
    assert outbox_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_staff_write_to_an_unknown_movie_is_404(client_of, staff, method):
    response = getattr(client_of(staff), method)(_detail(987654), {"title": "X"})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# ------------------------------------------------------------------ query counts


def _movies_with_genres(count: int) -> list[Movie]:
    GenreFactory(name="Drama")
    GenreFactory(name="Crime")
    return [MovieFactory(genres=("Drama", "Crime")) for _ in range(count)]


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
@pytest.mark.parametrize(
    ("query", "queries"),
    [({}, 3), ({"q": "story"}, 4), ({"genre": "Drama", "ordering": "-popularity"}, 4)],
    ids=["plain", "search", "filtered"],
)
def test_movie_list_runs_a_fixed_number_of_queries_whatever_the_page_size(
    api_client, django_assert_num_queries, size, query, queries
):
    _movies_with_genres(size)

    # count, page of movies, their genres; a search first asks the typo index, a genre is looked up
    with django_assert_num_queries(queries):
        response = api_client.get(MOVIES, {**query, "page_size": size})

    assert response.status_code == 200
    assert len(response.json()["results"]) == size


@pytest.mark.django_db
@pytest.mark.parametrize("cast_size", [5, 50])
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_movie_detail_runs_a_fixed_number_of_queries(
    api_client, client_of, user, django_assert_num_queries, cast_size, signed_in
):
    GenreFactory(name="Drama")
    people = PersonFactory.create_batch(cast_size)
    credits = [CreditInput(p.id, Credit.CAST, order=n) for n, p in enumerate(people)]
    credits += [CreditInput(p.id, Credit.CREW, job="Director") for p in people[: cast_size // 5]]
    movie = MovieFactory(genres=("Drama",), credits=credits)
    client = client_of(user) if signed_in else api_client

    # movie, genres, cast, directors (+ the viewer's rating and like, in one query)
    with django_assert_num_queries(5 if signed_in else 4):
        response = client.get(_detail(movie.id))

    assert response.status_code == 200
    assert len(response.json()["cast"]) == 5


@pytest.mark.django_db
def test_repeating_the_same_staff_put_records_no_extra_event(client_of, staff, outbox_counts):
    GenreFactory(name="Drama")
    person = PersonFactory()
    movie = MovieFactory(title="Same")
    payload = {
        "title": "Same",
        "release_date": "2001-05-04",
        "popularity": 2.0,
        "genres": ["Drama"],
        "credits": [{"person_id": person.id, "kind": "cast", "character": "Lead"}],
    }
    client = client_of(staff)
    assert client.put(_detail(movie.id), payload).status_code == 200
    before = outbox_counts()
    updated_at = Movie.objects.get(id=movie.id).updated_at

    response = client.put(_detail(movie.id), payload)

    assert response.status_code == 200
    assert response.json()["cast"] == [{"person_id": person.id, "name": person.name, "character": "Lead", "order": 0}]
    assert outbox_counts() == before
    assert Movie.objects.get(id=movie.id).updated_at == updated_at
