"""What to watch next: the fused recommendations, hidden films and favourite genres.

The list never answers 503: a store that is down leaves its source out and `sources` says so."""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.catalog.selectors import movies_in_order_one_query
from backend.core.schema import ERROR_RESPONSES
from backend.recommendations import selectors, services
from backend.recommendations.models import HiddenMovie
from backend.recommendations.serializers import (
    HiddenInputSerializer,
    HiddenMovieSerializer,
    PreferencesSerializer,
    RecommendationPageSerializer,
    RecommendationQuerySerializer,
)
from backend.recommendations.sources import Filters

HIDDEN_LIST_MAX = 500


class RecommendationsView(APIView):
    """Films for me, fused from four sources (collaborative, content, social, popularity), each
    with its reasons. Rated, liked and hidden films never appear; at most a few per genre on the
    first page unless `genre` is set. A new rating, like or hide changes the next answer."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[RecommendationQuerySerializer], responses={200: RecommendationPageSerializer, **ERROR_RESPONSES}
    )
    def get(self, request):
        query = RecommendationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        filters = Filters(genre=params.get("genre"), year_min=params.get("year_min"), year_max=params.get("year_max"))
        body = selectors.recommendations_body(request.user, filters, page=params["page"], page_size=params["page_size"])
        return HttpResponse(body, content_type="application/json")


class HiddenMoviesView(APIView):
    """Films I said I am not interested in: never recommended, and a negative for my taste."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: HiddenMovieSerializer(many=True), **ERROR_RESPONSES})
    def get(self, request):
        rows = list(HiddenMovie.objects.filter(user=request.user).order_by("-created_at", "-id")[:HIDDEN_LIST_MAX])
        movies = {m.id: m for m in movies_in_order_one_query([r.movie_id for r in rows])}
        data = [{"movie": movies[r.movie_id], "created_at": r.created_at} for r in rows if r.movie_id in movies]
        return Response(HiddenMovieSerializer(data, many=True).data)

    @extend_schema(
        request=HiddenInputSerializer,
        responses={201: HiddenMovieSerializer, 200: HiddenMovieSerializer, **ERROR_RESPONSES},
        description="Hide a film (201; 200 when it was hidden already). 404 for an unknown movie.",
    )
    def post(self, request):
        body = HiddenInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row, created = services.movie_hide(request.user, body.validated_data["movie_id"])
        movie = movies_in_order_one_query([row.movie_id])[0]
        return Response(
            HiddenMovieSerializer({"movie": movie, "created_at": row.created_at}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "movie_id", {"type": "integer", "minimum": 1}, required=True, description="The film to show again"
            )
        ],
        request=None,
        responses={204: None, **ERROR_RESPONSES},
        description="Undo a hide (204, also when it was not hidden). 404 for an unknown movie.",
    )
    def delete(self, request):
        body = HiddenInputSerializer(data=request.query_params or request.data)
        body.is_valid(raise_exception=True)
        services.movie_unhide(request.user, body.validated_data["movie_id"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class PreferencesView(APIView):
    """My favourite genres: with no history yet, recommendations are the top rated in them."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: PreferencesSerializer, **ERROR_RESPONSES})
    def get(self, request):
        return Response({"favourite_genres": services.preferences_get(request.user)})

    @extend_schema(request=PreferencesSerializer, responses={200: PreferencesSerializer, **ERROR_RESPONSES})
    def put(self, request):
        body = PreferencesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(
            {"favourite_genres": services.preferences_set(request.user, body.validated_data["favourite_genres"])}
        )
