"""Ratings, likes and follows: one function per write, each in one transaction with its outbox
event. Repeating a write is harmless: an unchanged state records no event (no change, no event)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError

from backend.catalog import rankings
from backend.catalog.models import Movie
from backend.core.errors import ApplicationError, Forbidden, NotFound
from backend.core.transactions import service_transaction
from backend.social.models import Activity, Follow, Like, Rating
from backend.social.privacy import is_blocked_between
from backend.social.services.activity import activity_record, activity_remove
from backend.sync.outbox import aggregate_key, record_change

User = get_user_model()


def rate_movie(user, movie_id: int, score: Decimal) -> tuple[Rating, bool]:
    """Set the user's score for a movie; returns (rating, created)."""
    with service_transaction():
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
        if created:
            activity_record(user.id, Activity.RATED, movie_id=movie_id)
        record_change("rating", aggregate_key(user.id, movie_id), "rating.set")
        return rating, created


def unrate_movie(user, movie_id: int) -> None:
    with service_transaction():
        _require_movie(movie_id)
        deleted, _ = Rating.objects.filter(user=user, movie_id=movie_id).delete()
        if deleted:
            rankings.mark_stale(movie_id)
            activity_remove(user.id, Activity.RATED, movie_id=movie_id)
            record_change("rating", aggregate_key(user.id, movie_id), "rating.deleted")


def like_movie(user, movie_id: int) -> tuple[Like, bool]:
    with service_transaction():
        _require_movie(movie_id)
        try:
            like, created = Like.objects.get_or_create(user=user, movie_id=movie_id)
        except IntegrityError:
            raise NotFound("No such movie.") from None
        if created:
            activity_record(user.id, Activity.LIKED, movie_id=movie_id)
            record_change("like", aggregate_key(user.id, movie_id), "like.created")
        return like, created


def unlike_movie(user, movie_id: int) -> None:
    with service_transaction():
        _require_movie(movie_id)
        deleted, _ = Like.objects.filter(user=user, movie_id=movie_id).delete()
        if deleted:
            activity_remove(user.id, Activity.LIKED, movie_id=movie_id)
            record_change("like", aggregate_key(user.id, movie_id), "like.deleted")


def follow_user(follower, followee_id: int) -> tuple[Follow, bool]:
    if follower.id == followee_id:
        raise ApplicationError("You cannot follow yourself.", code="self_follow")
    with service_transaction():
        _require_user(followee_id)
        if is_blocked_between(follower.id, followee_id):
            raise Forbidden("You cannot follow this user.", code="blocked")
        try:
            follow, created = Follow.objects.get_or_create(follower=follower, followee_id=followee_id)
        except IntegrityError:  # the followee was deleted between the check and the insert
            raise NotFound("No such user.") from None
        if created:
            activity_record(follower.id, Activity.FOLLOWED, target_user_id=followee_id)
            record_change("follow", aggregate_key(follower.id, followee_id), "follow.created")
        return follow, created


def unfollow_user(follower, followee_id: int) -> None:
    with service_transaction():
        _require_user(followee_id)
        deleted, _ = Follow.objects.filter(follower=follower, followee_id=followee_id).delete()
        if deleted:
            activity_remove(follower.id, Activity.FOLLOWED, target_user_id=followee_id)
            record_change("follow", aggregate_key(follower.id, followee_id), "follow.deleted")


def _require_movie(movie_id: int) -> None:
    # No lock needed against a concurrent delete_movie: the new row's foreign key takes a key-share
    # lock on the movie, so the delete either waits and sees this row, or wins and the insert fails.
    if not Movie.objects.filter(id=movie_id).exists():
        raise NotFound("No such movie.")


def _require_user(user_id: int) -> None:
    if not User.objects.filter(id=user_id, is_active=True).exists():
        raise NotFound("No such user.")
