"""Endpoints answered by the graph (social questions) and the vector store (similarity). A store
that is down answers 503 through the one error handler; the writes elsewhere keep working."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.catalog.cached_reads import CATALOGUE_VERSIONS
from backend.core import response_cache
from backend.core.schema import ERROR_RESPONSES, STORE_ERROR_RESPONSES, error
from backend.discovery import search, selectors
from backend.discovery.serializers import (
    AlsoLikedSerializer,
    ByExampleSerializer,
    ConnectionSerializer,
    FollowSuggestionSerializer,
    FriendsLikedPageSerializer,
    FriendsLikedQuerySerializer,
    LimitSerializer,
    MovieFriendSerializer,
    ScoredMovieRowSerializer,
    ScoredMovieSerializer,
    SearchAnswerSerializer,
    SearchQuerySerializer,
    SemanticQuerySerializer,
    VectorFilterSerializer,
)
from graph.queries import CONNECTION_MAX_HOPS
from vectors.types import SearchFilter

CONNECTION_HOPS = 4
# The neighbours come from the vectors, their rows from the catalogue.
SIMILAR_MOVIES_VERSIONS = (*CATALOGUE_VERSIONS, response_cache.target_version("vectors"))
VECTOR_RESPONSES = {**STORE_ERROR_RESPONSES, 409: error("Not in the similarity index yet (status: indexing)")}


def _query(serializer_class, request):
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _search_filter(params: dict) -> SearchFilter:
    return SearchFilter(
        genre=params.get("genre"),
        year_min=params.get("year_min"),
        year_max=params.get("year_max"),
        language=params.get("language"),
    )


def _scored(results) -> Any:
    return ScoredMovieSerializer([{"movie": r.movie, "score": r.score} for r in results], many=True).data


class FriendsLikedView(APIView):
    """Movies liked (or rated 4+) by people I follow that I have not liked or rated yet."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[FriendsLikedQuerySerializer], responses={200: FriendsLikedPageSerializer, **STORE_ERROR_RESPONSES}
    )
    def get(self, request):
        params = _query(FriendsLikedQuerySerializer, request)
        size, page = params["page_size"], params["page"]
        items, users = selectors.friends_liked(
            request.user.id,
            genre=params.get("genre"),
            since=params.get("since"),
            limit=size + 1,
            offset=(page - 1) * size,
        )
        results = [
            {
                "movie": movie,
                "friend_count": answer.friend_count,
                "last_activity_at": answer.last_at,
                "friends": [users[uid] for uid in answer.friend_ids if uid in users],
            }
            for answer, movie in items[:size]
        ]
        return Response(
            FriendsLikedPageSerializer({"page": page, "has_next": len(items) > size, "results": results}).data
        )


class MovieFriendsView(APIView):
    """People I follow who liked or rated this movie, with their rating."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MovieFriendSerializer(many=True), **STORE_ERROR_RESPONSES})
    def get(self, request, movie_id: int):
        rows = selectors.movie_friends(request.user.id, movie_id)
        data = [{"user": user, "liked": a.liked, "score": a.score} for a, user in rows]
        return Response(MovieFriendSerializer(data, many=True).data)


def _reasons(suggestion) -> list[str]:
    reasons = []
    if suggestion.mutual_follows:
        people = "person" if suggestion.mutual_follows == 1 else "people"
        reasons.append(f"followed by {suggestion.mutual_follows} {people} you follow")
    if suggestion.shared_likes:
        movies = "movie" if suggestion.shared_likes == 1 else "movies"
        reasons.append(f"you both liked {suggestion.shared_likes} {movies}")
    return reasons


class FollowSuggestionsView(APIView):
    """People I do not follow, ranked by mutual follows, then by movies we both liked."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[LimitSerializer], responses={200: FollowSuggestionSerializer(many=True), **STORE_ERROR_RESPONSES}
    )
    def get(self, request):
        params = _query(LimitSerializer, request)
        rows = selectors.follow_suggestions(request.user.id, limit=params["limit"])
        data = [
            {"user": user, "mutual_follows": s.mutual_follows, "shared_likes": s.shared_likes, "reasons": _reasons(s)}
            for s, user in rows
        ]
        return Response(FollowSuggestionSerializer(data, many=True).data)


class AlsoLikedView(APIView):
    """Movies most liked by this movie's likers, scored by the Jaccard index of their likers so a
    blockbuster liked by everyone does not top every list."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[LimitSerializer], responses={200: AlsoLikedSerializer(many=True), **STORE_ERROR_RESPONSES}
    )
    def get(self, request, movie_id: int):
        params = _query(LimitSerializer, request)
        viewer_id = request.user.id if request.user.is_authenticated else None
        rows = selectors.also_liked(movie_id, viewer_id=viewer_id, limit=params["limit"])
        data = [{"movie": movie, "co_likes": a.co_likes, "score": a.score} for a, movie in rows]
        return Response(AlsoLikedSerializer(data, many=True).data)


class ConnectionView(APIView):
    """How I am connected to a user: a shortest follow path of up to four hops, or none."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ConnectionSerializer, **STORE_ERROR_RESPONSES})
    def get(self, request, user_id: int):
        path = selectors.connection(request.user.id, user_id, max_hops=min(CONNECTION_HOPS, CONNECTION_MAX_HOPS))
        body = {"connected": path is not None, "hops": None if path is None else len(path) - 1, "path": path or []}
        return Response(ConnectionSerializer(body).data)


class SimilarMoviesView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[VectorFilterSerializer], responses={200: ScoredMovieRowSerializer(many=True), **VECTOR_RESPONSES}
    )
    def get(self, request, movie_id: int):
        params = _query(VectorFilterSerializer, request)

        def answer() -> list:
            similar = selectors.similar_movies(movie_id, limit=params["limit"], search_filter=_search_filter(params))
            return list(
                ScoredMovieRowSerializer([{"movie": r.movie, "score": r.score} for r in similar], many=True).data
            )

        parts = [movie_id, sorted(params.items())]
        return Response(response_cache.cached("similar-movies", parts, SIMILAR_MOVIES_VERSIONS, answer))


class SemanticSearchView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[SemanticQuerySerializer], responses={200: ScoredMovieSerializer(many=True), **VECTOR_RESPONSES}
    )
    def get(self, request):
        params = _query(SemanticQuerySerializer, request)
        return Response(
            _scored(selectors.semantic_search(params["q"], limit=params["limit"], search_filter=_search_filter(params)))
        )


class ByExampleView(APIView):
    """Qdrant's recommend query (best_score strategy) over positive and negative example movies."""

    permission_classes = [AllowAny]

    @extend_schema(request=ByExampleSerializer, responses={200: ScoredMovieSerializer(many=True), **VECTOR_RESPONSES})
    def post(self, request):
        serializer = ByExampleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        params = serializer.validated_data
        results = selectors.by_example(
            params["positive"], params["negative"], limit=params["limit"], search_filter=_search_filter(params)
        )
        return Response(_scored(results))


class SearchView(APIView):
    """One search box for a title or for what happens in a film: Postgres's title-first ranking
    (exact title, prefix, words, typos, then full text) fused with the semantic ranking of plot
    embeddings, the filters applied inside both engines. If the vector store is down, Postgres
    answers alone and `engines.semantic` says "unavailable"."""

    permission_classes = [AllowAny]

    @extend_schema(parameters=[SearchQuerySerializer], responses={200: SearchAnswerSerializer, **ERROR_RESPONSES})
    def get(self, request):
        params = _query(SearchQuerySerializer, request)
        answer = search.search(params["q"], limit=params["limit"], search_filter=_search_filter(params))
        results = [
            {
                "movie": result.movie,
                "score": result.hit.score,
                "matched_by": list(result.hit.matched_by),
                "title_match": result.hit.title_match.label if result.hit.title_match is not None else None,
            }
            for result in answer.results
        ]
        engines = {"title": "ok", "semantic": "ok" if answer.semantic_available else "unavailable"}
        return Response(SearchAnswerSerializer({"engines": engines, "results": results}).data)
