from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from .models import Agency, Area


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


class AreaFeatureSerializer(GeoFeatureModelSerializer):
    parent_code = serializers.CharField(source="parent.code", default=None, read_only=True)
    parent_name = serializers.CharField(source="parent.name", default=None, read_only=True)

    class Meta:
        model = Area
        geo_field = "geom"
        id_field = False
        fields = ("code", "name", "kind", "parent_code", "parent_name")


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
