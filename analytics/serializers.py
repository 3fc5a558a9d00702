"""Shapes of the figures' and exports' answers, for the OpenAPI schema (the data is computed in
the database by statistics.py and exports.py)."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from districts.serializers import feature_collection_schema, geojson_geometry_schema

from . import statistics

GROUP_CHOICES = list(statistics.GROUPS)


class StatisticsQuerySerializer(serializers.Serializer):
    group = serializers.ChoiceField(
        choices=GROUP_CHOICES,
        default="agency",
        error_messages={"invalid_choice": gettext_lazy("group must be agency, kecamatan, desa, category or month.")},
    )


class HotspotQuerySerializer(serializers.Serializer):
    months = serializers.IntegerField(default=12, min_value=1, max_value=120)
    min = serializers.IntegerField(default=2, min_value=2, max_value=1000)
    eps_m = serializers.FloatField(default=150, min_value=5, max_value=5000)
    min_points = serializers.IntegerField(default=4, min_value=2, max_value=1000)


class StatisticsRowSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True, help_text="The group's code, or the month as YYYY-MM.")
    label = serializers.CharField(allow_null=True, help_text="The group's name; a month in words, e.g. September 2026.")
    received = serializers.IntegerField()
    resolved = serializers.IntegerField()
    median_first_response_hours = serializers.FloatField(allow_null=True)
    median_resolution_hours = serializers.FloatField(allow_null=True)
    on_time_share = serializers.FloatField(allow_null=True, help_text="Of the resolved, the share resolved in time.")
    on_time_lower_bound = serializers.FloatField(
        allow_null=True,
        help_text="The lower end of the 95 % Wilson interval of on_time_share over `resolved` reports: a "
        "ranking by it is fair to volume (1 of 3 on time is not ranked above 200 of 300).",
    )
    reopened_share = serializers.FloatField(allow_null=True)
    average_rating = serializers.FloatField(allow_null=True)
    rated = serializers.IntegerField()


class StatisticsSerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=GROUP_CHOICES)
    rows = StatisticsRowSerializer(many=True)


class AssetHotspotPropertiesSerializer(serializers.Serializer):
    layer = serializers.CharField()
    external_id = serializers.CharField()
    name = serializers.CharField(allow_blank=True)
    owner = serializers.CharField()
    reports = serializers.IntegerField()
    months = serializers.IntegerField()
    summary = serializers.CharField()
    summary_en = serializers.CharField()
    synthetic = serializers.BooleanField()


@extend_schema_field(
    geojson_geometry_schema(["Point", "LineString", "Polygon", "MultiPolygon"], "A GeoJSON geometry, WGS84.")
)
class GeometryJSONField(serializers.JSONField):
    pass


class AssetHotspotSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    geometry = GeometryJSONField()
    properties = AssetHotspotPropertiesSerializer()


class ClusterPropertiesSerializer(serializers.Serializer):
    cluster = serializers.IntegerField()
    reports = serializers.IntegerField()
    centre = serializers.ListField(child=serializers.FloatField())
    main_category = serializers.CharField(allow_null=True)


class ClusterSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    geometry = GeometryJSONField()
    properties = ClusterPropertiesSerializer()


class AssetHotspotsSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = AssetHotspotSerializer(many=True)


class ClustersSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = ClusterSerializer(many=True)


ANY_GEOMETRY = geojson_geometry_schema(
    ["Point", "LineString", "Polygon", "MultiPolygon"], "A GeoJSON geometry, WGS84 longitude/latitude."
)
TEXT = {"type": "string", "nullable": True}
MOMENT = {"type": "string", "format": "date-time", "nullable": True}
EXPORT_PROPERTIES = {
    "tracking_code": TEXT,
    "status": TEXT,
    "category": TEXT,
    "category_name": TEXT,
    "agency": TEXT,
    "agency_name": TEXT,
    "desa": TEXT,
    "desa_code": TEXT,
    "kecamatan": TEXT,
    "description": TEXT,
    "support_count": {"type": "integer"},
    "created_at": MOMENT,
    "resolve_due": MOMENT,
    "first_response_at": MOMENT,
    "resolved_at": MOMENT,
    "closed_at": MOMENT,
    "asset": TEXT,
    "routing": TEXT,
    "reporter": {
        "type": "object",
        "nullable": True,
        "description": "Staff and planners only, where policy allows.",
        "properties": {"name": {"type": "string"}, "phone": {"type": "string"}, "email": {"type": "string"}},
    },
    "assigned_to": {**TEXT, "description": "Staff and planners only, where policy allows."},
}
EXPORT_GEOJSON = feature_collection_schema(
    description="All matching reports as one RFC 7946 FeatureCollection, streamed.",
    geometry=ANY_GEOMETRY,
    properties=EXPORT_PROPERTIES,
)
