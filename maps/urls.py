from django.urls import path

from . import apis

app_name = "maps"

urlpatterns = [
    path("reports/map/", apis.ReportMapApi.as_view(), name="report-map"),
    path("reports/count/", apis.ReportCountApi.as_view(), name="report-count"),
    path("tiles/reports/<int:z>/<int:x>/<int:y>.pbf", apis.ReportTileApi.as_view(), name="report-tiles"),
    path("tiles/basemap/<slug:version>/<int:z>/<int:x>/<int:y>.pbf", apis.basemap_tile, name="basemap-tiles"),
    path(
        "tiles/basemap-staff/<slug:version>/<int:z>/<int:x>/<int:y>.pbf",
        apis.basemap_staff_tile,
        name="basemap-staff-tiles",
    ),
    path("boundaries/", apis.BoundaryListApi.as_view(), name="boundaries"),
]
