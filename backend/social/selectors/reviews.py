"""Reads of reviews under the privacy rule: a film's (friends' first, then most liked), a user's,
and full-text search over the ones the viewer may see."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import BooleanField, Exists, OuterRef, QuerySet, Subquery, Value

from backend.social.models import Follow, Rating, Review, ReviewLike
from backend.social.privacy import visible_owners


def _reviews(viewer) -> QuerySet[Review]:
    score = Rating.objects.filter(user_id=OuterRef("user_id"), movie_id=OuterRef("movie_id")).values("score")[:1]
    rows = Review.objects.select_related("user__profile", "movie").annotate(score=Subquery(score))
    if viewer is not None and viewer.is_authenticated:
        return rows.annotate(liked_by_me=Exists(ReviewLike.objects.filter(review_id=OuterRef("pk"), user_id=viewer.id)))
    return rows.annotate(liked_by_me=Value(False, output_field=BooleanField()))


def search(rows: QuerySet[Review], text: str | None) -> QuerySet[Review]:
    """Keep the reviews whose body matches `text` (web search syntax, English stemming), answered by
    the GIN index on the same expression."""
    if not text:
        return rows
    return rows.annotate(document=SearchVector("body", config="english")).filter(
        document=SearchQuery(text, config="english", search_type="websearch")
    )


def movie_reviews(viewer, movie_id: int) -> QuerySet[Review]:
    """The film's reviews the viewer may see: by people the viewer follows first, then the most
    liked, then the newest."""
    rows = _reviews(viewer).filter(visible_owners(viewer, "user__"), movie_id=movie_id)
    if viewer is not None and viewer.is_authenticated:
        followed = Follow.objects.filter(follower_id=viewer.id, followee_id=OuterRef("user_id"))
        rows = rows.annotate(by_friend=Exists(followed))
    else:
        rows = rows.annotate(by_friend=Value(False, output_field=BooleanField()))
    return rows.order_by("-by_friend", "-like_count", "-created_at", "-id")


def user_reviews(viewer, user_id: int) -> QuerySet[Review]:
    """A user's reviews, newest first (the caller checks the viewer may see them)."""
    return _reviews(viewer).filter(user_id=user_id).order_by("-created_at", "-id")


def visible_reviews(viewer) -> QuerySet[Review]:
    """Every review the viewer may see, most liked first (for search)."""
    return _reviews(viewer).filter(visible_owners(viewer, "user__")).order_by("-like_count", "-created_at", "-id")
