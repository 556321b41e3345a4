from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.catalog import selectors, services
from backend.catalog.cached_reads import CATALOGUE_VERSIONS
from backend.catalog.filters import MovieFilter
from backend.catalog.serializers import (
    MovieDetailSerializer,
    MovieSummarySerializer,
    MovieWriteSerializer,
    SuggestionSerializer,
    SuggestQuerySerializer,
)
from backend.core import response_cache
from backend.core.permissions import IsStaffOrReadOnly
from backend.core.schema import ERROR_RESPONSES


def _movie_input(validated: dict) -> services.MovieInput:
    fields = dict(validated)
    genres = fields.pop("genres", None)
    credits = fields.pop("credits", None)
    return services.MovieInput(
        fields=fields,
        genres=genres,
        credits=None if credits is None else [services.CreditInput(**credit) for credit in credits],
    )


@extend_schema_view(get=extend_schema(responses={200: MovieSummarySerializer(many=True), **ERROR_RESPONSES}))
class MovieListView(generics.ListAPIView):
    """Movies, paginated, filterable, searchable (q) and orderable; staff create with POST."""

    permission_classes = [IsStaffOrReadOnly]
    serializer_class = MovieSummarySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = MovieFilter

    def get_queryset(self):
        return selectors.movie_list()

    def list(self, request, *args, **kwargs):
        # The page's links are absolute, so the scheme and host are part of the key.
        parts = [request.build_absolute_uri("/"), sorted(request.query_params.lists())]
        return Response(
            response_cache.cached(
                "movie-list", parts, CATALOGUE_VERSIONS, lambda: super(MovieListView, self).list(request).data
            )
        )

    @extend_schema(request=MovieWriteSerializer, responses={201: MovieDetailSerializer, **ERROR_RESPONSES})
    def post(self, request):
        serializer = MovieWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        movie = services.create_movie(_movie_input(serializer.validated_data))
        return Response(MovieDetailSerializer(selectors.movie_detail(movie.id)).data, status=status.HTTP_201_CREATED)


class MovieDetailView(APIView):
    """A movie; staff change or delete it. The social app serves it with the viewer's own activity."""

    permission_classes = [IsStaffOrReadOnly]

    def detail(self, request, movie_id: int):
        return selectors.movie_detail(movie_id)

    def viewer(self, request, movie_id: int) -> dict | None:
        """The viewer's own activity on the movie, which the cached answer leaves out."""
        return None

    @extend_schema(responses={200: MovieDetailSerializer, **ERROR_RESPONSES})
    def get(self, request, movie_id: int):
        body = response_cache.cached(
            "movie-detail",
            [movie_id],
            CATALOGUE_VERSIONS,
            lambda: dict(MovieDetailSerializer(selectors.movie_detail(movie_id)).data),
        )
        return Response({**body, "viewer": self.viewer(request, movie_id)})

    @extend_schema(request=MovieWriteSerializer, responses={200: MovieDetailSerializer, **ERROR_RESPONSES})
    def put(self, request, movie_id: int):
        return self._update(request, movie_id, partial=False)

    @extend_schema(request=MovieWriteSerializer, responses={200: MovieDetailSerializer, **ERROR_RESPONSES})
    def patch(self, request, movie_id: int):
        return self._update(request, movie_id, partial=True)

    @extend_schema(responses={204: None, **ERROR_RESPONSES})
    def delete(self, request, movie_id: int):
        selectors.movie_detail(movie_id)  # 404 for an unknown id
        services.delete_movie(movie_id)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _update(self, request, movie_id: int, *, partial: bool):
        movie = selectors.movie_detail(movie_id)
        serializer = MovieWriteSerializer(movie, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        services.update_movie(movie_id, _movie_input(serializer.validated_data))
        return Response(MovieDetailSerializer(self.detail(request, movie_id)).data)


class TitleSuggestView(APIView):
    """Titles for a search box as it is typed: a handful of movies whose title, or a word of it,
    starts with the text (accents, case and punctuation ignored), most popular first."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[SuggestQuerySerializer], responses={200: SuggestionSerializer(many=True), **ERROR_RESPONSES}
    )
    def get(self, request):
        query = SuggestQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.title_suggestions(query.validated_data["q"], limit=query.validated_data["limit"])
        return Response(SuggestionSerializer(rows, many=True).data)
