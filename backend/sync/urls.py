from django.urls import path

from backend.sync import views

urlpatterns = [
    path("sync/deliveries/", views.DeliveryListView.as_view(), name="sync-deliveries"),
    path("sync/deliveries/retry/", views.RetryView.as_view(), name="sync-retry"),
    path("sync/replay/", views.ReplayView.as_view(), name="sync-replay"),
]
