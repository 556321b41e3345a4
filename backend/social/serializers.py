from decimal import Decimal

from rest_framework import serializers

from backend.accounts.serializers import UserSummarySerializer
from backend.catalog.serializers import MovieSummarySerializer
from backend.social.models import SCORE_MAX, SCORE_MIN


class ScoreSerializer(serializers.Serializer):
    score = serializers.DecimalField(max_digits=2, decimal_places=1, min_value=SCORE_MIN, max_value=SCORE_MAX)

    def validate_score(self, value: Decimal) -> Decimal:
        if (value * 2) % 1 != 0:
            raise serializers.ValidationError("Scores go in steps of 0.5.")
        return value


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
    username = serializers.CharField()
    display_name = serializers.CharField(source="profile.display_name")
    bio = serializers.CharField(source="profile.bio")
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
