from django.urls import path

from backend.projector import views

urlpatterns = [
    path("sync/reconcile/", views.ReconcileView.as_view(), name="sync-reconcile"),
    path("sync/rebuild/", views.RebuildView.as_view(), name="sync-rebuild"),
]
