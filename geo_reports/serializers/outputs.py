"""What the public (and the reporter) read about categories and reports. Every nested object is a
small serializer, so the OpenAPI schema names its properties; public outputs name their fields one
by one, and nothing about the reporter (name, phone, email) is reachable from here."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from common.serializers import FieldsBuiltOnce, LabelField
from common.text import english
from districts.selectors import asset_near
from districts.serializers import AgencyBriefSerializer, AreaBriefSerializer, geojson_geometry_schema

from ..models import Category, CategoryQuestion, Report, ReportDocument, ReportPhoto, ReportUpdate, Status
from ..personal_data import reporter_notice
from ..routing import FLAGS, REASONS
from ..selectors import report_answers, report_co_handler_list
from ..workflow import OPEN_STATUSES

ANSWER_VALUE = {
    "oneOf": [{"type": "string"}, {"type": "number"}, {"type": "array", "items": {"type": "string"}}],
    "description": "Text, a number, a date-time (ISO 8601), a choice's key, or several choices' keys.",
}


ANSWERS = {
    "type": "object",
    "description": "The answers to the category's questions, keyed by question code: for the public only "
    "those of public questions (a customer number or a tax object number is staff only).",
    "additionalProperties": ANSWER_VALUE,
}


# --- categories -------------------------------------------------------------------------------------


class ChoiceSerializer(FieldsBuiltOnce, serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()


class CategoryQuestionSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    label = serializers.SerializerMethodField()
    help = serializers.SerializerMethodField()
    values = serializers.SerializerMethodField()

    class Meta:
        model = CategoryQuestion
        fields = (
            "code", "order", "datatype", "required", "visibility", "min_value", "max_value", "label", "help", "values",
        )  # fmt: skip

    def get_label(self, question) -> str:
        return question.localized("label")

    def get_help(self, question) -> str:
        return question.localized("help")

    @extend_schema_field(ChoiceSerializer(many=True))
    def get_values(self, question):
        return [{"key": str(v["key"]), "name": question.choice_name(v["key"])} for v in question.values]


class CategorySerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    documents_hint = serializers.SerializerMethodField()
    group_label = LabelField(Category.Group.choices, source="group")
    asset_layer = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    default_agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    questions = CategoryQuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Category
        fields = (
            "code", "name", "name_en", "description", "group", "group_label", "kind", "icon",
            "geometry_kinds", "asset_layer", "snap_distance_m", "default_agency",
            "acknowledge_within", "acknowledge_unit", "resolve_within", "resolve_unit",
            "duplicate_radius_m", "is_public", "accepts_documents", "documents_required", "documents_hint",
            "questions",
        )  # fmt: skip

    def get_name(self, category) -> str:
        return category.label

    def get_description(self, category) -> str:
        return category.localized("description")

    def get_documents_hint(self, category) -> str:
        return category.localized("documents_hint")


class CategoryBriefSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """A category as a report names it, in the request's language."""

    name = serializers.CharField(source="label")

    class Meta:
        model = Category
        fields = ("code", "name", "icon", "group")


# --- files ------------------------------------------------------------------------------------------


class PhotoSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportPhoto
        fields = ("url", "thumbnail_url", "width", "height")

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_url(self, photo) -> str:
        return self._absolute(photo.image.url)

    def get_thumbnail_url(self, photo) -> str:
        return self._absolute(photo.thumbnail.url)


class DocumentSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """A request's document: only ever shown to its requester (whose token is in the link) and to the
    staff handling it. The link is the only way to the file."""

    id = serializers.UUIDField(source="uuid")
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField()

    class Meta:
        model = ReportDocument
        fields = ("id", "name", "content_type", "size", "pages", "sha256", "created_at", "url")

    def get_url(self, document) -> str:
        url = reverse("geo_reports:report-document", args=[document.report_id, document.uuid])
        if token := self.context.get("reporter_token"):
            url += "?" + urlencode({"t": token})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


# --- the routing decision -----------------------------------------------------------------------------


class AreasSerializer(FieldsBuiltOnce, serializers.Serializer):
    """The desa/kelurahan and kecamatan a report lies in."""

    desa = AreaBriefSerializer(allow_null=True)
    kecamatan = AreaBriefSerializer(allow_null=True)


@extend_schema_field(
    {
        **geojson_geometry_schema(
            ["Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon"],
            "The part of the asset within 75 m of the report, to highlight it on a map (one report's "
            "answer only; null in lists, and once the asset is gone from its layer).",
        ),
        "nullable": True,
    }
)
class NearGeometryField(serializers.JSONField):
    pass


class AssetRefSerializer(FieldsBuiltOnce, serializers.Serializer):
    """The asset a report was routed by (a road segment, a pipe, a street light)."""

    layer = serializers.CharField()
    external_id = serializers.CharField()
    distance_m = serializers.FloatField(allow_null=True)
    synthetic = serializers.BooleanField(help_text="Demo data drawn by the app, not surveyed.")
    geometry = NearGeometryField(required=False, allow_null=True)


class RuleRefSerializer(FieldsBuiltOnce, serializers.Serializer):
    """The routing rule that decided (when one did)."""

    id = serializers.IntegerField()
    area = serializers.CharField(allow_null=True, help_text="The rule's area code; null: the whole city.")
    asset_condition = serializers.DictField(
        child=serializers.CharField(), allow_null=True, help_text="Asset attribute → value the rule requires."
    )
    priority = serializers.IntegerField()
    note = serializers.CharField(allow_blank=True)


class NearbyAreaSerializer(FieldsBuiltOnce, serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    distance_m = serializers.FloatField()


class AssetAlternativeSerializer(FieldsBuiltOnce, serializers.Serializer):
    layer = serializers.CharField()
    external_id = serializers.CharField()
    owner = serializers.CharField(help_text="The owning agency's code.")
    owner_name = serializers.CharField()
    distance_m = serializers.FloatField()


class AlternativesSerializer(FieldsBuiltOnce, serializers.Serializer):
    """What else was close: other desa within a few metres of the pin, other assets in reach."""

    areas = NearbyAreaSerializer(many=True)
    assets = AssetAlternativeSerializer(many=True)


class RoutingDecisionSerializer(FieldsBuiltOnce, serializers.Serializer):
    """Why a report went where it went: one sentence in each language, and the facts behind it."""

    explanation = serializers.CharField()
    explanation_en = serializers.CharField()
    reason = serializers.ChoiceField(choices=REASONS)
    rule = RuleRefSerializer(allow_null=True)
    flags = serializers.ListField(child=serializers.ChoiceField(choices=FLAGS))
    alternatives = AlternativesSerializer()

    @staticmethod
    def of(data: dict, explanation: str, explanation_en: str) -> dict:
        """The serializer's input from a stored routing decision (Report.routing)."""
        alternatives = data.get("alternatives") or {}
        return {
            "explanation": explanation,
            "explanation_en": explanation_en,
            "reason": data.get("reason"),
            "rule": data.get("rule"),
            "flags": data.get("flags", []),
            "alternatives": {"areas": alternatives.get("areas", []), "assets": alternatives.get("assets", [])},
        }


def asset_ref(report: Report, *, with_geometry: bool = False) -> dict | None:
    if report.routing.get("asset") is None:
        return None
    return {
        "layer": report.routing.get("layer"),
        "external_id": report.routing["asset"],
        "distance_m": report.routing.get("distance_m"),
        "synthetic": bool(report.asset and report.asset.is_synthetic),
        "geometry": asset_near(asset_id=report.asset_id, point=report.location) if with_geometry else None,
    }


# --- reports ------------------------------------------------------------------------------------------


class TimelineEntrySerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """A public timeline entry: what changed and the agency's message; never a person's name."""

    status = serializers.CharField(source="new_status")
    status_label = serializers.SerializerMethodField()
    kind_label = LabelField(ReportUpdate.Kind.choices, source="kind")
    role = serializers.CharField(source="actor_role")
    agency = AgencyBriefSerializer(read_only=True, allow_null=True)
    explanation = serializers.SerializerMethodField()
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = ReportUpdate
        fields = (
            "created_at", "kind", "kind_label", "status", "status_label", "role", "agency", "message",
            "explanation", "photos",
        )  # fmt: skip

    def get_status_label(self, update) -> str | None:
        return str(Status(update.new_status).label) if update.new_status else None

    def get_explanation(self, update) -> str | None:
        key = "explanation_en" if english() else "explanation"
        return update.data.get(key) or update.data.get("explanation")


class ReportFeatureSerializer(FieldsBuiltOnce, GeoFeatureModelSerializer):
    """A report as a GeoJSON Feature with its public properties."""

    status_label = LabelField(Status.choices, source="status")
    is_open = serializers.SerializerMethodField()
    category = CategoryBriefSerializer(read_only=True)
    agency = AgencyBriefSerializer(read_only=True, allow_null=True)
    areas = AreasSerializer(source="*", read_only=True)
    asset = serializers.SerializerMethodField()
    routing = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    photos = PhotoSerializer(many=True, read_only=True)
    co_handling_agencies = serializers.SerializerMethodField(
        help_text="Other agencies copied on the report (tembusan); `agency` leads it."
    )

    class Meta:
        model = Report
        geo_field = "geometry"
        id_field = "id"
        fields = (
            "id", "tracking_code", "status", "status_label", "is_open", "category", "agency",
            "co_handling_agencies", "areas", "asset", "routing", "description", "answers", "support_count",
            "location", "photos", "acknowledge_due", "resolve_due", "overdue", "first_response_at",
            "resolved_at", "closed_at", "created_at", "updated_at", "version",
        )  # fmt: skip

    def to_representation(self, instance):
        feature = super().to_representation(instance)
        # The Feature's own "id" (RFC 7946) and, for clients reading properties only, the same id there.
        feature["properties"] = {"id": instance.pk, **feature["properties"]}
        return feature

    def get_is_open(self, report) -> bool:
        return report.status in OPEN_STATUSES

    @extend_schema_field(AgencyBriefSerializer(many=True))
    def get_co_handling_agencies(self, report):
        return AgencyBriefSerializer([c.agency for c in report_co_handler_list(report)], many=True).data

    @extend_schema_field(ANSWERS)
    def get_answers(self, report):
        """All answers for staff and for the reporter holding the private link (`private_answers`)."""
        return report_answers(report, private=self.context.get("private_answers", False))

    @extend_schema_field(AssetRefSerializer(allow_null=True))
    def get_asset(self, report):
        ref = asset_ref(report, with_geometry=self.context.get("asset_geometry", False))
        return AssetRefSerializer(ref).data if ref else None

    @extend_schema_field(RoutingDecisionSerializer)
    def get_routing(self, report):
        data = RoutingDecisionSerializer.of(report.routing, report.routing_explanation, report.routing_explanation_en)
        return RoutingDecisionSerializer(data).data

    @extend_schema_field({"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2})
    def get_location(self, report):
        return [round(report.location.x, 7), round(report.location.y, 7)]

    def get_overdue(self, report) -> bool:
        if report.status not in OPEN_STATUSES or report.resolve_due is None:
            return False
        return report.resolve_due < timezone.now()


class ReportDetailSerializer(ReportFeatureSerializer):
    timeline = serializers.SerializerMethodField()

    class Meta(ReportFeatureSerializer.Meta):
        fields = (*ReportFeatureSerializer.Meta.fields, "timeline")

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, report):
        updates = getattr(report, "public_updates", None)
        if updates is None:
            updates = report.updates.filter(is_internal=False).select_related("agency").prefetch_related("photos")
        return TimelineEntrySerializer(updates, many=True, context=self.context).data


class DuplicateCandidateSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    distance_m = serializers.SerializerMethodField()
    status_label = LabelField(Status.choices, source="status")
    location = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = (
            "id", "tracking_code", "status", "status_label", "description", "support_count", "distance_m",
            "location", "created_at",
        )  # fmt: skip

    def get_distance_m(self, report) -> float:
        return round(report.distance_m, 1)

    @extend_schema_field({"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2})
    def get_location(self, report):
        return [round(report.location.x, 7), round(report.location.y, 7)]


class ReportCreatedSerializer(ReportDetailSerializer):
    """The answer to a new report: the report, open reports of the same kind nearby, and (on first
    creation only, never on a replay) the reporter's private token and their documents' links."""

    duplicates = serializers.SerializerMethodField()
    reporter_token = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    notice = serializers.SerializerMethodField(
        help_text="A sentence for the reporter when personal data was hidden from the public version (else null)."
    )

    class Meta(ReportDetailSerializer.Meta):
        fields = (*ReportDetailSerializer.Meta.fields, "duplicates", "reporter_token", "documents", "notice")

    def get_notice(self, report) -> str | None:
        return reporter_notice(report) if self.context.get("reporter_token") else None

    @extend_schema_field(DuplicateCandidateSerializer(many=True))
    def get_duplicates(self, report):
        return DuplicateCandidateSerializer(self.context.get("duplicates", []), many=True).data

    def get_reporter_token(self, report) -> str | None:
        return self.context.get("reporter_token")

    @extend_schema_field(ANSWERS)
    def get_answers(self, report):
        # The reporter's own answers, when this is their first answer (holding the private token).
        return report_answers(report, private=bool(self.context.get("reporter_token")))

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, report):
        if not self.context.get("reporter_token"):
            return []
        documents = sorted(report.documents.all(), key=lambda document: (document.created_at, document.pk))
        return DocumentSerializer(documents, many=True, context=self.context).data


class RoutingPreviewSerializer(serializers.Serializer):
    """Where a report would go and why, before it is sent."""

    agency = AgencyBriefSerializer(allow_null=True)
    areas = AreasSerializer()
    asset = AssetRefSerializer(allow_null=True)
    routing = RoutingDecisionSerializer()
    location = serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2)
    duplicates = DuplicateCandidateSerializer(many=True)
