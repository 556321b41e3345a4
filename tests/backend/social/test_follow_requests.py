"""Follow requests through the HTTP API: a private profile is asked, its owner approves or
declines; a public one is followed at once, as before."""

from __future__ import annotations

import pytest

from backend.social.models import Follow, FollowRequest
from tests.factories import UserFactory


def _follow(user_id: int) -> str:
    return f"/api/users/{user_id}/follow/"


@pytest.fixture
def private_owner(db):
    return UserFactory(is_private=True)


@pytest.mark.django_db
def test_a_public_profile_is_followed_at_once(client_of, user):
    public = UserFactory()

    response = client_of(user).post(_follow(public.id))

    assert (response.status_code, response.json()) == (201, {"status": "following"})
    assert client_of(user).post(_follow(public.id)).json() == {"status": "following"}
    assert not FollowRequest.objects.exists()


def test_following_a_private_profile_asks_until_the_owner_approves(client_of, private_owner, outbox_counts):
    asker = UserFactory()
    before = outbox_counts()

    for _ in range(2):
        response = client_of(asker).post(_follow(private_owner.id))
        assert (response.status_code, response.json()) == (202, {"status": "requested"})
    assert not Follow.objects.filter(follower=asker).exists()
    assert outbox_counts() == before  # a request is not a follow: nothing to project yet

    listed = client_of(private_owner).get("/api/me/follow-requests/").json()
    assert [row["user"]["id"] for row in listed["results"]] == [asker.id]
    assert client_of(private_owner).post(f"/api/me/follow-requests/{asker.id}/approve/").status_code == 204

    assert Follow.objects.filter(follower=asker, followee=private_owner).exists()
    assert outbox_counts().events == before.events + 1
    assert client_of(private_owner).get("/api/me/follow-requests/").json()["count"] == 0
    assert client_of(asker).post(_follow(private_owner.id)).status_code == 200


def test_declining_or_withdrawing_leaves_no_follow(client_of, private_owner):
    declined, withdrawn = UserFactory(), UserFactory()
    client_of(declined).post(_follow(private_owner.id))
    client_of(withdrawn).post(_follow(private_owner.id))

    assert client_of(private_owner).post(f"/api/me/follow-requests/{declined.id}/decline/").status_code == 204
    assert client_of(withdrawn).delete(_follow(private_owner.id)).status_code == 204

    assert not FollowRequest.objects.exists()
    assert not Follow.objects.exists()


@pytest.mark.parametrize("decision", ["approve", "decline"])
def test_deciding_a_request_that_is_not_there_is_404(client_of, private_owner, decision):
    stranger = UserFactory()
    client_of(stranger).post(_follow(private_owner.id))
    someone_else = UserFactory(is_private=True)

    response = client_of(someone_else).post(f"/api/me/follow-requests/{stranger.id}/{decision}/")

    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    assert FollowRequest.objects.count() == 1


def test_a_blocked_user_cannot_ask_and_a_block_drops_pending_requests(client_of, private_owner):
    asker, blocked = UserFactory(), UserFactory()
    client_of(asker).post(_follow(private_owner.id))
    client_of(private_owner).post(f"/api/users/{blocked.id}/block/")

    refused = client_of(blocked).post(_follow(private_owner.id))
    client_of(private_owner).post(f"/api/users/{asker.id}/block/")

    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "blocked")
    assert not FollowRequest.objects.exists()


@pytest.mark.django_db
def test_follow_requests_need_sign_in(api_client):
    assert api_client.get("/api/me/follow-requests/").status_code == 401
    assert api_client.post("/api/me/follow-requests/1/approve/").status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
def test_follow_requests_list_runs_a_fixed_number_of_queries(client_of, django_assert_num_queries, size):
    owner = UserFactory(is_private=True)
    FollowRequest.objects.bulk_create(FollowRequest(requester=u, target=owner) for u in UserFactory.create_batch(size))

    with django_assert_num_queries(2):  # count, page with the requesters
        response = client_of(owner).get("/api/me/follow-requests/", {"page_size": size})

    assert len(response.json()["results"]) == size
