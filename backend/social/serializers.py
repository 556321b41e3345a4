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
