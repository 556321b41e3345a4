from django.urls import path

from backend.health import views

urlpatterns = [path("health/", views.HealthView.as_view(), name="health")]
