from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/", include("backend.health.urls")),
    path("api/", include("backend.personal_data.urls")),
    path("api/", include("backend.accounts.urls")),
    path("api/", include("backend.catalog.urls")),
    path("api/", include("backend.social.urls")),
    path("api/", include("backend.sync.urls")),
    path("api/", include("backend.projector.urls")),
    path("api/", include("backend.discovery.urls")),
    path("api/", include("backend.recommendations.urls")),
    path("", include("backend.health.metrics_urls")),
]

handler400 = "backend.core.errors.bad_request"
handler403 = "backend.core.errors.permission_denied"
handler404 = "backend.core.errors.page_not_found"
handler500 = "backend.core.errors.server_error"
