from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.accounts.serializers import UserSummarySerializer
from backend.catalog.serializers import MovieSummarySerializer
from backend.core.fields import StrictBooleanField, StrictCharField
from backend.core.query_params import QuerySerializer
from backend.social.models import LIST_MAX_ENTRIES, REVIEW_BODY_MAX_LENGTH, SCORE_MAX, SCORE_MIN, Notification


@extend_schema_field(
    {
        "oneOf": [
            {"type": "number", "minimum": float(SCORE_MIN), "maximum": float(SCORE_MAX), "multipleOf": 0.5},
            {"type": "string", "pattern": r"^(?:0\.5|[1-4](?:\.[05])?|5(?:\.0)?)$"},
        ],
        "description": "0.5 to 5.0 in steps of 0.5, as a number or a decimal string.",
    }
)
class ScoreField(serializers.DecimalField):
    """A score written by a client: the schema above is exactly what it accepts."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=2, decimal_places=1, min_value=SCORE_MIN, max_value=SCORE_MAX, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and data != data.strip():
            self.fail("invalid")
        value = super().to_internal_value(data)
        if (value * 2) % 1 != 0:
            raise serializers.ValidationError("Scores go in steps of 0.5.")
        return value


class ScoreSerializer(serializers.Serializer):
    score = ScoreField()


class RatingSerializer(serializers.Serializer):
    movie = MovieSummarySerializer()
    score = serializers.DecimalField(max_digits=2, decimal_places=1)
    updated_at = serializers.DateTimeField()


class LikeSerializer(serializers.Serializer):
    movie = MovieSummarySerializer()
    created_at = serializers.DateTimeField()


class FollowerSerializer(serializers.Serializer):
    user = UserSummarySerializer(source="follower")
    since = serializers.DateTimeField(source="created_at")


class FollowingSerializer(serializers.Serializer):
    user = UserSummarySerializer(source="followee")
    since = serializers.DateTimeField(source="created_at")


class PublicProfileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = StrictCharField()
    display_name = StrictCharField(source="profile.display_name")
    bio = StrictCharField(source="profile.bio")
    is_private = serializers.BooleanField(source="profile.is_private")
    follower_count = serializers.IntegerField()
    following_count = serializers.IntegerField()
    like_count = serializers.IntegerField(
        allow_null=True, help_text="Null when the profile is private and does not follow the viewer."
    )


class RatingResultSerializer(ScoreSerializer):
    on_watchlist = serializers.BooleanField(
        help_text="The film is on your watchlist: offer to remove it (DELETE /api/me/watchlist/{movie_id}/). "
        "Rating never removes it by itself."
    )


class WatchlistMovieSerializer(MovieSummarySerializer):
    added_at = serializers.DateTimeField(read_only=True)

    class Meta(MovieSummarySerializer.Meta):
        fields = [*MovieSummarySerializer.Meta.fields, "added_at"]


class WatchlistEntrySerializer(serializers.Serializer):
    movie_id = serializers.IntegerField()
    added_at = serializers.DateTimeField(source="created_at")


class FriendWatchlistedSerializer(serializers.Serializer):
    user = UserSummarySerializer(source="*")
    added_at = serializers.DateTimeField()


class FollowStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["following", "requested"])


class FollowRequestSerializer(serializers.Serializer):
    user = UserSummarySerializer(source="requester")
    requested_at = serializers.DateTimeField(source="created_at")


class ReviewWriteSerializer(serializers.Serializer):
    # Kept exactly as written: no trimming, no HTML processing (clients render it as plain text).
    body = StrictCharField(max_length=REVIEW_BODY_MAX_LENGTH, trim_whitespace=False)
    has_spoilers = StrictBooleanField(default=False)
    score = ScoreField(
        required=False,
        allow_null=True,
        help_text="Optional: also rates the film (PUT /api/movies/{id}/rating/ does the same).",
    )

    def validate_body(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("A review needs some text.")
        return value


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user = UserSummarySerializer()
    movie = MovieSummarySerializer()
    body = StrictCharField(help_text="Plain text, exactly as written; never HTML.")
    has_spoilers = serializers.BooleanField()
    score = serializers.DecimalField(
        max_digits=2, decimal_places=1, allow_null=True, help_text="The author's rating of the film, if any."
    )
    like_count = serializers.IntegerField()
    liked_by_me = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ReviewQuerySerializer(QuerySerializer):
    q = StrictCharField(max_length=200, required=False, help_text="Full-text search in the review text")


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=[k for k, _ in Notification.KINDS])
    actor = UserSummarySerializer()
    review_id = serializers.IntegerField(allow_null=True, help_text="The liked review (kind review_liked)")
    movie_id = serializers.IntegerField(source="review.movie_id", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    read = serializers.SerializerMethodField()

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        max_length=500,
        required=False,
        help_text="The notifications to mark read; leave out to mark all read.",
    )


class FilmListWriteSerializer(serializers.Serializer):
    name = StrictCharField(max_length=100)
    description = StrictCharField(max_length=2000, allow_blank=True, required=False, trim_whitespace=False)
    is_public = StrictBooleanField(required=False)


class FilmListSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    owner = UserSummarySerializer()
    name = StrictCharField()
    description = StrictCharField()
    is_public = serializers.BooleanField()
    entry_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ListEntrySerializer(serializers.Serializer):
    position = serializers.IntegerField()
    movie = MovieSummarySerializer()
    note = StrictCharField()
    added_at = serializers.DateTimeField()


class FilmListDetailSerializer(FilmListSerializer):
    entries = ListEntrySerializer(many=True, source="ordered_entries")


class ListEntryWriteSerializer(serializers.Serializer):
    movie_id = serializers.IntegerField(min_value=1)
    note = StrictCharField(max_length=1000, allow_blank=True, required=False, trim_whitespace=False)


class ListEntryNoteSerializer(serializers.Serializer):
    note = StrictCharField(max_length=1000, allow_blank=True, trim_whitespace=False)


class ListOrderSerializer(serializers.Serializer):
    movie_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=LIST_MAX_ENTRIES)


class FeedQuerySerializer(QuerySerializer):
    limit = serializers.IntegerField(min_value=1, max_value=50, default=20)
    cursor = StrictCharField(max_length=200, required=False, help_text="next_cursor of the page before")


class FeedListSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = StrictCharField()


class FeedSubjectSerializer(serializers.Serializer):
    movie = MovieSummarySerializer(allow_null=True)
    score = serializers.DecimalField(max_digits=2, decimal_places=1, allow_null=True)
    review_id = serializers.IntegerField(allow_null=True)
    list = FeedListSerializer(source="film_list", allow_null=True)
    user = UserSummarySerializer(source="target_user", allow_null=True)


_VERB_NOUNS = {"rated": "film", "reviewed": "film", "liked": "film", "listed": "film", "followed": "person"}


def feed_item_text(item) -> str:
    """ "ada rated", "ada rated 12 films", "ada followed 3 people" (item: selectors.feed.FeedItem)."""
    name = item.actor["display_name"] or item.actor["username"]
    if item.count == 1:
        return f"{name} {item.verb}"
    noun = _VERB_NOUNS[item.verb]
    return f"{name} {item.verb} {item.count} {noun}s" if noun == "film" else f"{name} followed {item.count} people"


class FeedItemSerializer(serializers.Serializer):
    """The shape of a feed item, for the schema: the view renders the page with `feed_page_data`,
    which builds the same shape from the selector's plain values (tests/backend/social/test_feed.py
    holds it equal to these serializers over model instances)."""

    actor = UserSummarySerializer()
    verb = serializers.ChoiceField(choices=list(_VERB_NOUNS))
    count = serializers.IntegerField(help_text="How many actions this item collapses (a burst)")
    at = serializers.DateTimeField(help_text="The newest of them")
    text = serializers.SerializerMethodField(help_text='For example "ada rated 12 films"')
    subjects = serializers.SerializerMethodField()

    def get_text(self, item) -> str:
        return feed_item_text(item)

    @extend_schema_field(FeedSubjectSerializer(many=True))
    def get_subjects(self, item) -> list:
        return item.subjects


_FEED_AT = serializers.DateTimeField()


def feed_page_data(items: list, next_cursor: str | None) -> dict:
    """FeedPageSerializer's rendering of a page, from the selector's items (FeedItem: actor and
    subjects already in their rendered shape), without a serializer per item."""
    return {
        "next_cursor": next_cursor,
        "results": [
            {
                "actor": item.actor,
                "verb": item.verb,
                "count": item.count,
                "at": _FEED_AT.to_representation(item.at),
                "text": feed_item_text(item),
                "subjects": item.subjects,
            }
            for item in items
        ],
    }


class FeedPageSerializer(serializers.Serializer):
    next_cursor = StrictCharField(allow_null=True)
    results = FeedItemSerializer(many=True)
