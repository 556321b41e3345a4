from rest_framework import serializers

from backend.accounts.serializers import UserSummarySerializer
from backend.catalog.serializers import MovieRowSerializer
from backend.core.fields import StrictCharField
from backend.core.query_params import QuerySerializer

PAGE_SIZE_MAX = 50
SOURCE_STATES = ["ok", "empty", "unavailable"]


class RecommendationQuerySerializer(QuerySerializer):
    genre = StrictCharField(max_length=60, required=False)
    year_min = serializers.IntegerField(min_value=1800, max_value=2200, required=False)
    year_max = serializers.IntegerField(min_value=1800, max_value=2200, required=False)
    page = serializers.IntegerField(min_value=1, max_value=100, default=1)
    page_size = serializers.IntegerField(min_value=1, max_value=PAGE_SIZE_MAX, default=20)


class ReasonMovieSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = StrictCharField()


class ReasonSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=["collaborative", "content", "social", "popularity"])  # type: ignore[assignment]
    text = StrictCharField(help_text='In words: "because you liked Heat", "3 people you follow liked it"')
    movie = ReasonMovieSerializer(allow_null=True, help_text="The film of yours behind it (collaborative, content)")
    users = UserSummarySerializer(many=True, help_text="Followees behind it whose activity you may see (social)")
    count = serializers.IntegerField(allow_null=True, help_text="How many followees you may see liked it (social)")
    genre = StrictCharField(allow_null=True, help_text="The genre it tops (popularity)")


class RecommendationSerializer(serializers.Serializer):
    movie = MovieRowSerializer()
    score = serializers.FloatField(help_text="Fused score (weighted reciprocal rank); higher first")
    sources = serializers.ListField(child=StrictCharField(), help_text="Sources that proposed it")
    reasons = ReasonSerializer(many=True)


class SourceStatusSerializer(serializers.Serializer):
    """Per source, one of SOURCE_STATES (plain strings: four enums with one choice set would
    collide in the schema)."""

    collaborative = StrictCharField(help_text="ok, empty or unavailable")
    content = StrictCharField(help_text="ok, empty or unavailable (the vector store is down)")
    social = StrictCharField(help_text="ok, empty or unavailable (the graph is down)")
    popularity = StrictCharField(help_text="ok, empty or unavailable")


class RecommendationPageSerializer(serializers.Serializer):
    sources = SourceStatusSerializer(help_text='Per source: "ok", "empty" or "unavailable" (its store is down)')
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()
    results = RecommendationSerializer(many=True)


class HiddenInputSerializer(serializers.Serializer):
    movie_id = serializers.IntegerField(min_value=1)


class HiddenMovieSerializer(serializers.Serializer):
    movie = MovieRowSerializer()
    hidden_at = serializers.DateTimeField(source="created_at")


class PreferencesSerializer(serializers.Serializer):
    favourite_genres = serializers.ListField(
        child=StrictCharField(max_length=60), max_length=30, help_text="Genre names, as in /api/movies/?genre="
    )
