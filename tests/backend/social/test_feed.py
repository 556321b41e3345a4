"""The activity feed through the HTTP API: followed people's actions newest first, bursts
collapsed, keyset cursors stable under inserts, the privacy and block rules, undoing removes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from rest_framework.fields import DateTimeField

from backend.accounts.serializers import UserSummarySerializer
from backend.accounts.services import update_profile
from backend.social.models import Activity, Follow, Rating
from backend.social.serializers import FeedSubjectSerializer
from backend.social.services import follow_user, like_movie, rate_movie, unlike_movie
from backend.social.services.blocks import block_user
from backend.social.services.lists import list_create, list_entry_add
from backend.social.services.reviews import review_write
from tests.factories import MovieFactory, UserFactory

FEED = "/api/me/feed/"


def _texts(client, **params) -> list[str]:
    response = client.get(FEED, params)
    assert response.status_code == 200, response.json()
    return [item["text"] for item in response.json()["results"]]


def _age(minutes_ago: int, **filters) -> None:
    Activity.objects.filter(**filters).update(created_at=timezone.now() - timedelta(minutes=minutes_ago))


@pytest.mark.django_db
def test_a_burst_collapses_and_each_verb_shows_newest_first(client_of):
    viewer, ada, bob = UserFactory(), UserFactory(username="ada"), UserFactory(username="bob")
    follow_user(viewer, ada.id)
    follow_user(viewer, bob.id)
    films = [MovieFactory() for _ in range(12)]
    for film in films:
        rate_movie(ada, film.id, Decimal("4.0"))
    _age(300, actor=ada, verb="rated")
    review_write(bob, films[0].id, body="Fine.", has_spoilers=False, score=None)
    _age(200, actor=bob)
    shelf = list_create(ada, name="Shelf")
    list_entry_add(ada, shelf.id, films[1].id, note="yes")
    _age(100, actor=ada, verb="listed")
    follow_user(bob, ada.id)
    like_movie(ada, films[2].id)

    assert _texts(client_of(viewer)) == [
        "ada liked",
        "bob followed",
        "ada listed",
        "bob reviewed",
        "ada rated 12 films",
    ]
    items = client_of(viewer).get(FEED).json()["results"]
    assert items[1]["subjects"][0]["user"]["id"] == ada.id
    assert items[2]["subjects"][0]["list"] == {"id": shelf.id, "name": "Shelf"}
    assert (items[4]["count"], len(items[4]["subjects"]), items[4]["subjects"][0]["score"]) == (12, 3, "4.0")


@pytest.mark.django_db
def test_the_cursor_is_stable_under_inserts(client_of):
    viewer = UserFactory()
    people = UserFactory.create_batch(2)
    for person in people:
        follow_user(viewer, person.id)
    films = [MovieFactory() for _ in range(8)]
    for i, film in enumerate(films):  # alternate actors so nothing collapses
        like_movie(people[i % 2], film.id)
    client = client_of(viewer)

    first = client.get(FEED, {"limit": 3}).json()
    like_movie(people[0], MovieFactory().id)  # new activity between the pages
    second = client.get(FEED, {"limit": 3, "cursor": first["next_cursor"]}).json()
    third = client.get(FEED, {"limit": 3, "cursor": second["next_cursor"]}).json()

    seen = [s["movie"]["id"] for page in (first, second, third) for item in page["results"] for s in item["subjects"]]
    assert seen == [f.id for f in reversed(films)]
    assert third["next_cursor"] is None


@pytest.mark.django_db
def test_the_feed_follows_the_privacy_and_block_rules(client_of):
    viewer = UserFactory()
    public, private_mutual, private_one_way, blocker, stranger = (UserFactory() for _ in range(5))
    for person in (private_mutual, private_one_way):
        person.profile.is_private = True
        person.profile.save()
    for person in (public, private_mutual, private_one_way, blocker):
        Follow.objects.create(follower=viewer, followee=person)
    follow_user(private_mutual, viewer.id)
    movie = MovieFactory()
    for person in (public, private_mutual, private_one_way, blocker, stranger):
        like_movie(person, movie.id)
    hidden_list = list_create(public, name="Secret", is_public=False)
    list_entry_add(public, hidden_list.id, movie.id)
    block_user(blocker, viewer.id)

    items = client_of(viewer).get(FEED).json()["results"]

    assert {item["actor"]["id"] for item in items} == {public.id, private_mutual.id}
    assert "listed" not in {item["verb"] for item in items}  # a private list is its owner's alone


@pytest.mark.django_db
def test_undoing_an_action_takes_it_off_the_feed(client_of):
    viewer, friend = UserFactory(), UserFactory()
    follow_user(viewer, friend.id)
    movie = MovieFactory()
    like_movie(friend, movie.id)
    unlike_movie(friend, movie.id)

    assert _texts(client_of(viewer)) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params, field", [({"limit": 0}, "limit"), ({"limit": 51}, "limit"), ({"cursor": "nope"}, "cursor")]
)
def test_bad_feed_queries_are_400(client_of, user, params, field):
    response = client_of(user).get(FEED, params)

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_the_feed_needs_sign_in(api_client):
    assert api_client.get(FEED).status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
def test_the_feed_runs_a_fixed_number_of_queries(client_of, django_assert_num_queries, size):
    viewer = UserFactory()
    people = UserFactory.create_batch(size)
    Follow.objects.bulk_create(Follow(follower=viewer, followee=p) for p in people)
    movie = MovieFactory(genres=("Drama",))
    Activity.objects.bulk_create(Activity(actor=p, verb="liked", movie=movie) for p in people)

    with django_assert_num_queries(2):  # the page's ids, then its rows with actors, films and genres
        response = client_of(viewer).get(FEED, {"limit": size})

    assert len(response.json()["results"]) == size


@pytest.mark.django_db
def test_each_item_is_what_the_serializers_render_from_model_instances(client_of):
    viewer, ada, bob = UserFactory(), UserFactory(username="ada"), UserFactory(username="bob")
    update_profile(ada, display_name="Ada L.")
    follow_user(viewer, ada.id)
    heat, alien = MovieFactory(title="Heat", genres=("Drama", "Crime")), MovieFactory(title="Alien", release_date=None)
    rate_movie(ada, heat.id, Decimal("4.5"))
    review_write(ada, alien.id, body="Tense.", has_spoilers=True, score=None)
    like_movie(ada, heat.id)
    shelf = list_create(ada, name="Shelf")
    list_entry_add(ada, shelf.id, alien.id, note="")
    follow_user(ada, bob.id)
    for minutes, activity in enumerate(Activity.objects.filter(actor=ada).order_by("-id")):
        _age(90 * minutes, id=activity.id)  # an hour and a half apart: nothing collapses

    items = client_of(viewer).get(FEED).json()["results"]

    score = Rating.objects.filter(user_id=OuterRef("actor_id"), movie_id=OuterRef("movie_id")).values("score")[:1]
    activities = (
        Activity.objects.filter(actor=ada)
        .select_related("actor__profile", "movie", "target_user__profile", "film_list")
        .prefetch_related("movie__genres")
        .annotate(score=Subquery(score))
        .order_by("-created_at", "-id")
    )
    expected = [
        {
            "actor": UserSummarySerializer(a.actor).data,
            "verb": a.verb,
            "count": 1,
            "at": DateTimeField().to_representation(a.created_at),
            "text": f"Ada L. {a.verb}",
            "subjects": [FeedSubjectSerializer(a).data],
        }
        for a in activities
    ]
    assert [item["verb"] for item in items] == ["followed", "listed", "liked", "reviewed", "rated"]
    assert items == expected
