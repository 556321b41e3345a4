from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.selectors import active_user
from backend.catalog import views as catalog_views
from backend.catalog.models import Genre
from backend.core.errors import Forbidden
from backend.core.schema import ERROR_RESPONSES
from backend.social import selectors, services
from backend.social.models import Follow, Like, Rating
from backend.social.privacy import can_see_activity
from backend.social.serializers import (
    FollowerSerializer,
    FollowingSerializer,
    LikeSerializer,
    PublicProfileSerializer,
    RatingSerializer,
    ScoreSerializer,
)

_GENRES = Prefetch("movie__genres", queryset=Genre.objects.all())


class MovieDetailView(catalog_views.MovieDetailView):
    """The catalog's movie detail with the signed-in viewer's own rating and like."""

    def detail(self, request, movie_id: int):
        return selectors.movie_detail_for(movie_id, request.user)


class PublicProfileView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: PublicProfileSerializer, **ERROR_RESPONSES})
    def get(self, request, user_id: int):
        return Response(PublicProfileSerializer(selectors.public_profile(user_id, request.user)).data)


class RatingView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ScoreSerializer, responses={200: ScoreSerializer, 201: ScoreSerializer, **ERROR_RESPONSES})
    def put(self, request, movie_id: int):
        serializer = ScoreSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rating, created = services.rate_movie(request.user, movie_id, serializer.validated_data["score"])
        return Response(ScoreSerializer(rating).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(responses={204: None, **ERROR_RESPONSES})
    def delete(self, request, movie_id: int):
        services.unrate_movie(request.user, movie_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LikeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: None, 201: None, **ERROR_RESPONSES})
    def post(self, request, movie_id: int):
        _, created = services.like_movie(request.user, movie_id)
        return Response(status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(responses={204: None, **ERROR_RESPONSES})
    def delete(self, request, movie_id: int):
        services.unlike_movie(request.user, movie_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FollowView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: None, 201: None, **ERROR_RESPONSES})
    def post(self, request, user_id: int):
        _, created = services.follow_user(request.user, user_id)
        return Response(status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(responses={204: None, **ERROR_RESPONSES})
    def delete(self, request, user_id: int):
        services.unfollow_user(request.user, user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(get=extend_schema(responses={200: FollowerSerializer(many=True), **ERROR_RESPONSES}))
class FollowersView(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = FollowerSerializer
    queryset = Follow.objects.none()  # names the model for the schema; requests use get_queryset

    def get_queryset(self):
        return selectors.followers_of(active_user(self.kwargs["user_id"]).id)


@extend_schema_view(get=extend_schema(responses={200: FollowingSerializer(many=True), **ERROR_RESPONSES}))
class FollowingView(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = FollowingSerializer
    queryset = Follow.objects.none()  # names the model for the schema; requests use get_queryset

    def get_queryset(self):
        return selectors.following_of(active_user(self.kwargs["user_id"]).id)


class _ActivityList(generics.ListAPIView):
    """Someone's ratings or likes: the owner's own (/me/...) or another's, under the privacy rule."""

    permission_classes = [AllowAny]

    def owner_id(self) -> int:
        if "user_id" not in self.kwargs:
            if not self.request.user.is_authenticated:
                self.permission_denied(self.request)
            return self.request.user.id
        owner = active_user(self.kwargs["user_id"])
        if not can_see_activity(self.request.user, owner.id, owner.profile.is_private):
            raise Forbidden("This profile is private.", code="private_profile")
        return owner.id


@extend_schema_view(get=extend_schema(responses={200: RatingSerializer(many=True), **ERROR_RESPONSES}))
class RatingsView(_ActivityList):
    serializer_class = RatingSerializer
    queryset = Rating.objects.none()  # names the model for the schema; requests use get_queryset

    def get_queryset(self):
        return selectors.ratings_of(self.owner_id()).prefetch_related(_GENRES)


@extend_schema_view(get=extend_schema(responses={200: LikeSerializer(many=True), **ERROR_RESPONSES}))
class LikesView(_ActivityList):
    serializer_class = LikeSerializer
    queryset = Like.objects.none()  # names the model for the schema; requests use get_queryset

    def get_queryset(self):
        return selectors.likes_of(self.owner_id()).prefetch_related(_GENRES)
