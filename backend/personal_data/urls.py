from django.urls import path

from backend.personal_data import views

urlpatterns = [
    # Before accounts' own "me/" (backend/config/urls.py): the same view with DELETE added.
    path("me/", views.MeView.as_view(), name="me-with-erasure"),
    path("me/exports/", views.ExportsView.as_view(), name="me-exports"),
    path("me/exports/<int:export_id>/", views.ExportView.as_view(), name="me-export"),
    path("me/exports/<int:export_id>/download/", views.ExportDownloadView.as_view(), name="me-export-download"),
    path("me/imports/", views.ImportsView.as_view(), name="me-imports"),
    path("me/imports/<int:import_id>/", views.ImportView.as_view(), name="me-import"),
]
