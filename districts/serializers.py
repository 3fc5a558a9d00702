from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
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
