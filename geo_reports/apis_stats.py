"""Statistics and hotspots over public reports (the council's and the public's view), with the
same filters as the report list."""

from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from . import selectors, statistics
from .filters import ReportFilter


class StatisticsQuerySerializer(serializers.Serializer):
    group = serializers.ChoiceField(
        choices=list(statistics.GROUPS),
        default="agency",
        error_messages={"invalid_choice": gettext_lazy("group must be agency, kecamatan, desa, category or month.")},
    )


class HotspotQuerySerializer(serializers.Serializer):
    months = serializers.IntegerField(default=12, min_value=1, max_value=120)
    min = serializers.IntegerField(default=2, min_value=2, max_value=1000)
    eps_m = serializers.FloatField(default=150, min_value=5, max_value=5000)
    min_points = serializers.IntegerField(default=4, min_value=2, max_value=1000)


class StatsBase(generics.GenericAPIView):
    filterset_class = ReportFilter
    pagination_class = None

    def get_queryset(self):
        return selectors.report_public()

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
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        group = self.query(StatisticsQuerySerializer)["group"]
        reports = self.filter_queryset(self.get_queryset())
        return Response({"group": group, "rows": statistics.report_statistics(reports=reports, group=group)})


@method_decorator(cache_control(public=True, max_age=300), name="get")
class AssetHotspotsApi(StatsBase):
    """Assets with repeated reports in the last `months` months, as GeoJSON."""

    @extend_schema(parameters=[HotspotQuerySerializer], responses=OpenApiTypes.OBJECT)
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

    @extend_schema(parameters=[HotspotQuerySerializer], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        values = self.query(HotspotQuerySerializer)
        features = statistics.report_clusters(
            reports=self.filter_queryset(self.get_queryset()), eps_m=values["eps_m"], min_points=values["min_points"]
        )
        return Response({"type": "FeatureCollection", "features": features})
