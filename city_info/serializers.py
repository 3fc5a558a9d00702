"""Input and output shapes of the city information API. Places are GeoJSON (RFC 7946, WGS84
longitude/latitude); texts come in both languages (`title`, `title_en`), clients choose."""

import json

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.contrib.rest_framework_gis import GeoFeatureModelSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from common.text import clean_text
from districts.models import Agency, Area
from districts.serializers import (
    AgencyBriefSerializer,
    AreaBriefSerializer,
    GeoJSONGeometryField,
    geojson_geometry_schema,
)

from .models import Announcement, Commodity, Event, JobVacancy, Market, Price

MAX_DAYS = 365


def _page_url(name: str, pk: int) -> str | None:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # pragma: no cover (the pages are always installed with the API)
        return None


# --- Query parameters -------------------------------------------------------------------------


class FlagField(serializers.BooleanField):
    default_error_messages = {"invalid": gettext_lazy("Use 1 for yes or 0 for no.")}

    def __init__(self, **kwargs):
        super().__init__(required=False, allow_null=True, default=None, **kwargs)


class QueryDateField(serializers.DateField):
    default_error_messages = {
        "invalid": gettext_lazy("Enter a date as YYYY-MM-DD."),
        "datetime": gettext_lazy("Enter a date as YYYY-MM-DD."),
    }

    def __init__(self, **kwargs):
        super().__init__(required=False, allow_null=True, default=None, input_formats=["iso-8601"], **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class LookupField(serializers.Field):
    """A code (or id) in the query or body that names a row; unknown → 400 naming the value."""

    lookup = "code"
    unknown_message = ""

    def get_queryset(self):  # pragma: no cover
        raise NotImplementedError

    def to_internal_value(self, data):
        value = str(data).strip()[:40]
        found = None
        if self.lookup == "pk":
            found = self.get_queryset().filter(pk=int(value)).first() if value.isdigit() else None
        elif value:
            found = self.get_queryset().filter(**{self.lookup: value}).first()
        if found is None:
            raise serializers.ValidationError(str(self.unknown_message) % {"value": value})
        return found

    def to_representation(self, value):  # pragma: no cover (input only)
        return getattr(value, self.lookup)


class AgencyField(LookupField):
    unknown_message = gettext_lazy("Unknown agency %(value)s.")

    def get_queryset(self):
        return Agency.objects.filter(is_active=True)


class AreaField(LookupField):
    unknown_message = gettext_lazy("Unknown area %(value)s.")

    def get_queryset(self):
        return Area.objects.all()


class CommodityField(LookupField):
    unknown_message = gettext_lazy("Unknown commodity %(value)s.")

    def get_queryset(self):
        return Commodity.objects.filter(is_active=True)


@extend_schema_field(OpenApiTypes.INT)
class MarketField(LookupField):
    lookup = "pk"
    unknown_message = gettext_lazy("Unknown market %(value)s.")

    def get_queryset(self):
        return Market.objects.filter(is_active=True)


class DateRangeQuery(serializers.Serializer):
    def validate(self, attrs):
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since > until:
            raise serializers.ValidationError({"until": [_("until must not be before since.")]})
        return attrs


class EventQuerySerializer(DateRangeQuery):
    upcoming = FlagField(help_text=gettext_lazy("1: only events that have not ended yet"))
    agency = AgencyField(required=False, help_text=gettext_lazy("Publishing agency code"))
    since = QueryDateField(help_text=gettext_lazy("Taking place on this day or later (YYYY-MM-DD)"))
    until = QueryDateField(help_text=gettext_lazy("Taking place on this day or earlier (YYYY-MM-DD)"))


class JobQuerySerializer(serializers.Serializer):
    open = FlagField(help_text=gettext_lazy("1: only vacancies whose closing date has not passed"))
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text=gettext_lazy("Text in the position or employer")
    )


class AnnouncementQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=Announcement.Kind.choices,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("kind must be announcement or news.")},
    )
    agency = AgencyField(required=False, help_text=gettext_lazy("Publishing agency code"))
    area = AreaField(required=False, help_text=gettext_lazy("Area code (kota, kecamatan or desa)"))
    has_place = FlagField(help_text=gettext_lazy("1: only those with a place or an area"))


class PriceQuerySerializer(serializers.Serializer):
    commodity = CommodityField(required=False, help_text=gettext_lazy("Commodity code, e.g. beras-medium"))
    market = MarketField(required=False, help_text=gettext_lazy("Market id"))
    days = serializers.IntegerField(
        required=False,
        default=30,
        min_value=1,
        max_value=MAX_DAYS,
        help_text=gettext_lazy("The last N days, today included (1 to 365)"),
        error_messages={
            "invalid": gettext_lazy("days must be a whole number from 1 to 365."),
            "min_value": gettext_lazy("days must be a whole number from 1 to 365."),
            "max_value": gettext_lazy("days must be a whole number from 1 to 365."),
        },
    )


# --- Outputs ----------------------------------------------------------------------------------


class EventFeatureSerializer(GeoFeatureModelSerializer):
    agency = AgencyBriefSerializer(read_only=True)
    organiser = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Event
        geo_field = "location"
        id_field = "id"
        fields = (
            "id", "title", "title_en", "description", "description_en", "place_name", "starts_at", "ends_at",
            "organiser", "organiser_name", "agency", "is_demo", "url",
        )  # fmt: skip

    def to_representation(self, instance):
        feature = super().to_representation(instance)
        feature["properties"] = {"id": instance.pk, **feature["properties"]}
        return feature

    def get_url(self, event) -> str | None:
        return _page_url("city_info:event-detail", event.pk)


class JobFeatureSerializer(GeoFeatureModelSerializer):
    agency = AgencyBriefSerializer(read_only=True)
    is_open = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = JobVacancy
        geo_field = "location"
        id_field = "id"
        fields = (
            "id", "employer", "position", "position_en", "description", "description_en", "place_name",
            "closes_on", "is_open", "how_to_apply", "how_to_apply_en", "agency", "is_demo", "url",
        )  # fmt: skip

    def to_representation(self, instance):
        feature = super().to_representation(instance)
        feature["properties"] = {"id": instance.pk, **feature["properties"]}
        return feature

    def get_is_open(self, job) -> bool:
        from django.utils import timezone

        return job.closes_on >= timezone.localdate()

    def get_url(self, job) -> str | None:
        return _page_url("city_info:job-detail", job.pk)


class AnnouncementFeatureSerializer(GeoFeatureModelSerializer):
    """The geometry is the announcement's point; without one, its area's outline (simplified to about
    3 m); else null. `area` names the area either way."""

    kind_label = serializers.CharField(source="get_kind_display")
    agency = AgencyBriefSerializer(read_only=True)
    area = AreaBriefSerializer(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Announcement
        geo_field = "location"
        id_field = "id"
        fields = (
            "id", "kind", "kind_label", "title", "title_en", "body", "body_en", "published_on", "agency",
            "area", "is_demo", "url",
        )  # fmt: skip

    def to_representation(self, instance):
        feature = super().to_representation(instance)
        if feature["geometry"] is None and instance.area_id is not None:
            outline = getattr(instance, "area_outline", None) or instance.area.geom
            feature["geometry"] = json.loads(outline.geojson)
        feature["properties"] = {"id": instance.pk, **feature["properties"]}
        return feature

    def get_url(self, announcement) -> str | None:
        return _page_url("city_info:announcement-detail", announcement.pk)


class AnnouncementFeatureSchema(GeoFeatureModelSerializerExtension):
    """OpenAPI: the announcement's geometry is its point or its area's outline (drf-spectacular would
    describe only the model's point field)."""

    target_class = "city_info.serializers.AnnouncementFeatureSerializer"
    priority = 1

    def map_serializer(self, auto_schema, direction):
        schema = super().map_serializer(auto_schema, direction)
        schema["properties"]["geometry"] = {
            **geojson_geometry_schema(
                ["Point", "Polygon", "MultiPolygon"], "The announcement's point, or its area's outline."
            ),
            "nullable": True,
        }
        return schema


class CommoditySerializer(serializers.ModelSerializer):
    class Meta:
        model = Commodity
        fields = ("code", "name", "name_en", "unit")


class PriceSerializer(serializers.ModelSerializer):
    market = serializers.IntegerField(source="market_id")
    market_name = serializers.CharField(source="market.name")
    commodity = serializers.CharField(source="commodity.code")
    commodity_name = serializers.CharField(source="commodity.name")
    commodity_name_en = serializers.CharField(source="commodity.name_en")
    unit = serializers.CharField(source="commodity.unit")

    class Meta:
        model = Price
        fields = (
            "date", "market", "market_name", "commodity", "commodity_name", "commodity_name_en", "unit", "price",
            "is_demo",
        )  # fmt: skip


class LatestPriceSerializer(PriceSerializer):
    class Meta(PriceSerializer.Meta):
        fields = ("commodity", "commodity_name", "commodity_name_en", "unit", "price", "date", "is_demo")


class MarketFeatureSerializer(GeoFeatureModelSerializer):
    """A market with the latest price of each commodity (passed in the context as `latest`:
    market id → prices, so that a list costs one query)."""

    desa = AreaBriefSerializer(read_only=True)
    latest_prices = serializers.SerializerMethodField()

    class Meta:
        model = Market
        geo_field = "location"
        id_field = "id"
        fields = ("id", "name", "desa", "is_demo", "latest_prices")

    def to_representation(self, instance):
        feature = super().to_representation(instance)
        feature["properties"] = {"id": instance.pk, **feature["properties"]}
        return feature

    @extend_schema_field(LatestPriceSerializer(many=True))
    def get_latest_prices(self, market):
        prices = self.context.get("latest", {}).get(market.pk, [])
        return LatestPriceSerializer(
            sorted(prices, key=lambda p: (p.commodity.order, p.commodity.name)), many=True
        ).data


# --- Inputs (staff) ---------------------------------------------------------------------------


class TextField(serializers.CharField):
    def __init__(self, *, label, **kwargs):
        self.text_label = label
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return clean_text(super().to_internal_value(data), self.text_label)


class PointGeometryField(GeoJSONGeometryField):
    """A GeoJSON Point (the place of an event, vacancy or announcement)."""

    def to_internal_value(self, data):
        geometry = super().to_internal_value(data)
        if geometry.geom_type != "Point":
            raise serializers.ValidationError(_("The place must be a GeoJSON Point."), code="not_point")
        return geometry


class PublishedInputSerializer(serializers.Serializer):
    """Common input: the publishing agency (code); when left out, the one agency the user manages."""

    agency = AgencyField(required=False)


class EventInputSerializer(PublishedInputSerializer):
    title = TextField(label=gettext_lazy("The title"), max_length=200)
    title_en = TextField(label=gettext_lazy("The title"), max_length=200, required=False, allow_blank=True)
    description = TextField(label=gettext_lazy("The description"), max_length=5000)
    description_en = TextField(label=gettext_lazy("The description"), max_length=5000, required=False, allow_blank=True)
    organiser_name = TextField(label=gettext_lazy("The organiser"), max_length=200, required=False, allow_blank=True)
    place_name = TextField(label=gettext_lazy("The place name"), max_length=200, required=False, allow_blank=True)
    geometry = PointGeometryField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class JobInputSerializer(PublishedInputSerializer):
    employer = TextField(label=gettext_lazy("The employer"), max_length=200)
    position = TextField(label=gettext_lazy("The position"), max_length=200)
    position_en = TextField(label=gettext_lazy("The position"), max_length=200, required=False, allow_blank=True)
    description = TextField(label=gettext_lazy("The description"), max_length=5000)
    description_en = TextField(label=gettext_lazy("The description"), max_length=5000, required=False, allow_blank=True)
    place_name = TextField(label=gettext_lazy("The place name"), max_length=200, required=False, allow_blank=True)
    geometry = PointGeometryField()
    closes_on = serializers.DateField(input_formats=["iso-8601"])
    how_to_apply = TextField(label=gettext_lazy("How to apply"), max_length=2000)
    how_to_apply_en = TextField(label=gettext_lazy("How to apply"), max_length=2000, required=False, allow_blank=True)


class AnnouncementInputSerializer(PublishedInputSerializer):
    kind = serializers.ChoiceField(choices=Announcement.Kind.choices, required=False)
    title = TextField(label=gettext_lazy("The title"), max_length=200)
    title_en = TextField(label=gettext_lazy("The title"), max_length=200, required=False, allow_blank=True)
    body = TextField(label=gettext_lazy("The text"), max_length=10000)
    body_en = TextField(label=gettext_lazy("The text"), max_length=10000, required=False, allow_blank=True)
    published_on = serializers.DateField(required=False, input_formats=["iso-8601"])
    area = AreaField(required=False, allow_null=True)
    geometry = PointGeometryField(required=False, allow_null=True)


class PriceInputSerializer(serializers.Serializer):
    market = MarketField()
    commodity = CommodityField()
    date = serializers.DateField(input_formats=["iso-8601"])
    price = serializers.IntegerField(
        error_messages={"invalid": gettext_lazy("Enter the price in whole rupiah, from 1 to 5,000,000.")}
    )
