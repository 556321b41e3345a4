from django.urls import path

from backend.recommendations import views

urlpatterns = [
    path("me/recommendations/", views.RecommendationsView.as_view(), name="recommendations"),
    path("me/recommendations/hidden/", views.HiddenMoviesView.as_view(), name="recommendations-hidden"),
    path("me/preferences/", views.PreferencesView.as_view(), name="preferences"),
]
