"""Shapes of the map's JSON answers (for the OpenAPI schema; the data is built by selectors)."""

from rest_framework import serializers

from districts.serializers import feature_collection_schema, geojson_geometry_schema
from geo_reports.workflow import MAP_GROUPS

MAP_GROUP_CHOICES = list(MAP_GROUPS)  # how the map colours statuses


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Public reports matching the filters.")


class MapPointPropertiesSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Tracking code")
    status = serializers.CharField()
    group = serializers.ChoiceField(choices=MAP_GROUP_CHOICES, help_text="The status group the map colours by.")
    category = serializers.CharField()
    icon = serializers.CharField()
    created = serializers.DateField()
    support = serializers.IntegerField(help_text="+1 count")


class PointGeometrySerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Point"])
    coordinates = serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2)


class MapPointSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    id = serializers.IntegerField()
    geometry = PointGeometrySerializer()
    properties = MapPointPropertiesSerializer()


class MapPointsSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = MapPointSerializer(many=True)
    truncated = serializers.BooleanField(help_text="True when more reports match than one answer holds.")


STRING = {"type": "string"}
BOUNDARIES = feature_collection_schema(
    description="Area outlines as a GeoJSON FeatureCollection, simplified to about 3 m.",
    geometry=geojson_geometry_schema(["Polygon", "MultiPolygon"], "The area's outline."),
    properties={"code": STRING, "name": STRING, "kind": STRING, "parent_code": {**STRING, "nullable": True}},
)
