from django.urls import path

from backend.catalog import views

urlpatterns = [
    path("movies/", views.MovieListView.as_view(), name="movie-list"),
    path("movies/<int:movie_id>/", views.MovieDetailView.as_view(), name="movie-detail"),
    path("search/suggest/", views.TitleSuggestView.as_view(), name="title-suggest"),
]
