from django.urls import path, re_path

from . import apis

app_name = "analytics"

urlpatterns = [
    re_path(r"^reports/export\.(?P<fmt>geojson|csv|gpkg)$", apis.ReportExportApi.as_view(), name="report-export"),
    path("stats/", apis.StatisticsApi.as_view(), name="stats"),
    path("stats/hotspots/assets/", apis.AssetHotspotsApi.as_view(), name="stats-asset-hotspots"),
    path("stats/hotspots/clusters/", apis.ClusterHotspotsApi.as_view(), name="stats-clusters"),
]
