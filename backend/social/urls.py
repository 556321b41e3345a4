from django.urls import path

from backend.social import views

urlpatterns = [
    path("movies/<int:movie_id>/", views.MovieDetailView.as_view(), name="movie-detail"),
    path("users/<int:user_id>/", views.PublicProfileView.as_view(), name="user-detail"),
    path("movies/<int:movie_id>/rating/", views.RatingView.as_view(), name="movie-rating"),
    path("movies/<int:movie_id>/like/", views.LikeView.as_view(), name="movie-like"),
    path("users/<int:user_id>/follow/", views.FollowView.as_view(), name="user-follow"),
    path("users/<int:user_id>/followers/", views.FollowersView.as_view(), name="user-followers"),
    path("users/<int:user_id>/following/", views.FollowingView.as_view(), name="user-following"),
    path("users/<int:user_id>/ratings/", views.RatingsView.as_view(), name="user-ratings"),
    path("users/<int:user_id>/likes/", views.LikesView.as_view(), name="user-likes"),
    path("me/ratings/", views.RatingsView.as_view(), name="me-ratings"),
    path("me/likes/", views.LikesView.as_view(), name="me-likes"),
    path("users/<int:user_id>/block/", views.BlockView.as_view(), name="user-block"),
    path("me/follow-requests/", views.FollowRequestsView.as_view(), name="me-follow-requests"),
    path(
        "me/follow-requests/<int:user_id>/approve/",
        views.FollowRequestDecisionView.as_view(decision="approve"),
        name="me-follow-request-approve",
    ),
    path(
        "me/follow-requests/<int:user_id>/decline/",
        views.FollowRequestDecisionView.as_view(decision="decline"),
        name="me-follow-request-decline",
    ),
    path("movies/<int:movie_id>/review/", views.MovieReviewView.as_view(), name="movie-review"),
    path("movies/<int:movie_id>/reviews/", views.MovieReviewsView.as_view(), name="movie-reviews"),
    path("users/<int:user_id>/reviews/", views.UserReviewsView.as_view(), name="user-reviews"),
    path("me/reviews/", views.UserReviewsView.as_view(), name="me-reviews"),
    path("reviews/", views.ReviewSearchView.as_view(), name="reviews"),
    path("reviews/<int:review_id>/like/", views.ReviewLikeView.as_view(), name="review-like"),
    path("me/notifications/", views.NotificationsView.as_view(), name="me-notifications"),
    path("me/notifications/unread-count/", views.UnreadNotificationsView.as_view(), name="me-notifications-unread"),
    path("me/notifications/read/", views.MarkNotificationsReadView.as_view(), name="me-notifications-read"),
    path("me/watchlist/", views.WatchlistView.as_view(), name="me-watchlist"),
    path("me/watchlist/<int:movie_id>/", views.WatchlistEntryView.as_view(), name="me-watchlist-entry"),
    path(
        "movies/<int:movie_id>/watchlisted-by-friends/",
        views.FriendsWatchlistedView.as_view(),
        name="movie-friends-watchlisted",
    ),
]
