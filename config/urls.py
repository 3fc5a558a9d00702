from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from geo_reports.views import photo_file

from .health import healthz

api_urlpatterns = [
    path("", include("districts.urls")),
    path("", include("geo_reports.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include(api_urlpatterns)),
    path("media/photos/<str:prefix>/<str:filename>", photo_file, name="photo-file"),
]
