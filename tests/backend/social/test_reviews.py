"""Reviews through the HTTP API: one per user per film, editable, kept as written, an optional
score that rates the film, likes, friends' first then most liked, full-text search, and the
privacy and block rules from the owner, a follower, a blocked user and an anonymous viewer."""

from __future__ import annotations

import pytest

from backend.social.models import Follow, Rating, Review, ReviewLike
from backend.social.services import follow_user
from backend.social.services.blocks import block_user
from backend.social.services.reviews import review_write
from tests.factories import MovieFactory, UserFactory


def _review(movie_id: int) -> str:
    return f"/api/movies/{movie_id}/review/"


@pytest.mark.django_db
def test_put_writes_then_replaces_one_review_kept_exactly_as_given(client_of, user):
    movie = MovieFactory()
    body = "  <b>Not bold</b> & <script>alert(1)</script>\n\nSecond paragraph.  "
    client = client_of(user)

    created = client.put(_review(movie.id), {"body": body, "has_spoilers": True, "score": "4.5"}, format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["body"], created.json()["has_spoilers"], created.json()["score"]) == (body, True, "4.5")
    assert Rating.objects.get(user=user, movie=movie).score == 4.5

    replaced = client.put(_review(movie.id), {"body": "Changed my mind."}, format="json")
    assert replaced.status_code == 200
    assert (replaced.json()["body"], replaced.json()["has_spoilers"], replaced.json()["score"]) == (
        "Changed my mind.",
        False,
        "4.5",
    )
    assert Review.objects.filter(user=user).count() == 1
    for _ in range(2):
        assert client.delete(_review(movie.id)).status_code == 204
    assert not Review.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "body"),
        ({"body": "   \n "}, "body"),
        ({"body": "x" * 20_001}, "body"),
        ({"body": "ok", "score": 7}, "score"),
        ({"body": "ok", "score": 3.3}, "score"),
        ({"body": "ok", "has_spoilers": "perhaps"}, "has_spoilers"),
    ],
)
def test_bad_reviews_are_400_with_field_errors(client_of, user, payload, field):
    movie = MovieFactory()

    response = client_of(user).put(_review(movie.id), payload, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_unknown_things_are_404_and_writes_need_sign_in(api_client, client_of, user):
    assert client_of(user).put(_review(999_999), {"body": "x"}, format="json").status_code == 404
    assert api_client.get("/api/movies/999999/reviews/").status_code == 404
    assert client_of(user).post("/api/reviews/999999/like/").status_code == 404
    assert api_client.put(_review(1), {"body": "x"}, format="json").status_code == 401
    assert api_client.post("/api/reviews/1/like/").status_code == 401


@pytest.mark.django_db
def test_likes_count_once_and_order_the_film_page_after_friends(client_of):
    viewer, friend, popular, plain = (UserFactory() for _ in range(4))
    movie = MovieFactory()
    follow_user(viewer, friend.id)
    reviews = {
        who: review_write(u, movie.id, body=f"By {who}", has_spoilers=False, score=None)[0]
        for who, u in [("friend", friend), ("popular", popular), ("plain", plain)]
    }
    for liker in UserFactory.create_batch(2):
        assert client_of(liker).post(f"/api/reviews/{reviews['popular'].id}/like/").status_code == 201
    assert client_of(viewer).post(f"/api/reviews/{reviews['popular'].id}/like/").status_code == 201
    assert client_of(viewer).post(f"/api/reviews/{reviews['popular'].id}/like/").status_code == 200

    rows = client_of(viewer).get(f"/api/movies/{movie.id}/reviews/").json()["results"]

    assert [r["body"] for r in rows] == ["By friend", "By popular", "By plain"]
    assert [r["like_count"] for r in rows] == [0, 3, 0]
    assert [r["liked_by_me"] for r in rows] == [False, True, False]
    for _ in range(2):
        assert client_of(viewer).delete(f"/api/reviews/{reviews['popular'].id}/like/").status_code == 204
    assert Review.objects.get(id=reviews["popular"].id).like_count == 2


@pytest.mark.django_db
def test_reviews_are_full_text_searchable(api_client, user):
    movie = MovieFactory()
    review_write(user, movie.id, body="A haunting score and gorgeous photography.", has_spoilers=False, score=None)
    review_write(UserFactory(), movie.id, body="Too long, too loud.", has_spoilers=False, score=None)

    for path in ("/api/reviews/", f"/api/movies/{movie.id}/reviews/", f"/api/users/{user.id}/reviews/"):
        found = api_client.get(path, {"q": "haunted scores"}).json()["results"]
        assert [r["body"] for r in found] == ["A haunting score and gorgeous photography."], path
    assert api_client.get("/api/reviews/", {"q": "x" * 201}).status_code == 400


# ---------------------------------------------------------------- privacy and blocks

ANGLES = {"owner": True, "follower": True, "followed-by-owner": True, "blocked": False, "anonymous": False}


@pytest.fixture
def private_review(db):
    """A private author's review. `follower` follows the author (not followed back), the author
    follows `followed-by-owner`, and blocked `blocked` after they had followed each other."""
    owner = UserFactory(is_private=True)
    viewers = {"owner": owner, "follower": UserFactory(), "followed-by-owner": UserFactory(), "blocked": UserFactory()}
    Follow.objects.create(follower=viewers["follower"], followee=owner)
    follow_user(owner, viewers["followed-by-owner"].id)
    follow_user(owner, viewers["blocked"].id)
    movie = MovieFactory()
    review, _ = review_write(owner, movie.id, body="Private thoughts.", has_spoilers=False, score=None)
    block_user(owner, viewers["blocked"].id)
    viewers["anonymous"] = None
    return owner, movie, review, viewers


@pytest.mark.parametrize("angle", ANGLES)
def test_a_private_or_blocking_authors_review_shows_only_where_the_rule_allows(
    api_client, client_of, private_review, angle
):
    owner, movie, review, viewers = private_review
    client = api_client if viewers[angle] is None else client_of(viewers[angle])
    # The follower follows a private author who does not follow back: the rule hides the activity.
    visible = ANGLES[angle] and angle != "follower"

    on_film = client.get(f"/api/movies/{movie.id}/reviews/").json()["results"]
    searched = client.get("/api/reviews/", {"q": "private"}).json()["results"]
    of_user = client.get(f"/api/users/{owner.id}/reviews/")

    assert [r["id"] for r in on_film] == ([review.id] if visible else [])
    assert [r["id"] for r in searched] == ([review.id] if visible else [])
    assert of_user.status_code == (200 if visible else 403)
    if viewers[angle] is not None and angle != "owner":
        liked = client.post(f"/api/reviews/{review.id}/like/")
        assert liked.status_code == (201 if visible else 404)
    assert ReviewLike.objects.filter(review=review).count() == (1 if visible and angle != "owner" else 0)


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
def test_review_lists_run_a_fixed_number_of_queries(api_client, client_of, django_assert_num_queries, size):
    movie = MovieFactory(genres=("Drama",))
    authors = UserFactory.create_batch(size)
    Review.objects.bulk_create(Review(user=a, movie=movie, body=f"Review {a.id}") for a in authors)
    viewer = UserFactory()
    Follow.objects.bulk_create(Follow(follower=viewer, followee=a) for a in authors[:3])

    with django_assert_num_queries(4):  # the movie, count, page, genres
        response = client_of(viewer).get(f"/api/movies/{movie.id}/reviews/", {"page_size": size})
    assert len(response.json()["results"]) == size
    with django_assert_num_queries(3):  # count, page, genres
        response = api_client.get("/api/reviews/", {"page_size": size, "q": "review"})
    assert len(response.json()["results"]) == size
