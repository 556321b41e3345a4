from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.catalog.models import Credit, Movie
from backend.catalog.services import MOVIE_FIELDS
from backend.core.fields import StrictBooleanField, StrictCharField, StrictFloatField
from backend.core.query_params import QuerySerializer

# Below this many raters the aggregate would tell a private profile's score (a lone rater's mean is
# their score), so the count and mean are shown as null.
MIN_RATERS_SHOWN = 3


class MovieSummarySerializer(serializers.ModelSerializer):
    genres = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)  # type: ignore[var-annotated]
    rating_count = serializers.SerializerMethodField(help_text=f"Null below {MIN_RATERS_SHOWN} raters")
    rating_mean = serializers.SerializerMethodField(help_text=f"Null below {MIN_RATERS_SHOWN} raters")

    def get_rating_count(self, movie) -> int | None:
        return movie.rating_count if movie.rating_count >= MIN_RATERS_SHOWN else None

    def get_rating_mean(self, movie) -> float | None:
        return movie.rating_mean if movie.rating_count >= MIN_RATERS_SHOWN else None

    class Meta:
        model = Movie
        fields = [
            "id",
            "title",
            "year",
            "release_date",
            "original_language",
            "genres",
            "poster_url",
            "popularity",
            "rating_count",
            "rating_mean",
            "rank_score",
            "rank_position",
        ]


class MovieRowSerializer(MovieSummarySerializer):
    """A movie summary from one query: genres read from the `genre_names` annotation
    (selectors.movies_in_order_one_query) instead of a prefetch."""

    genres = serializers.ListField(child=StrictCharField(), source="genre_names", read_only=True)  # type: ignore[assignment]


class SuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = StrictCharField()
    year = serializers.IntegerField(allow_null=True)
    poster_url = StrictCharField()


class SuggestQuerySerializer(QuerySerializer):
    q = StrictCharField(max_length=100, help_text="What has been typed so far")
    limit = serializers.IntegerField(min_value=1, max_value=20, default=8)


class CastSerializer(serializers.ModelSerializer):
    person_id = serializers.IntegerField()
    name = StrictCharField(source="person.name")

    class Meta:
        model = Credit
        fields = ["person_id", "name", "character", "order"]


class DirectorSerializer(serializers.ModelSerializer):
    person_id = serializers.IntegerField()
    name = StrictCharField(source="person.name")

    class Meta:
        model = Credit
        fields = ["person_id", "name"]


class ViewerSerializer(serializers.Serializer):
    rating = serializers.DecimalField(max_digits=2, decimal_places=1, allow_null=True)
    liked = serializers.BooleanField()


class MovieDetailSerializer(MovieSummarySerializer):
    cast = CastSerializer(many=True, read_only=True)
    directors = DirectorSerializer(many=True, read_only=True)
    viewer = serializers.SerializerMethodField()

    class Meta(MovieSummarySerializer.Meta):
        fields = MovieSummarySerializer.Meta.fields + [
            "original_title",
            "runtime",
            "overview",
            "imdb_id",
            "tmdb_id",
            "movielens_id",
            "cast",
            "directors",
            "viewer",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(ViewerSerializer(allow_null=True))
    def get_viewer(self, movie) -> dict | None:
        if not hasattr(movie, "viewer_ratings"):
            return None
        rating = movie.viewer_ratings[0].score if movie.viewer_ratings else None
        return ViewerSerializer({"rating": rating, "liked": bool(movie.viewer_likes)}).data


class CreditInputSerializer(serializers.Serializer):
    person_id = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=[Credit.CAST, Credit.CREW])
    character = StrictCharField(max_length=200, required=False, default="", allow_blank=True)
    order = serializers.IntegerField(min_value=0, max_value=1000, required=False, default=0)
    job = StrictCharField(max_length=60, required=False, default="", allow_blank=True)


class MovieWriteSerializer(serializers.ModelSerializer):
    """Staff input; `genres` are names and `credits` replace the movie's when given."""

    genres = serializers.ListField(child=StrictCharField(max_length=60), required=False, max_length=20)
    credits = CreditInputSerializer(many=True, required=False, max_length=200)  # type: ignore[call-arg]  # ListSerializer takes it

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.FloatField: StrictFloatField,
        models.BooleanField: StrictBooleanField,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
    }

    class Meta:
        model = Movie
        fields = [*MOVIE_FIELDS, "genres", "credits"]
        extra_kwargs = {"overview": {"max_length": 5000}}

    def to_internal_value(self, data):
        # An empty external id means none: "" would otherwise collide with the next movie's "".
        if isinstance(data, dict) and data.get("imdb_id") == "":
            data = data.copy()  # a QueryDict's copy is mutable
            data["imdb_id"] = None
        return super().to_internal_value(data)

    def validate_popularity(self, value):
        if value < 0:
            raise serializers.ValidationError("Must be zero or more.")
        return value
