from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.selectors import active_user
from backend.catalog import views as catalog_views
from backend.catalog.models import Genre
from backend.catalog.serializers import ViewerSerializer
from backend.core.errors import Forbidden
from backend.core.schema import ERROR_RESPONSES, error
from backend.social import selectors, services
from backend.social.filters import WatchlistFilter
from backend.social.models import FilmList, Follow, FollowRequest, Like, Notification, Rating, Review
from backend.social.privacy import can_see_activity
from backend.social.selectors import feed as feed_selectors
from backend.social.selectors import lists as list_selectors
from backend.social.selectors import notifications as notification_selectors
from backend.social.selectors import reviews as review_selectors
from backend.social.selectors import watchlist as watchlist_selectors
from backend.social.serializers import (
    FeedPageSerializer,
    FeedQuerySerializer,
    FilmListDetailSerializer,
    FilmListSerializer,
    FilmListWriteSerializer,
    FollowerSerializer,
    FollowingSerializer,
    FollowRequestSerializer,
    FollowStatusSerializer,
    FriendWatchlistedSerializer,
    LikeSerializer,
    ListEntryNoteSerializer,
    ListEntrySerializer,
    ListEntryWriteSerializer,
    ListOrderSerializer,
    MarkReadSerializer,
    NotificationSerializer,
    PublicProfileSerializer,
    RatingResultSerializer,
    RatingSerializer,
    ReviewQuerySerializer,
    ReviewSerializer,
    ReviewWriteSerializer,
    ScoreSerializer,
    UnreadCountSerializer,
    WatchlistEntrySerializer,
    WatchlistMovieSerializer,
    feed_page_data,
)
from backend.social.services import blocks as block_services
from backend.social.services import follow_requests as follow_request_services
from backend.social.services import lists as list_services
from backend.social.services import notifications as notification_services
from backend.social.services import reviews as review_services
from backend.social.services import watchlist as watchlist_services
from backend.social.services.follow_requests import FollowOutcome

_GENRES = Prefetch("movie__genres", queryset=Genre.objects.all())


def _review_text(request) -> str | None:
    query = ReviewQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data.get("q")


class MovieDetailView(catalog_views.MovieDetailView):
    """The catalog's movie detail with the signed-in viewer's own rating and like."""

    def detail(self, request, movie_id: int):
        return selectors.movie_detail_for(movie_id, request.user)

    def viewer(self, request, movie_id: int) -> dict | None:
        if not request.user.is_authenticated:
            return None
        return dict(ViewerSerializer(selectors.viewer_activity(movie_id, request.user)).data)


class PublicProfileView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: PublicProfileSerializer, **ERROR_RESPONSES})
    def get(self, request, user_id: int):
        return Response(PublicProfileSerializer(selectors.public_profile(user_id, request.user)).data)


class RatingView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ScoreSerializer,
        responses={200: RatingResultSerializer, 201: RatingResultSerializer, **ERROR_RESPONSES},
    )
    def put(self, request, movie_id: int):
        serializer = ScoreSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rating, created = services.rate_movie(request.user, movie_id, serializer.validated_data["score"])
        body = {"score": rating.score, "on_watchlist": watchlist_selectors.is_watchlisted(request.user, movie_id)}
        return Response(
            RatingResultSerializer(body).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

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

    @extend_schema(
        request=None,
        responses={
            200: FollowStatusSerializer,
            201: FollowStatusSerializer,
            202: FollowStatusSerializer,
            **ERROR_RESPONSES,
        },
        description="A public profile is followed at once (201, or 200 if already followed); a private "
        "one gets a follow request its owner approves or declines (202, status `requested`). 403 "
        "`blocked` if either side blocked the other.",
    )
    def post(self, request, user_id: int):
        outcome = follow_request_services.follow_or_request(request.user, user_id)
        code = {
            FollowOutcome.FOLLOWED: status.HTTP_201_CREATED,
            FollowOutcome.ALREADY_FOLLOWING: status.HTTP_200_OK,
            FollowOutcome.REQUESTED: status.HTTP_202_ACCEPTED,
        }[outcome]
        following = outcome is not FollowOutcome.REQUESTED
        return Response({"status": "following" if following else "requested"}, status=code)

    @extend_schema(responses={204: None, **ERROR_RESPONSES}, description="Unfollow, or withdraw a pending request.")
    def delete(self, request, user_id: int):
        follow_request_services.unfollow_or_cancel(request.user, user_id)
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


class WatchlistEntryView(APIView):
    """Put a film on my watchlist (201, or 200 if it was there) or take it off (204, repeatable)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None, responses={200: WatchlistEntrySerializer, 201: WatchlistEntrySerializer, **ERROR_RESPONSES}
    )
    def put(self, request, movie_id: int):
        entry, created = watchlist_services.watchlist_add(request.user, movie_id)
        return Response(
            WatchlistEntrySerializer(entry).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(responses={204: None, **ERROR_RESPONSES})
    def delete(self, request, movie_id: int):
        watchlist_services.watchlist_remove(request.user, movie_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(get=extend_schema(responses={200: WatchlistMovieSerializer(many=True), **ERROR_RESPONSES}))
class WatchlistView(generics.ListAPIView):
    """My watchlist, newest first, with the catalogue's filters and ordering (plus `added`)."""

    permission_classes = [IsAuthenticated]
    serializer_class = WatchlistMovieSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = WatchlistFilter

    def get_queryset(self):
        return watchlist_selectors.watchlist_movies(self.request.user)


class FriendsWatchlistedView(APIView):
    """People I follow (and may see) who want to watch this film too, most recent first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: FriendWatchlistedSerializer(many=True), **ERROR_RESPONSES})
    def get(self, request, movie_id: int):
        selectors.require_movie(movie_id)
        rows = watchlist_selectors.friends_watchlisted(request.user, movie_id)
        return Response(FriendWatchlistedSerializer(rows, many=True).data)


class BlockView(APIView):
    """Block a user (201, or 200 if already blocked): follows both ways are removed, and neither
    sees the other's activity or appears in the other's lists. DELETE lifts it (204, repeatable)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: None, 201: None, **ERROR_RESPONSES})
    def post(self, request, user_id: int):
        _, created = block_services.block_user(request.user, user_id)
        return Response(status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(responses={204: None, **ERROR_RESPONSES})
    def delete(self, request, user_id: int):
        block_services.unblock_user(request.user, user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(get=extend_schema(responses={200: FollowRequestSerializer(many=True), **ERROR_RESPONSES}))
class FollowRequestsView(generics.ListAPIView):
    """Pending requests to follow my (private) profile, newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = FollowRequestSerializer
    queryset = FollowRequest.objects.none()  # names the model for the schema; requests use get_queryset

    def get_queryset(self):
        return selectors.follow_requests_to(self.request.user)


class FollowRequestDecisionView(APIView):
    """Approve (the requester now follows me) or decline the request of user `user_id`; 404 if
    there is no pending request from them."""

    permission_classes = [IsAuthenticated]
    decision = "approve"

    @extend_schema(request=None, responses={204: None, **ERROR_RESPONSES})
    def post(self, request, user_id: int):
        if self.decision == "approve":
            follow_request_services.follow_request_approve(request.user, user_id)
        else:
            follow_request_services.follow_request_decline(request.user, user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MovieReviewView(APIView):
    """Write or replace my review of a film (201 new, 200 replaced), or delete it (204, repeatable)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ReviewWriteSerializer, responses={200: ReviewSerializer, 201: ReviewSerializer, **ERROR_RESPONSES}
    )
    def put(self, request, movie_id: int):
        serializer = ReviewWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        review, created = review_services.review_write(
            request.user, movie_id, body=data["body"], has_spoilers=data["has_spoilers"], score=data.get("score")
        )
        body = ReviewSerializer(review_selectors.user_reviews(request.user, request.user.id).get(id=review.id)).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(responses={204: None, **ERROR_RESPONSES})
    def delete(self, request, movie_id: int):
        review_services.review_delete(request.user, movie_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    get=extend_schema(
        parameters=[ReviewQuerySerializer], responses={200: ReviewSerializer(many=True), **ERROR_RESPONSES}
    )
)
class MovieReviewsView(generics.ListAPIView):
    """A film's reviews I may see: by people I follow first, then the most liked, then the newest."""

    permission_classes = [AllowAny]
    serializer_class = ReviewSerializer
    queryset = Review.objects.none()  # names the model for the schema; requests use get_queryset

    def get_queryset(self):
        selectors.require_movie(self.kwargs["movie_id"])
        rows = review_selectors.movie_reviews(self.request.user, self.kwargs["movie_id"])
        return review_selectors.search(rows, _review_text(self.request)).prefetch_related(_GENRES)


@extend_schema_view(
    get=extend_schema(
        parameters=[ReviewQuerySerializer], responses={200: ReviewSerializer(many=True), **ERROR_RESPONSES}
    )
)
class UserReviewsView(_ActivityList):
    """A user's reviews, newest first, under the privacy rule (403 for a private profile)."""

    serializer_class = ReviewSerializer
    queryset = Review.objects.none()  # names the model for the schema; requests use get_queryset

    def get_queryset(self):
        rows = review_selectors.user_reviews(self.request.user, self.owner_id())
        return review_selectors.search(rows, _review_text(self.request)).prefetch_related(_GENRES)


@extend_schema_view(
    get=extend_schema(
        parameters=[ReviewQuerySerializer], responses={200: ReviewSerializer(many=True), **ERROR_RESPONSES}
    )
)
class ReviewSearchView(generics.ListAPIView):
    """Full-text search over every review I may see (`q`), most liked first."""

    permission_classes = [AllowAny]
    serializer_class = ReviewSerializer
    queryset = Review.objects.none()  # names the model for the schema; requests use get_queryset

    def get_queryset(self):
        rows = review_selectors.visible_reviews(self.request.user)
        return review_selectors.search(rows, _review_text(self.request)).prefetch_related(_GENRES)


class ReviewLikeView(APIView):
    """Like a review (201, or 200 if already liked) or take the like back (204, repeatable). A
    review I may not see is 404."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: None, 201: None, **ERROR_RESPONSES})
    def post(self, request, review_id: int):
        created = review_services.review_like(request.user, review_id)
        return Response(status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(responses={204: None, **ERROR_RESPONSES})
    def delete(self, request, review_id: int):
        review_services.review_unlike(request.user, review_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(get=extend_schema(responses={200: NotificationSerializer(many=True), **ERROR_RESPONSES}))
class NotificationsView(generics.ListAPIView):
    """My notifications, newest first: new followers, follow requests, approved requests, likes on
    my reviews."""

    permission_classes = [IsAuthenticated]
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # names the model for the schema; requests use get_queryset

    def get_queryset(self):
        return notification_selectors.notifications_of(self.request.user)


class UnreadNotificationsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: UnreadCountSerializer, **ERROR_RESPONSES})
    def get(self, request):
        return Response({"unread": notification_selectors.unread_count(request.user)})


class MarkNotificationsReadView(APIView):
    """Mark the given notifications (or all) read; answers the unread count left."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=MarkReadSerializer, responses={200: UnreadCountSerializer, **ERROR_RESPONSES})
    def post(self, request):
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        notification_services.notifications_mark_read(request.user, serializer.validated_data.get("ids"))
        return Response({"unread": notification_selectors.unread_count(request.user)})


def _valid(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _list_detail(request, list_id: int):
    return FilmListDetailSerializer(list_selectors.list_detail(request.user, list_id)).data


@extend_schema_view(get=extend_schema(responses={200: FilmListSerializer(many=True), **ERROR_RESPONSES}))
class UserListsView(_ActivityList):
    """A user's lists I may see (their public ones, or all of mine), most recently changed first;
    403 when their activity is hidden from me."""

    serializer_class = FilmListSerializer
    queryset = FilmList.objects.none()  # names the model for the schema; requests use get_queryset

    def get_queryset(self):
        return list_selectors.lists_of(self.request.user, self.owner_id())


@extend_schema_view(get=extend_schema(responses={200: FilmListSerializer(many=True), **ERROR_RESPONSES}))
class MyListsView(UserListsView):
    """All my lists, private ones included; POST creates one (409 for a name I already use)."""

    @extend_schema(
        request=FilmListWriteSerializer,
        responses={201: FilmListDetailSerializer, **ERROR_RESPONSES, 409: error("A list of that name exists")},
    )
    def post(self, request):
        if not request.user.is_authenticated:
            self.permission_denied(request)
        film_list = list_services.list_create(request.user, **_valid(FilmListWriteSerializer, request))
        return Response(_list_detail(request, film_list.id), status=status.HTTP_201_CREATED)


class ListDetailView(APIView):
    """A list with its films in order (404 if I may not see it); its owner changes or deletes it."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: FilmListDetailSerializer, **ERROR_RESPONSES})
    def get(self, request, list_id: int):
        return Response(_list_detail(request, list_id))

    @extend_schema(
        request=FilmListWriteSerializer,
        responses={200: FilmListDetailSerializer, **ERROR_RESPONSES, 409: error("A list of that name exists")},
    )
    def patch(self, request, list_id: int):
        self._require_sign_in(request)
        list_services.list_update(request.user, list_id, **_valid(FilmListWriteSerializer, request, partial=True))
        return Response(_list_detail(request, list_id))

    @extend_schema(responses={204: None, **ERROR_RESPONSES})
    def delete(self, request, list_id: int):
        self._require_sign_in(request)
        list_services.list_delete(request.user, list_id)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _require_sign_in(self, request) -> None:
        if not request.user.is_authenticated:
            self.permission_denied(request)


class ListEntriesView(APIView):
    """Add a film at the end of my list (409 if it is on it already)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ListEntryWriteSerializer,
        responses={201: ListEntrySerializer, **ERROR_RESPONSES, 409: error("Already on the list")},
    )
    def post(self, request, list_id: int):
        data = _valid(ListEntryWriteSerializer, request)
        entry = list_services.list_entry_add(request.user, list_id, data["movie_id"], note=data.get("note", ""))
        return Response(ListEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class ListEntryView(APIView):
    """Change the note of a film on my list, or take it off (204, repeatable)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ListEntryNoteSerializer, responses={200: ListEntrySerializer, **ERROR_RESPONSES})
    def patch(self, request, list_id: int, movie_id: int):
        note = _valid(ListEntryNoteSerializer, request, partial=True).get("note")
        return Response(
            ListEntrySerializer(list_services.list_entry_update(request.user, list_id, movie_id, note=note)).data
        )

    @extend_schema(responses={204: None, **ERROR_RESPONSES})
    def delete(self, request, list_id: int, movie_id: int):
        list_services.list_entry_remove(request.user, list_id, movie_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ListOrderView(APIView):
    """Reorder my list: `movie_ids` names each of its films once, in the new order."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ListOrderSerializer, responses={200: FilmListDetailSerializer, **ERROR_RESPONSES})
    def put(self, request, list_id: int):
        list_services.list_reorder(request.user, list_id, _valid(ListOrderSerializer, request)["movie_ids"])
        return Response(_list_detail(request, list_id))


class FeedView(APIView):
    """What the people I follow did (rated, reviewed, liked, listed, followed), newest first, under
    the privacy and block rules. Consecutive actions of one person with one verb within an hour
    collapse into one item ("ada rated 12 films"). Cursor-paginated: pass `next_cursor` back as
    `cursor`; a page never shifts when new activity arrives."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[FeedQuerySerializer], responses={200: FeedPageSerializer, **ERROR_RESPONSES})
    def get(self, request):
        query = FeedQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        items, next_cursor = feed_selectors.feed(request.user, limit=params["limit"], cursor=params.get("cursor"))
        return Response(feed_page_data(items, next_cursor))
