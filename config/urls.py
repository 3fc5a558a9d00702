"""The site's addresses. Each app brings its own URLs (included by name, never imported), and its own
error format for its prefix (common.errors.register_interface, called from the app's ready())."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .health import healthz

api_urlpatterns = [
    path("", include("districts.urls")),
    path("", include("geo_reports.urls")),
    path("", include("maps.urls")),
    path("", include("analytics.urls")),
    path("", include("notifications.urls")),
    path("info/", include("city_info.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include(api_urlpatterns)),
    path("", include("geo_reports.urls_files")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("open311/v2/", include("open311.urls")),
    path("ogcapi/", include("ogcapi.urls")),
    path("channels/", include("chat.urls")),
    path("", include("web.urls_app")),
]

# Pages: Indonesian at /..., English at /en/...
urlpatterns += i18n_patterns(
    path("", include("web.urls")),
    path("petugas/", include("web.urls_staff")),
    path("", include("city_info.urls_pages")),
    path("", include("analytics.urls_feeds")),
    path("masuk/", auth_views.LoginView.as_view(template_name="web/staff/login.html"), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    prefix_default_language=False,
)

handler400 = "common.request_limits.bad_request"  # Django's RequestDataTooBig as 413, in the path's shape
handler404 = "common.middleware.not_found"
