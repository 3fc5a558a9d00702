from django.urls import path

from . import apis

app_name = "geo_reports"

urlpatterns = [
    path("categories/", apis.CategoryListApi.as_view(), name="categories"),
    path("routing/preview/", apis.RoutingPreviewApi.as_view(), name="routing-preview"),
    path("reports/", apis.ReportListCreateApi.as_view(), name="reports"),
    path("reports/map/", apis.ReportMapApi.as_view(), name="report-map"),
    path("reports/track/<str:code>/", apis.ReportTrackApi.as_view(), name="report-track"),
    path("reports/<int:pk>/", apis.ReportDetailApi.as_view(), name="report-detail"),
    path("reports/<int:pk>/support/", apis.ReportSupportApi.as_view(), name="report-support"),
    path("reports/<int:pk>/transition/", apis.ReportTransitionApi.as_view(), name="report-transition"),
    path("reports/<int:pk>/reroute/", apis.ReportRerouteApi.as_view(), name="report-reroute"),
    path("reports/<int:pk>/reporter/", apis.ReporterActionApi.as_view(), name="report-reporter"),
]
