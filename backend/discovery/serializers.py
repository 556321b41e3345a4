from rest_framework import serializers

from backend.accounts.serializers import UserSummarySerializer
from backend.catalog.filters import SEARCH_MAX_LENGTH
from backend.catalog.serializers import MovieRowSerializer, MovieSummarySerializer
from backend.catalog.title_search import TitleMatch
from backend.core.fields import StrictCharField
from backend.core.query_params import QuerySerializer
from backend.discovery.fusion import SEMANTIC_ENGINE, TITLE_ENGINE

LIMIT_MAX = 100
SEARCH_LIMIT_MAX = 50
SEMANTIC_QUERY_MAX = 500
FEED_PAGE_SIZE_MAX = 50


class LimitSerializer(QuerySerializer):
    limit = serializers.IntegerField(min_value=1, max_value=LIMIT_MAX, default=20)


class VectorFilterSerializer(LimitSerializer):
    genre = StrictCharField(max_length=60, required=False)
    year_min = serializers.IntegerField(min_value=1800, max_value=2200, required=False)
    year_max = serializers.IntegerField(min_value=1800, max_value=2200, required=False)
    language = StrictCharField(max_length=8, required=False)


class SemanticQuerySerializer(VectorFilterSerializer):
    q = StrictCharField(max_length=SEMANTIC_QUERY_MAX, trim_whitespace=True)


class SearchQuerySerializer(VectorFilterSerializer):
    q = StrictCharField(
        max_length=SEARCH_MAX_LENGTH, trim_whitespace=True, help_text="A title (typos welcome) or what happens"
    )
    limit = serializers.IntegerField(min_value=1, max_value=SEARCH_LIMIT_MAX, default=20)


class ByExampleSerializer(VectorFilterSerializer):
    positive = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=20)
    negative = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=20, default=list)


class FriendsLikedQuerySerializer(QuerySerializer):
    genre = StrictCharField(max_length=60, required=False)
    since = serializers.DateTimeField(required=False)
    # The graph query reads at most FRIENDS_LIKED_MAX_OFFSET rows deep: pages beyond are refused.
    page = serializers.IntegerField(min_value=1, max_value=20, default=1)
    page_size = serializers.IntegerField(min_value=1, max_value=FEED_PAGE_SIZE_MAX, default=20)


class ScoredMovieSerializer(serializers.Serializer):
    movie = MovieSummarySerializer()
    score = serializers.FloatField()


class ScoredMovieRowSerializer(serializers.Serializer):
    """ScoredMovieSerializer's shape for movies read in one query (selectors.movies_in_order_one_query)."""

    movie = MovieRowSerializer()
    score = serializers.FloatField()


class FriendsLikedItemSerializer(serializers.Serializer):
    movie = MovieSummarySerializer()
    friend_count = serializers.IntegerField()
    last_activity_at = serializers.DateTimeField()
    friends = UserSummarySerializer(many=True, help_text="Up to three of them, most recent first")


class FriendsLikedPageSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()
    results = FriendsLikedItemSerializer(many=True)


class MovieFriendSerializer(serializers.Serializer):
    user = UserSummarySerializer()
    liked = serializers.BooleanField()
    score = serializers.FloatField(allow_null=True)


class FollowSuggestionSerializer(serializers.Serializer):
    user = UserSummarySerializer()
    mutual_follows = serializers.IntegerField()
    shared_likes = serializers.IntegerField()
    reasons = serializers.ListField(child=StrictCharField())


class AlsoLikedSerializer(serializers.Serializer):
    movie = MovieSummarySerializer()
    co_likes = serializers.IntegerField()
    score = serializers.FloatField(help_text="Jaccard index of the two movies' likers")


class ConnectionSerializer(serializers.Serializer):
    connected = serializers.BooleanField()
    hops = serializers.IntegerField(allow_null=True)
    path = UserSummarySerializer(many=True)


class SearchResultSerializer(serializers.Serializer):
    movie = MovieRowSerializer()
    score = serializers.FloatField(help_text="Higher first; above 1 for a title-led match")
    matched_by = serializers.ListField(child=serializers.ChoiceField(choices=[TITLE_ENGINE, SEMANTIC_ENGINE]))
    title_match = serializers.ChoiceField(
        choices=[match.label for match in TitleMatch], allow_null=True, help_text="How the title engine matched"
    )


class SearchEnginesSerializer(serializers.Serializer):
    # Plain strings: as choices they would be one more enum named after these fields in the schema.
    title = StrictCharField(help_text='"ok"')
    semantic = StrictCharField(help_text='"ok", or "unavailable" when Postgres answered alone')


class SearchAnswerSerializer(serializers.Serializer):
    engines = SearchEnginesSerializer()
    results = SearchResultSerializer(many=True)
