from django.urls import path, re_path
from rest_framework.authtoken.views import obtain_auth_token

from . import apis, apis_staff, apis_stats

app_name = "geo_reports"

urlpatterns = [
    path("categories/", apis.CategoryListApi.as_view(), name="categories"),
    path("routing/preview/", apis.RoutingPreviewApi.as_view(), name="routing-preview"),
    path("reports/", apis.ReportListCreateApi.as_view(), name="reports"),
    path("reports/map/", apis.ReportMapApi.as_view(), name="report-map"),
    path("reports/count/", apis.ReportCountApi.as_view(), name="report-count"),
    path("tiles/reports/<int:z>/<int:x>/<int:y>.pbf", apis.ReportTileApi.as_view(), name="report-tiles"),
    re_path(r"^reports/export\.(?P<fmt>geojson|csv)$", apis.ReportExportApi.as_view(), name="report-export"),
    path("reports/track/<str:code>/", apis.ReportTrackApi.as_view(), name="report-track"),
    path("reports/<int:pk>/", apis.ReportDetailApi.as_view(), name="report-detail"),
    path("reports/<int:pk>/support/", apis.ReportSupportApi.as_view(), name="report-support"),
    path("reports/<int:pk>/documents/<uuid:document>/", apis.ReportDocumentApi.as_view(), name="report-document"),
    path("reports/nearby/", apis_staff.NearbyApi.as_view(), name="report-nearby"),
    path("reports/<int:pk>/transition/", apis_staff.ReportTransitionApi.as_view(), name="report-transition"),
    path("reports/<int:pk>/reroute/", apis_staff.ReportRerouteApi.as_view(), name="report-reroute"),
    path("reports/<int:pk>/comments/", apis_staff.ReportCommentApi.as_view(), name="report-comments"),
    path("reports/<int:pk>/assign/", apis_staff.ReportAssignApi.as_view(), name="report-assign"),
    path("stats/", apis_stats.StatisticsApi.as_view(), name="stats"),
    path("stats/hotspots/assets/", apis_stats.AssetHotspotsApi.as_view(), name="stats-asset-hotspots"),
    path("stats/hotspots/clusters/", apis_stats.ClusterHotspotsApi.as_view(), name="stats-clusters"),
    path("staff/inbox/", apis_staff.StaffInboxApi.as_view(), name="staff-inbox"),
    path("staff/reports/<int:pk>/", apis_staff.StaffReportApi.as_view(), name="staff-report"),
    path("auth/token/", obtain_auth_token, name="auth-token"),
    path("reports/<int:pk>/reporter/", apis.ReporterActionApi.as_view(), name="report-reporter"),
]
