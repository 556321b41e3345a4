from django.urls import path

from backend.discovery import views

urlpatterns = [
    path("me/feed/friends-liked/", views.FriendsLikedView.as_view(), name="friends-liked"),
    path("me/suggestions/follow/", views.FollowSuggestionsView.as_view(), name="follow-suggestions"),
    path("movies/<int:movie_id>/friends/", views.MovieFriendsView.as_view(), name="movie-friends"),
    path("movies/<int:movie_id>/also-liked/", views.AlsoLikedView.as_view(), name="also-liked"),
    path("movies/<int:movie_id>/similar/", views.SimilarMoviesView.as_view(), name="similar-movies"),
    path("users/<int:user_id>/connection/", views.ConnectionView.as_view(), name="user-connection"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("search/semantic/", views.SemanticSearchView.as_view(), name="semantic-search"),
    path("search/semantic/by-example/", views.ByExampleView.as_view(), name="semantic-by-example"),
]
