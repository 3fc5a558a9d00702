"""Figures and exports: statistics and hotspots over public reports (the council's and the public's
view), and streamed exports of reports; all with the same filters as the report list."""

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from geo_reports.filters import ReportFilter
from geo_reports.selectors import report_public

from . import exports, statistics
from .selectors import report_export_scope
from .serializers import (
    EXPORT_GEOJSON,
    AssetHotspotsSerializer,
    ClustersSerializer,
    HotspotQuerySerializer,
    StatisticsQuerySerializer,
    StatisticsSerializer,
)


class StatsBase(generics.GenericAPIView):
    filterset_class = ReportFilter
    pagination_class = None

    def get_queryset(self):
        return report_public()

    def query(self, serializer_class):
        query = serializer_class(data=self.request.query_params)
        if not query.is_valid():
            raise ValidationError(query.errors)
        return query.validated_data


@method_decorator(cache_control(public=True, max_age=300), name="get")
class StatisticsApi(StatsBase):
    """Per agency, kecamatan, desa, category or month: received, resolved, median hours to first
    response and to resolution, share resolved on time, share reopened, average rating."""

    @extend_schema(
        parameters=[StatisticsQuerySerializer, OpenApiParameter("since", str), OpenApiParameter("until", str)],
        responses=StatisticsSerializer,
    )
    def get(self, request):
        group = self.query(StatisticsQuerySerializer)["group"]
        reports = self.filter_queryset(self.get_queryset())
        return Response({"group": group, "rows": statistics.report_statistics(reports=reports, group=group)})


@method_decorator(cache_control(public=True, max_age=300), name="get")
class AssetHotspotsApi(StatsBase):
    """Assets with repeated reports in the last `months` months, as GeoJSON."""

    @extend_schema(parameters=[HotspotQuerySerializer], responses=AssetHotspotsSerializer)
    def get(self, request):
        values = self.query(HotspotQuerySerializer)
        features = statistics.asset_hotspots(
            reports=self.filter_queryset(self.get_queryset()), months=values["months"], minimum=values["min"]
        )
        return Response({"type": "FeatureCollection", "features": features})


@method_decorator(cache_control(public=True, max_age=300), name="get")
class ClusterHotspotsApi(StatsBase):
    """Clusters of nearby reports (DBSCAN: `min_points` reports each within `eps_m` metres), as
    GeoJSON hulls with their counts."""

    @extend_schema(parameters=[HotspotQuerySerializer], responses=ClustersSerializer)
    def get(self, request):
        values = self.query(HotspotQuerySerializer)
        features = statistics.report_clusters(
            reports=self.filter_queryset(self.get_queryset()), eps_m=values["eps_m"], min_points=values["min_points"]
        )
        return Response({"type": "FeatureCollection", "features": features})


class ReportExportApi(generics.GenericAPIView):
    """All reports matching the list's filters: GeoJSON (RFC 7946) or CSV, streamed, or a GeoPackage.
    Anonymous readers get public fields; agency staff and planners get private fields where policy
    allows. Times are in WIB with their offset (+07:00)."""

    filterset_class = ReportFilter
    pagination_class = None
    STREAMED = {
        "geojson": ("application/geo+json", exports.geojson_chunks),
        "csv": ("text/csv; charset=utf-8", exports.csv_chunks),
    }
    GEOPACKAGE = "application/geopackage+sqlite3"

    @extend_schema(
        responses={
            (200, "application/geo+json"): EXPORT_GEOJSON,
            (200, "text/csv"): OpenApiTypes.STR,
            (200, GEOPACKAGE): OpenApiTypes.BINARY,
        }
    )
    def get(self, request, fmt: str):
        reports, private_agencies = report_export_scope(request.user)
        reports = self.filter_queryset(reports)
        filename = f"lapor-batu-reports-{timezone.localtime().strftime('%Y%m%d-%H%M')}.{fmt}"
        if fmt == "gpkg":
            handle = exports.geopackage_file(reports, private_agencies=private_agencies)
            response = FileResponse(handle, content_type=self.GEOPACKAGE, as_attachment=True, filename=filename)
        else:
            content_type, chunks = self.STREAMED[fmt]
            response = StreamingHttpResponse(
                chunks(reports, private_agencies=private_agencies), content_type=content_type
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store" if private_agencies else "public, max-age=60"
        return response
