from django.urls import path

from backend.catalog import views

urlpatterns = [
    path("movies/", views.MovieListView.as_view(), name="movie-list"),
    path("search/suggest/", views.TitleSuggestView.as_view(), name="title-suggest"),
]
