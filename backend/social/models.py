from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from backend.catalog.models import Movie

SCORE_MIN = Decimal("0.5")
SCORE_MAX = Decimal("5.0")


class Rating(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings")
    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="ratings")
    score = models.DecimalField(
        max_digits=2, decimal_places=1, validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "movie"], name="rating_once_per_movie"),
            # Half steps from 0.5 to 5.0: the database refuses anything the API would.
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX)
                & Q(score=models.Func(F("score") * 2, function="ROUND") / 2),
                name="rating_half_steps",
            ),
        ]
        indexes = [
            models.Index(fields=["movie", "updated_at"], name="rating_movie_recent"),
            models.Index(fields=["user", "-updated_at"], name="rating_user_recent"),
        ]

    def __str__(self):
        return f"{self.user_id} rated {self.movie_id}: {self.score}"


class Like(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="likes")
    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "movie"], name="like_once_per_movie")]
        indexes = [
            models.Index(fields=["movie", "created_at"], name="like_movie_recent"),
            models.Index(fields=["user", "-created_at"], name="like_user_recent"),
        ]

    def __str__(self):
        return f"{self.user_id} likes {self.movie_id}"


class Follow(models.Model):
    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following_set")
    followee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follower_set")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_once"),
            models.CheckConstraint(condition=~Q(follower=F("followee")), name="follow_not_self"),
        ]
        indexes = [models.Index(fields=["followee", "-created_at"], name="follow_followee_recent")]

    def __str__(self):
        return f"{self.follower_id} follows {self.followee_id}"


class WatchlistEntry(models.Model):
    """A film the user wants to watch. Activity under the privacy rule, like ratings and likes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watchlist")
    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="watchlist_entries")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "movie"], name="watchlist_once_per_movie")]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="watchlist_user_recent"),
            models.Index(fields=["movie", "user"], name="watchlist_movie_users"),
        ]

    def __str__(self):
        return f"{self.user_id} wants to watch {self.movie_id}"


class Block(models.Model):
    """`blocker` blocked `blocked`: neither sees the other's activity or appears in the other's
    lists; follows between them are removed and cannot be made (backend.social.privacy)."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="block_not_self"),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"], name="block_blocked_blocker")]

    def __str__(self):
        return f"{self.blocker_id} blocked {self.blocked_id}"


class FollowRequest(models.Model):
    """`requester` asked to follow the private profile `target`; approving makes the Follow."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follow_requests_made"
    )
    target = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follow_requests")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["requester", "target"], name="follow_request_once"),
            models.CheckConstraint(condition=~Q(requester=F("target")), name="follow_request_not_self"),
        ]
        indexes = [models.Index(fields=["target", "-created_at"], name="follow_request_target_recent")]

    def __str__(self):
        return f"{self.requester_id} asks to follow {self.target_id}"


REVIEW_BODY_MAX_LENGTH = 20_000


class Review(models.Model):
    """A user's text review of a film, one per user per film, kept exactly as written (the API
    returns it as plain text, never as HTML). Its score is the user's Rating of the film."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="reviews")
    body = models.TextField()
    has_spoilers = models.BooleanField(default=False)
    like_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "movie"], name="review_once_per_movie"),
            models.CheckConstraint(condition=Q(body__regex=r"\S"), name="review_body_not_blank"),
        ]
        indexes = [
            models.Index(fields=["movie", "-like_count", "-created_at"], name="review_movie_popular"),
            models.Index(fields=["user", "-created_at"], name="review_user_recent"),
            GinIndex(SearchVector("body", config="english"), name="review_body_search"),
        ]

    def __str__(self):
        return f"{self.user_id} reviewed {self.movie_id}"


class ReviewLike(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_likes")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "review"], name="review_like_once")]
        indexes = [models.Index(fields=["review", "user"], name="review_like_review_user")]

    def __str__(self):
        return f"{self.user_id} likes review {self.review_id}"


class Notification(models.Model):
    """Something that happened to `recipient` because of `actor`; unread until `read_at`."""

    NEW_FOLLOWER = "new_follower"
    FOLLOW_REQUEST = "follow_request"
    FOLLOW_APPROVED = "follow_approved"
    REVIEW_LIKED = "review_liked"
    KINDS = [
        (NEW_FOLLOWER, "New follower"),
        (FOLLOW_REQUEST, "Follow request"),
        (FOLLOW_APPROVED, "Follow request approved"),
        (REVIEW_LIKED, "Like on my review"),
    ]

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=KINDS)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_recipient_recent"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_recipient_unread"),
        ]

    def __str__(self):
        return f"{self.kind} for {self.recipient_id} from {self.actor_id}"


LIST_MAX_ENTRIES = 1_000


class FilmList(models.Model):
    """A named, ordered list of films. A private list is its owner's alone; a public one follows the
    privacy rule of its owner's activity (backend.social.privacy)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="film_lists")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=2000, blank=True)
    is_public = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="film_list_name_once")]
        indexes = [models.Index(fields=["owner", "-updated_at"], name="film_list_owner_recent")]

    def __str__(self):
        return self.name


class ListEntry(models.Model):
    film_list = models.ForeignKey(FilmList, on_delete=models.CASCADE, related_name="entries")
    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="list_entries")
    position = models.PositiveIntegerField()
    note = models.CharField(max_length=1000, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["film_list", "movie"], name="list_entry_once")]
        indexes = [models.Index(fields=["film_list", "position"], name="list_entry_order")]

    def __str__(self):
        return f"{self.movie_id} at {self.position} in {self.film_list_id}"


class Activity(models.Model):
    """One thing a user did that their followers' feeds show, written by the service that did it
    in the same transaction and deleted when it is undone. The feed is a query on read over this
    table (index actor, -created_at, -id), not a fan-out: see backend.social.selectors.feed."""

    RATED = "rated"
    REVIEWED = "reviewed"
    LIKED = "liked"
    LISTED = "listed"
    FOLLOWED = "followed"
    VERBS = [(RATED, "rated"), (REVIEWED, "reviewed"), (LIKED, "liked"), (LISTED, "listed"), (FOLLOWED, "followed")]

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activities")
    verb = models.CharField(max_length=16, choices=VERBS)
    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    film_list = models.ForeignKey(FilmList, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["actor", "-created_at", "-id"], name="activity_actor_recent"),
            # For a viewer following many active people, walking the newest activity overall and
            # keeping their followees' reaches a page sooner than gathering every followee's rows.
            models.Index(fields=["-created_at", "-id"], name="activity_recent"),
        ]

    def __str__(self):
        return f"{self.actor_id} {self.verb}"
