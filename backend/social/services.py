"""Ratings, likes and follows: one function per write, each in one transaction with its outbox
event. Repeating a write is harmless: an unchanged state records no event (no change, no event)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from backend.catalog import rankings
from backend.catalog.models import Movie
from backend.core.errors import ApplicationError, NotFound
from backend.social.models import Follow, Like, Rating
from backend.sync.outbox import record_event
from backend.sync.states import follow_state, like_state, pair_key, rating_state

User = get_user_model()


def rate_movie(user, movie_id: int, score: Decimal) -> tuple[Rating, bool]:
    """Set the user's score for a movie; returns (rating, created)."""
    with transaction.atomic(durable=True):
        _require_movie(movie_id)
        try:
            rating, created = Rating.objects.select_for_update().get_or_create(
                user=user, movie_id=movie_id, defaults={"score": score}
            )
        except IntegrityError:
            raise NotFound("No such movie.") from None
        if not created and rating.score == score:
            return rating, False
        if not created:
            rating.score = score
            rating.save(update_fields=["score", "updated_at"])
        rankings.mark_stale(movie_id)
        record_event("rating", pair_key(user.id, movie_id), "rating.set", rating_state(rating))
        return rating, created


def unrate_movie(user, movie_id: int) -> None:
    with transaction.atomic(durable=True):
        _require_movie(movie_id)
        deleted, _ = Rating.objects.filter(user=user, movie_id=movie_id).delete()
        if deleted:
            rankings.mark_stale(movie_id)
            record_event("rating", pair_key(user.id, movie_id), "rating.deleted", None)


def like_movie(user, movie_id: int) -> tuple[Like, bool]:
    with transaction.atomic(durable=True):
        _require_movie(movie_id)
        try:
            like, created = Like.objects.get_or_create(user=user, movie_id=movie_id)
        except IntegrityError:
            raise NotFound("No such movie.") from None
        if created:
            record_event("like", pair_key(user.id, movie_id), "like.created", like_state(like))
        return like, created


def unlike_movie(user, movie_id: int) -> None:
    with transaction.atomic(durable=True):
        _require_movie(movie_id)
        deleted, _ = Like.objects.filter(user=user, movie_id=movie_id).delete()
        if deleted:
            record_event("like", pair_key(user.id, movie_id), "like.deleted", None)


def follow_user(follower, followee_id: int) -> tuple[Follow, bool]:
    if follower.id == followee_id:
        raise ApplicationError("You cannot follow yourself.", code="self_follow")
    with transaction.atomic(durable=True):
        _require_user(followee_id)
        try:
            follow, created = Follow.objects.get_or_create(follower=follower, followee_id=followee_id)
        except IntegrityError:  # the followee was deleted between the check and the insert
            raise NotFound("No such user.") from None
        if created:
            record_event("follow", pair_key(follower.id, followee_id), "follow.created", follow_state(follow))
        return follow, created


def unfollow_user(follower, followee_id: int) -> None:
    with transaction.atomic(durable=True):
        _require_user(followee_id)
        deleted, _ = Follow.objects.filter(follower=follower, followee_id=followee_id).delete()
        if deleted:
            record_event("follow", pair_key(follower.id, followee_id), "follow.deleted", None)


def _require_movie(movie_id: int) -> None:
    # No lock needed against a concurrent delete_movie: the new row's foreign key takes a key-share
    # lock on the movie, so the delete either waits and sees this row, or wins and the insert fails.
    if not Movie.objects.filter(id=movie_id).exists():
        raise NotFound("No such movie.")


def _require_user(user_id: int) -> None:
    if not User.objects.filter(id=user_id, is_active=True).exists():
        raise NotFound("No such user.")
