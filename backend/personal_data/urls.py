from django.urls import path

from backend.personal_data import views

urlpatterns = [
    # Before accounts' own "me/" (backend/config/urls.py): the same view with DELETE added.
    path("me/", views.MeView.as_view(), name="me-with-erasure"),
]
