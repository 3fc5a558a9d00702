"""Shapes of places and agencies, in and out: the brief agency and area objects every report, event
or announcement carries, the GeoJSON geometry input field, and longitude/latitude parameters."""

from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from common import geojson
from common.serializers import FieldsBuiltOnce

from .models import Agency, Area
from .selectors import swapped_coordinates_hint


class AgencyBriefSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """An agency as other objects name it."""

    class Meta:
        model = Agency
        fields = ("code", "name", "short_name")


class AreaBriefSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """An area as other objects name it; `label` is how the city writes it ("Desa Punten")."""

    label = serializers.CharField(read_only=True)

    class Meta:
        model = Area
        fields = ("code", "name", "kind", "label")


POSITION = {"type": "array", "items": {"type": "number"}, "minItems": 2, "description": "[longitude, latitude]"}


def geojson_geometry_schema(types: list[str], description: str) -> dict:
    """The OpenAPI schema of a GeoJSON geometry of these types (RFC 7946): its coordinates are a
    position (Point), a list of them (LineString), or lists of those (Polygon, MultiPolygon)."""
    nesting = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}
    shapes = []
    for depth in sorted({nesting[t] for t in types}):
        shape = POSITION
        for _level in range(depth):
            shape = {"type": "array", "items": shape}
        shapes.append(shape)
    return {
        "type": "object",
        "description": description,
        "required": ["type", "coordinates"],
        "properties": {
            "type": {"type": "string", "enum": types},
            "coordinates": shapes[0] if len(shapes) == 1 else {"oneOf": shapes},
        },
    }


def feature_collection_schema(*, description: str, geometry: dict, properties: dict) -> dict:
    """The OpenAPI schema of a GeoJSON FeatureCollection whose features have this geometry and these
    properties (each a schema), for answers built as data rather than by a serializer."""
    feature = {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "integer"},
            "geometry": geometry,
            "properties": {"type": "object", "properties": properties},
        },
    }
    return {
        "type": "object",
        "description": description,
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {"type": "array", "items": feature},
        },
    }


@extend_schema_field(
    geojson_geometry_schema(
        ["Point", "LineString", "Polygon"],
        "A GeoJSON geometry (Point, LineString or Polygon), WGS84 longitude/latitude.",
    )
)
class GeoJSONGeometryField(serializers.Field):
    """A geometry sent as GeoJSON (an object or its JSON text), read by common.geojson: one message per
    fault, and for a pin given as [latitude, longitude] inside Kota Batu, a message saying so."""

    default_error_messages = {
        "required": _("The location (geometry) is required: place a pin on the map."),
        "null": _("The location (geometry) is required: place a pin on the map."),
    }

    def to_internal_value(self, data):
        try:
            return geojson.parse(data)
        except geojson.GeometryInputError as exc:
            if exc.swapped and isinstance(data, dict) and data.get("type") == "Point":
                hint = swapped_coordinates_hint(Point(*exc.swapped, srid=settings.LAPOR_SRID))
                if hint is not None:
                    raise serializers.ValidationError(hint, code="outside_city_swapped") from exc
            raise serializers.ValidationError(str(exc.message), code=exc.code) from exc

    def to_representation(self, value):  # pragma: no cover (input only)
        return value.json


class LongitudeField(serializers.FloatField):
    default_error_messages = {
        "required": _("Longitude (lon) is required."),
        "null": _("Longitude (lon) is required."),
        "invalid": _("Longitude (lon) must be a number, in decimal degrees."),
        "min_value": _("Longitude (lon) must be between -180 and 180."),
        "max_value": _("Longitude (lon) must be between -180 and 180."),
    }

    def __init__(self, **kwargs):
        super().__init__(min_value=-180, max_value=180, **kwargs)


class LatitudeField(serializers.FloatField):
    default_error_messages = {
        "required": _("Latitude (lat) is required."),
        "null": _("Latitude (lat) is required."),
        "invalid": _("Latitude (lat) must be a number, in decimal degrees."),
        "min_value": _("Latitude (lat) must be between -90 and 90."),
        "max_value": _("Latitude (lat) must be between -90 and 90."),
    }

    def __init__(self, **kwargs):
        super().__init__(min_value=-90, max_value=90, **kwargs)


class PointQuerySerializer(serializers.Serializer):
    """`?lon=&lat=` in WGS84 decimal degrees."""

    lon = LongitudeField(help_text=_("Longitude, WGS84 decimal degrees (e.g. 112.5246)."))
    lat = LatitudeField(help_text=_("Latitude, WGS84 decimal degrees (e.g. -7.8712)."))


class AreaQuerySerializer(PointQuerySerializer):
    geometry = serializers.BooleanField(
        default=True,
        help_text=_("false: the areas' names and codes only, without their outlines (a few hundred bytes)."),
    )


class AreaFeatureSerializer(GeoFeatureModelSerializer):
    parent_code = serializers.CharField(source="parent.code", default=None, read_only=True)
    parent_name = serializers.CharField(source="parent.name", default=None, read_only=True)

    class Meta:
        model = Area
        geo_field = "geom"
        id_field = False
        fields = ("code", "name", "kind", "parent_code", "parent_name")


class AreaNameFeatureSerializer(AreaFeatureSerializer):
    """An area without its outline (`?geometry=false`): what a form needs to name a place."""

    geom = serializers.SerializerMethodField()

    def get_geom(self, area) -> None:
        return None


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ("code", "name", "short_name", "kind", "email", "phone", "website")


class BoundaryFeatureSerializer(GeoFeatureModelSerializer):
    """An area outline for the map: simplified, six decimals (about 10 cm)."""

    outline = GeometryField(precision=6, read_only=True)
    parent_code = serializers.CharField(source="parent.code", default=None, read_only=True)

    class Meta:
        model = Area
        geo_field = "outline"
        id_field = False
        fields = ("code", "name", "kind", "parent_code")


class BoundaryQuerySerializer(serializers.Serializer):
    kind = serializers.CharField(
        required=False,
        default="kota",
        help_text=_("Comma-separated: kota, kecamatan, desa (desa includes kelurahan)."),
    )

    def validate_kind(self, value):
        kinds = set()
        for kind in (part.strip() for part in value.split(",") if part.strip()):
            if kind not in Area.Kind.values:
                raise serializers.ValidationError(_("Unknown area kind %(kind)s.") % {"kind": kind[:20]})
            kinds.add(kind)
            if kind == Area.Kind.DESA:
                kinds.add(Area.Kind.KELURAHAN)
        return sorted(kinds)


class PlaceSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField()
    lon = serializers.FloatField()
    lat = serializers.FloatField()
    bbox = serializers.ListField(child=serializers.FloatField(), allow_null=True)


class PlaceQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        min_length=2,
        max_length=100,
        error_messages={
            "required": _("Type a place to search for."),
            "blank": _("Type a place to search for."),
            "min_length": _("Type at least 2 letters."),
        },
    )
