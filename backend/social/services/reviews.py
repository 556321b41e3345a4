"""Reviews and likes on reviews. A review's score is the user's Rating (one truth for scores): a
review written with a score rates the film through `rate_movie`. Repeating a write is harmless."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError
from django.db.models import F

from backend.core.errors import NotFound
from backend.core.transactions import service_transaction
from backend.social.models import Activity, Notification, Review, ReviewLike
from backend.social.privacy import can_see_activity
from backend.social.services import _require_movie, rate_movie
from backend.social.services.activity import activity_record
from backend.social.services.notifications import notify


def review_write(user, movie_id: int, *, body: str, has_spoilers: bool, score: Decimal | None) -> tuple[Review, bool]:
    """Write or replace the user's review of a film, the body exactly as given; with a score, also
    rate the film. Returns (review, created)."""
    with service_transaction():
        _require_movie(movie_id)
        try:
            review, created = Review.objects.select_for_update().get_or_create(
                user=user, movie_id=movie_id, defaults={"body": body, "has_spoilers": has_spoilers}
            )
        except IntegrityError:
            raise NotFound("No such movie.") from None
        if not created and (review.body, review.has_spoilers) != (body, has_spoilers):
            review.body, review.has_spoilers = body, has_spoilers
            review.save(update_fields=["body", "has_spoilers", "updated_at"])
        if score is not None:
            rate_movie(user, movie_id, score)
        if created:
            _on_reviewed(review)
        return review, created


def review_delete(user, movie_id: int) -> None:
    with service_transaction():
        _require_movie(movie_id)
        Review.objects.filter(user=user, movie_id=movie_id).delete()


def _visible_review(viewer, review_id: int) -> Review:
    review = Review.objects.select_related("user__profile").filter(id=review_id).first()
    if review is None or not can_see_activity(viewer, review.user_id, review.user.profile.is_private):
        raise NotFound("No such review.")
    return review


def review_like(user, review_id: int) -> bool:
    """Like a review the user may see; returns created. A hidden review is 404, as if absent."""
    with service_transaction():
        review = _visible_review(user, review_id)
        try:
            _, created = ReviewLike.objects.get_or_create(user=user, review_id=review.id)
        except IntegrityError:
            raise NotFound("No such review.") from None
        if created:
            Review.objects.filter(id=review.id).update(like_count=F("like_count") + 1)
            _on_review_liked(user.id, review)
        return created


def review_unlike(user, review_id: int) -> None:
    with service_transaction():
        if not Review.objects.filter(id=review_id).exists():
            raise NotFound("No such review.")
        deleted, _ = ReviewLike.objects.filter(user=user, review_id=review_id).delete()
        if deleted:
            Review.objects.filter(id=review_id).update(like_count=F("like_count") - 1)


def _on_reviewed(review: Review) -> None:
    activity_record(review.user_id, Activity.REVIEWED, movie_id=review.movie_id, review_id=review.id)


def _on_review_liked(liker_id: int, review: Review) -> None:
    notify(review.user_id, liker_id, Notification.REVIEW_LIKED, review_id=review.id)
