"""Notifications through the HTTP API: a new follower, a follow request, an approved request and
a like on my review; the unread count; marking read; nothing from a user a block hides."""

from __future__ import annotations

import pytest

from backend.social.models import Notification
from backend.social.services.reviews import review_write
from tests.factories import MovieFactory, UserFactory


def _kinds(client) -> list[tuple[str, int]]:
    return [(n["kind"], n["actor"]["id"]) for n in client.get("/api/me/notifications/").json()["results"]]


@pytest.mark.django_db
def test_each_event_notifies_its_recipient_newest_first(client_of):
    author, fan = UserFactory(is_private=True), UserFactory()
    public = UserFactory()
    review, _ = review_write(author, MovieFactory().id, body="Mine.", has_spoilers=False, score=None)
    client_of(public).post(f"/api/users/{author.id}/follow/")  # private: a request
    client_of(fan).post(f"/api/users/{public.id}/follow/")  # public: a follower
    client_of(author).post(f"/api/me/follow-requests/{public.id}/approve/")
    client_of(author).post(f"/api/reviews/{review.id}/like/")  # one's own like: no notification
    client_of(author).post(f"/api/users/{public.id}/follow/")
    client_of(public).post(f"/api/reviews/{review.id}/like/")

    assert _kinds(client_of(author)) == [("review_liked", public.id), ("follow_request", public.id)]
    assert _kinds(client_of(public)) == [
        ("new_follower", author.id),
        ("follow_approved", author.id),
        ("new_follower", fan.id),
    ]
    liked = client_of(author).get("/api/me/notifications/").json()["results"][0]
    assert (liked["review_id"], liked["read"]) == (review.id, False)


@pytest.mark.django_db
def test_unread_count_and_mark_read(client_of, user):
    followers = UserFactory.create_batch(3)
    for follower in followers:
        client_of(follower).post(f"/api/users/{user.id}/follow/")
    client = client_of(user)
    assert client.get("/api/me/notifications/unread-count/").json() == {"unread": 3}
    first = client.get("/api/me/notifications/").json()["results"][0]["id"]
    someone_elses = Notification.objects.create(recipient=followers[0], actor=user, kind="new_follower")

    assert client.post("/api/me/notifications/read/", {"ids": [first, someone_elses.id]}, format="json").json() == {
        "unread": 2
    }
    assert Notification.objects.get(id=someone_elses.id).read_at is None
    assert client.post("/api/me/notifications/read/", {}, format="json").json() == {"unread": 0}
    assert all(n["read"] for n in client.get("/api/me/notifications/").json()["results"])
    bad = client.post("/api/me/notifications/read/", {"ids": ["x"]}, format="json")
    assert bad.status_code == 400 and "ids.0" in bad.json()["error"]["fields"]


@pytest.mark.django_db
def test_notifications_from_a_blocked_user_are_hidden(client_of, user):
    pest = UserFactory()
    client_of(pest).post(f"/api/users/{user.id}/follow/")
    client_of(user).post(f"/api/users/{pest.id}/block/")

    assert _kinds(client_of(user)) == []
    assert client_of(user).get("/api/me/notifications/unread-count/").json() == {"unread": 0}


@pytest.mark.django_db
def test_notifications_need_sign_in(api_client):
    for path in ("/api/me/notifications/", "/api/me/notifications/unread-count/"):
        assert api_client.get(path).status_code == 401
    assert api_client.post("/api/me/notifications/read/").status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
def test_notifications_list_runs_a_fixed_number_of_queries(client_of, django_assert_num_queries, size):
    owner = UserFactory()
    Notification.objects.bulk_create(
        Notification(recipient=owner, actor=a, kind="new_follower") for a in UserFactory.create_batch(size)
    )

    with django_assert_num_queries(2):  # count, page with actors
        response = client_of(owner).get("/api/me/notifications/", {"page_size": size})

    assert len(response.json()["results"]) == size
