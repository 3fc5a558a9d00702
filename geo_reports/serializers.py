"""Input and output shapes of the reports API. Public outputs name their fields one by one: nothing
about the reporter (name, phone, email) is reachable from here."""

import datetime as dt
import re
import unicodedata
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from . import documents, geojson, photos
from .models import Category, CategoryQuestion, Report, ReportDocument, ReportPhoto, ReportUpdate, Status
from .routing import swapped_coordinates_error
from .selectors import category_by_code
from .workflow import OPEN_STATUSES

# C0/C1 control characters (tab and newlines are fine) and bidirectional overrides, which can make
# text display differently from what it says.
FORBIDDEN_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{6,18}[0-9]$")
# Nomor Objek Pajak: 18 digits, written PP.KK.CCC.DDD.BBB-NNNN.J (province, city, kecamatan, desa, block,
# number, code), with or without the dots, dash and spaces.
NOP_SEPARATORS = re.compile(r"[\s.\-]")


def english() -> bool:
    return (get_language() or "id").startswith("en")


def clean_text(value: str, field_label) -> str:
    if FORBIDDEN_CHARACTERS.search(value):
        raise serializers.ValidationError(
            _("%(field)s contains control or text-direction characters; remove them.") % {"field": field_label}
        )
    return unicodedata.normalize("NFC", value).strip()


@extend_schema_field(
    {
        "type": "object",
        "description": "A GeoJSON geometry (Point, LineString or Polygon), WGS84 longitude/latitude.",
        "required": ["type", "coordinates"],
        "properties": {
            "type": {"type": "string", "enum": ["Point", "LineString", "Polygon"]},
            "coordinates": {"type": "array", "items": {}},
        },
    }
)
class GeoJSONGeometryField(serializers.Field):
    default_error_messages = {
        "required": gettext_lazy("The location (geometry) is required: place a pin on the map."),
        "null": gettext_lazy("The location (geometry) is required: place a pin on the map."),
    }

    def to_internal_value(self, data):
        try:
            return geojson.parse(data)
        except geojson.GeometryInputError as exc:
            if exc.swapped and isinstance(data, dict) and data.get("type") == "Point":
                hint = swapped_coordinates_error(Point(*exc.swapped, srid=settings.LAPOR_SRID))
                if hint is not None:
                    raise serializers.ValidationError(str(hint.message), code=hint.code) from exc
            raise serializers.ValidationError(str(exc.message), code=exc.code) from exc

    def to_representation(self, value):  # pragma: no cover (input only)
        return value.json


SLUG = re.compile(r"[-a-zA-Z0-9_]{1,40}")


def printable(text: str, limit: int = 40) -> str:
    """Client text safe to echo in a message: control characters and lone surrogates (which no
    JSON or XML output can carry) escaped, and cut short."""
    return ascii(text[:limit])[1:-1] if not text[:limit].isprintable() or not text.isascii() else text[:limit]


@extend_schema_field({"type": "string", "description": "A category code, e.g. jalan-rusak."})
class CategoryField(serializers.Field):
    default_error_messages = {
        "required": gettext_lazy("Choose a category."),
        "null": gettext_lazy("Choose a category."),
    }

    def to_internal_value(self, data):
        if not isinstance(data, str) or not data.strip():
            raise serializers.ValidationError(_("Choose a category."), code="required")
        code = data.strip()
        category = category_by_code(code) if SLUG.fullmatch(code) else None
        if category is None:
            raise serializers.ValidationError(
                _("Unknown category %(code)s.") % {"code": printable(code)}, code="unknown_category"
            )
        return category

    def to_representation(self, value):  # pragma: no cover
        return value.code


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    email = serializers.EmailField(
        required=False,
        allow_blank=True,
        max_length=254,
        error_messages={"invalid": gettext_lazy("Enter a valid email address.")},
    )

    def validate_name(self, value):
        return clean_text(value, _("Name"))

    def validate_phone(self, value):
        value = value.strip()
        if value and not PHONE.match(value):
            raise serializers.ValidationError(_("Enter a phone number of digits, e.g. 0812 3456 7890."))
        return value


class ReportInputSerializer(serializers.Serializer):
    """What a citizen (or a 311 client) sends to file a report, or to preview its routing."""

    category = CategoryField()
    geometry = GeoJSONGeometryField(required=False)
    description = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=4000,
        trim_whitespace=False,
        error_messages={"max_length": gettext_lazy("The description can be at most 4,000 characters.")},
    )
    answers = serializers.JSONField(required=False)
    reporter = ContactSerializer(required=False)
    photos = serializers.ListField(child=serializers.FileField(allow_empty_file=True), required=False)
    documents = serializers.ListField(child=serializers.FileField(allow_empty_file=True), required=False)

    def validate_description(self, value):
        return clean_text(value, _("The description"))

    def to_internal_value(self, data):
        # Field errors stop DRF before validate(); check the answers anyway, so that every field at
        # fault is named in one response.
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            errors = dict(exc.detail)
            category = category_by_code(str(data.get("category") or "")[:40]) if "category" not in errors else None
            if category is not None and not self.context.get("preview"):
                try:
                    validate_answers(category, data.get("answers") or {})
                except serializers.ValidationError as answers_exc:
                    errors.update(answers_exc.detail)
                if "documents" not in errors:
                    try:
                        documents.check_for_category(category, data.get("documents") or [])
                    except documents.DocumentError as documents_exc:
                        errors["documents"] = [str(documents_exc.message)]
            raise serializers.ValidationError(errors) from exc

    def validate_photos(self, files):
        if len(files) > settings.LAPOR_PHOTOS_PER_REPORT:
            raise serializers.ValidationError(
                _("Send at most %(count)d photos.") % {"count": settings.LAPOR_PHOTOS_PER_REPORT}
            )
        processed = []
        for upload in files:
            try:
                processed.append(photos.process(upload))
            except photos.PhotoError as exc:
                raise serializers.ValidationError(str(exc.message), code=exc.code) from exc
        return processed

    def validate_documents(self, files):
        if len(files) > settings.LAPOR_DOCUMENTS_PER_REPORT:
            raise serializers.ValidationError(
                _("Send at most %(count)d documents.") % {"count": settings.LAPOR_DOCUMENTS_PER_REPORT}
            )
        processed = []
        for upload in files:
            try:
                processed.append(documents.process(upload))
            except documents.DocumentError as exc:
                raise serializers.ValidationError(str(exc.message), code=exc.code) from exc
        return processed

    def validate(self, attrs):
        category: Category = attrs["category"]
        if "geometry" not in attrs:
            # No pin: a photo's own GPS position (read before its EXIF was stripped) stands in.
            located = next((p for p in attrs.get("photos", []) if p.gps), None)
            if located is None:
                raise serializers.ValidationError(
                    {"geometry": [GeoJSONGeometryField.default_error_messages["required"]]}
                )
            attrs["geometry"] = Point(*located.gps, srid=settings.LAPOR_SRID)
            attrs["location_from_photo"] = True
        if not self.context.get("preview"):
            # A preview only needs the place and the category; answers and documents are checked when sending.
            errors = {}
            try:
                attrs["answers"] = validate_answers(category, attrs.get("answers") or {})
            except serializers.ValidationError as exc:
                errors.update(exc.detail)
            try:
                documents.check_for_category(category, attrs.get("documents", []))
            except documents.DocumentError as exc:
                errors["documents"] = [str(exc.message)]
            if errors:
                raise serializers.ValidationError(errors)
        return attrs


def validate_answers(category: Category, answers) -> dict:
    """Check answers against the category's questions; returns them normalised, keyed by code."""
    if not isinstance(answers, dict):
        raise serializers.ValidationError({"answers": [_("Answers must be an object keyed by question code.")]})
    questions = {q.code: q for q in category.questions.all()}
    errors: dict[str, list[str]] = {}
    clean = {}
    for code in answers:
        if code not in questions:
            errors.setdefault(f"answers.{printable(code)}", []).append(
                _("The category %(category)s has no question %(code)s.")
                % {"category": category.label, "code": printable(code)}
            )
    for code, question in questions.items():
        value = answers.get(code)
        if value in (None, "", []):
            if question.required:
                errors.setdefault(f"answers.{code}", []).append(
                    _("Answer the question: %(question)s") % {"question": question.localized("label")}
                )
            continue
        try:
            clean[code] = _answer(question, value)
        except serializers.ValidationError as exc:
            errors.setdefault(f"answers.{code}", []).extend(str(d) for d in exc.detail)
    if errors:
        raise serializers.ValidationError(errors)
    return clean


def _answer(question: CategoryQuestion, value):
    kind = CategoryQuestion.Datatype
    if question.datatype == kind.NUMBER:
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            raise serializers.ValidationError(_("Enter a number.")) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise serializers.ValidationError(_("Enter a number."))
        return int(number) if number.is_integer() else number
    if question.datatype == kind.DATETIME:
        try:
            moment = parse_datetime(value) if isinstance(value, str) else None
        except ValueError:  # well-formed but impossible, e.g. month 13
            moment = None
        if moment is None:
            raise serializers.ValidationError(_("Enter a date and time, e.g. 2026-11-27T08:30+07:00."))
        return moment.isoformat() if moment.tzinfo else moment.replace(tzinfo=dt.UTC).isoformat()
    if question.datatype == kind.SINGLE:
        if str(value) not in question.choice_keys():
            raise serializers.ValidationError(_("Choose one of the offered answers."))
        return str(value)
    if question.datatype == kind.MULTI:
        values = value if isinstance(value, list) else [value]
        keys = question.choice_keys()
        if not all(str(v) in keys for v in values):
            raise serializers.ValidationError(_("Choose among the offered answers."))
        return [str(v) for v in values]
    if not isinstance(value, str):
        raise serializers.ValidationError(_("Enter text."))
    limit = 250 if question.datatype == kind.STRING else 2000
    if len(value) > limit:
        raise serializers.ValidationError(_("At most %(count)d characters.") % {"count": limit})
    if question.format == CategoryQuestion.Format.NOP:
        return _nop(value)
    return clean_text(value, question.localized("label"))


def _nop(value: str) -> str:
    """A Nomor Objek Pajak in its printed form, 35.79.010.001.001-0001.0."""
    digits = NOP_SEPARATORS.sub("", value)
    if not (len(digits) == 18 and digits.isascii() and digits.isdigit()):
        raise serializers.ValidationError(_("A tax object number (NOP) has 18 digits, e.g. 35.79.010.001.001-0001.0."))
    d = digits
    return f"{d[:2]}.{d[2:4]}.{d[4:7]}.{d[7:10]}.{d[10:13]}-{d[13:17]}.{d[17]}"


# --- outputs ------------------------------------------------------------------------------------


class CategoryQuestionSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()
    help = serializers.SerializerMethodField()
    values = serializers.SerializerMethodField()

    class Meta:
        model = CategoryQuestion
        fields = ("code", "order", "datatype", "required", "label", "help", "values")

    def get_label(self, question) -> str:
        return question.localized("label")

    def get_help(self, question) -> str:
        return question.localized("help")

    def get_values(self, question) -> list[dict]:
        return [{"key": str(v["key"]), "name": question.choice_name(v["key"])} for v in question.values]


class CategorySerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    documents_hint = serializers.SerializerMethodField()
    group_label = serializers.CharField(source="get_group_display")
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


class PhotoSerializer(serializers.ModelSerializer):
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


class DocumentSerializer(serializers.ModelSerializer):
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


class TimelineEntrySerializer(serializers.ModelSerializer):
    """A public timeline entry: what changed and the agency's message; never a person's name."""

    status = serializers.CharField(source="new_status")
    status_label = serializers.SerializerMethodField()
    kind_label = serializers.CharField(source="get_kind_display")
    role = serializers.CharField(source="actor_role")
    agency = serializers.SerializerMethodField()
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

    def get_agency(self, update) -> dict | None:
        return {"code": update.agency.code, "name": update.agency.name} if update.agency_id else None

    def get_explanation(self, update) -> str | None:
        key = "explanation_en" if english() else "explanation"
        return update.data.get(key) or update.data.get("explanation")


class ReportFeatureSerializer(GeoFeatureModelSerializer):
    """A report as a GeoJSON Feature with its public properties."""

    status_label = serializers.CharField(source="get_status_display")
    is_open = serializers.SerializerMethodField()
    category = serializers.SerializerMethodField()
    agency = serializers.SerializerMethodField()
    areas = serializers.SerializerMethodField()
    asset = serializers.SerializerMethodField()
    routing = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Report
        geo_field = "geometry"
        id_field = "id"
        fields = (
            "id", "tracking_code", "status", "status_label", "is_open", "category", "agency", "areas",
            "asset", "routing", "description", "answers", "support_count", "location", "photos",
            "acknowledge_due", "resolve_due", "overdue", "first_response_at", "resolved_at", "closed_at",
            "created_at", "updated_at", "version",
        )  # fmt: skip

    def to_representation(self, instance):
        feature = super().to_representation(instance)
        # The Feature's own "id" (RFC 7946) and, for clients reading properties only, the same id there.
        feature["properties"] = {"id": instance.pk, **feature["properties"]}
        return feature

    def get_is_open(self, report) -> bool:
        return report.status in OPEN_STATUSES

    def get_category(self, report) -> dict:
        category = report.category
        return {"code": category.code, "name": category.label, "icon": category.icon, "group": category.group}

    def get_agency(self, report) -> dict | None:
        agency = report.agency
        return {"code": agency.code, "name": agency.name, "short_name": agency.short_name} if agency else None

    def get_areas(self, report) -> dict:
        def area(a):
            return {"code": a.code, "name": a.name, "kind": a.kind} if a else None

        return {"desa": area(report.desa), "kecamatan": area(report.kecamatan)}

    def get_asset(self, report) -> dict | None:
        if report.routing.get("asset") is None:
            return None
        return {
            "layer": report.routing.get("layer"),
            "external_id": report.routing["asset"],
            "distance_m": report.routing.get("distance_m"),
            "synthetic": bool(report.asset and report.asset.is_synthetic),
        }

    def get_routing(self, report) -> dict:
        data = report.routing
        return {
            "explanation": report.routing_explanation,
            "explanation_en": report.routing_explanation_en,
            "reason": data.get("reason"),
            "rule": data.get("rule"),
            "flags": data.get("flags", []),
            "alternatives": data.get("alternatives", {}),
        }

    def get_location(self, report) -> list[float]:
        return [round(report.location.x, 7), round(report.location.y, 7)]

    def get_overdue(self, report) -> bool:
        from django.utils import timezone

        if report.status not in OPEN_STATUSES or report.resolve_due is None:
            return False
        return report.resolve_due < timezone.now()


class ReportDetailSerializer(ReportFeatureSerializer):
    timeline = serializers.SerializerMethodField()

    class Meta(ReportFeatureSerializer.Meta):
        fields = (*ReportFeatureSerializer.Meta.fields, "timeline")

    def get_timeline(self, report) -> list[dict]:
        updates = getattr(report, "public_updates", None)
        if updates is None:
            updates = report.updates.filter(is_internal=False).select_related("agency").prefetch_related("photos")
        return TimelineEntrySerializer(updates, many=True, context=self.context).data


class DuplicateCandidateSerializer(serializers.ModelSerializer):
    distance_m = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display")
    location = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = (
            "id", "tracking_code", "status", "status_label", "description", "support_count", "distance_m",
            "location", "created_at",
        )  # fmt: skip

    def get_distance_m(self, report) -> float:
        return round(report.distance_m, 1)

    def get_location(self, report) -> list[float]:
        return [round(report.location.x, 7), round(report.location.y, 7)]


class TransitionInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    version = serializers.IntegerField(min_value=1)
    message = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    duplicate_of = serializers.CharField(required=False, allow_blank=True, max_length=20)
    agency = serializers.CharField(required=False, allow_blank=True, max_length=40)
    photo = serializers.FileField(required=False, allow_empty_file=True, help_text="An after-photo (resolve).")

    def validate_message(self, value):
        return clean_text(value, _("The message"))

    def validate_photo(self, upload):
        try:
            return photos.process(upload)
        except photos.PhotoError as exc:
            raise serializers.ValidationError(str(exc.message), code=exc.code) from exc


class RerouteInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    geometry = GeoJSONGeometryField(required=False)
    category = CategoryField(required=False)
    message = serializers.CharField(required=False, allow_blank=True, max_length=4000)

    def validate(self, attrs):
        if "geometry" not in attrs and "category" not in attrs:
            raise serializers.ValidationError(_("Send a new geometry, a new category, or both."))
        return attrs


class SupportInputSerializer(serializers.Serializer):
    device_id = serializers.CharField(min_length=8, max_length=100)


# --- staff ----------------------------------------------------------------------------------------


class StaffTimelineEntrySerializer(TimelineEntrySerializer):
    """Staff see every entry, internal notes included, and who made it."""

    actor = serializers.CharField(source="actor.get_username", default=None)

    class Meta(TimelineEntrySerializer.Meta):
        fields = (*TimelineEntrySerializer.Meta.fields, "actor", "is_internal", "data")


class ReportStaffSerializer(ReportFeatureSerializer):
    contact = serializers.SerializerMethodField()
    assigned_to = serializers.CharField(source="assigned_to.get_username", default=None, allow_null=True)
    timeline = serializers.SerializerMethodField()
    documents = DocumentSerializer(many=True, read_only=True)

    class Meta(ReportFeatureSerializer.Meta):
        fields = (
            *ReportFeatureSerializer.Meta.fields, "contact", "assigned_to", "channel", "rating", "documents",
            "timeline",
        )  # fmt: skip

    def get_contact(self, report) -> dict | None:
        contact = getattr(report, "contact", None)
        return {"name": contact.name, "phone": contact.phone, "email": contact.email} if contact else None

    def get_timeline(self, report) -> list[dict]:
        updates = getattr(report, "all_updates", None)
        if updates is None:
            updates = report.updates.select_related("agency", "actor").prefetch_related("photos")
        return StaffTimelineEntrySerializer(updates, many=True, context=self.context).data


class CommentInputSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=4000)
    internal = serializers.BooleanField(default=False)

    def validate_message(self, value):
        return clean_text(value, _("The message"))


class AssignInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    assignee = serializers.CharField(allow_blank=True, max_length=150, help_text="A username; empty unassigns.")


class NearbyQuerySerializer(serializers.Serializer):
    from districts.serializers import LatitudeField, LongitudeField

    lon = LongitudeField()
    lat = LatitudeField()
    radius = serializers.FloatField(
        default=2000,
        min_value=1,
        max_value=20_000,
        error_messages={
            "invalid": gettext_lazy("radius must be a number of metres."),
            "min_value": gettext_lazy("radius must be between 1 and 20,000 metres."),
            "max_value": gettext_lazy("radius must be between 1 and 20,000 metres."),
        },
    )
    limit = serializers.IntegerField(default=50, min_value=1, max_value=200)
