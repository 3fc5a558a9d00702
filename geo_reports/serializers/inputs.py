"""What clients send: a report (from any channel), and staff's changes. Every fault gets a message
naming the field, in the request's language; nothing here writes."""

import datetime as dt
import re

from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.text import clean_text, printable
from districts.models import Agency
from districts.selectors import staff_agencies
from districts.serializers import GeoJSONGeometryField, LatitudeField, LongitudeField

from .. import documents, photos
from ..filters import StatusError, statuses_of
from ..models import Category, CategoryQuestion, HiddenReason, Status
from ..selectors import category_by_code
from ..workflow import OPEN_STATUSES

PHONE = re.compile(r"^\+?[0-9][0-9 \-]{6,18}[0-9]$")
# Nomor Objek Pajak: 18 digits, written PP.KK.CCC.DDD.BBB-NNNN.J (province, city, kecamatan, desa, block,
# number, code), with or without the dots, dash and spaces.
NOP_SEPARATORS = re.compile(r"[\s.\-]")
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,40}")


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
        low, high = question.min_value, question.max_value
        if (low is not None and number < low) or (high is not None and number > high):
            raise serializers.ValidationError(_number_range_message(low, high))
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


def _number_range_message(low: float | None, high: float | None) -> str:
    def shown(value: float) -> str:
        return f"{value:g}"

    if low is not None and high is not None:
        return _("Enter a number from %(low)s to %(high)s.") % {"low": shown(low), "high": shown(high)}
    if low is not None:
        return _("Enter a number of at least %(low)s.") % {"low": shown(low)}
    return _("Enter a number of at most %(high)s.") % {"high": shown(high)}


def _nop(value: str) -> str:
    """A Nomor Objek Pajak in its printed form, 35.79.010.001.001-0001.0."""
    digits = NOP_SEPARATORS.sub("", value)
    if not (len(digits) == 18 and digits.isascii() and digits.isdigit()):
        raise serializers.ValidationError(_("A tax object number (NOP) has 18 digits, e.g. 35.79.010.001.001-0001.0."))
    d = digits
    return f"{d[:2]}.{d[2:4]}.{d[4:7]}.{d[7:10]}.{d[10:13]}-{d[13:17]}.{d[17]}"


class TransitionInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    version = serializers.IntegerField(min_value=1)
    message = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    duplicate_of = serializers.CharField(required=False, allow_blank=True, max_length=20)
    agency = serializers.CharField(required=False, allow_blank=True, max_length=40)
    category = CategoryField(
        required=False, help_text="Referral only: the category the receiving agency files the report under."
    )
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
    device_id = serializers.CharField(
        min_length=8,
        max_length=100,
        required=False,
        help_text="Ignored (older pages send it): the device is the signed cookie the server issues.",
    )


class CommentInputSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=4000)
    internal = serializers.BooleanField(default=False)

    def validate_message(self, value):
        return clean_text(value, _("The message"))


class AssignInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    assignee = serializers.CharField(allow_blank=True, max_length=150, help_text="A username; empty unassigns.")


class NearbyQuerySerializer(serializers.Serializer):
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
    mine = serializers.BooleanField(default=False, help_text="Only the tickets assigned to me.")


class InboxQuerySerializer(serializers.Serializer):
    """The staff inbox's parameters (the API's and the page's): which statuses, overdue or not, waiting
    for a review of personal data or not, in which order, and which of my agencies. `context["user"]`
    is the reader."""

    status = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Statuses or status groups, comma-separated; `finished` for closed work, `all` for every "
        "status; by default the work still open.",
    )
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    needs_review = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Reports whose masked personal data awaits a review"
    )
    order = serializers.ChoiceField(choices=["deadline", "newest"], default="deadline")
    agency = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=40, help_text="One of my agencies (code)"
    )

    @staticmethod
    def defaults_for(user) -> dict:
        """The values with no parameter given: open work, any deadline, soonest first, all my agencies."""
        return {
            "status": sorted(OPEN_STATUSES),
            "overdue": None,
            "needs_review": None,
            "order": "deadline",
            "agencies": staff_agencies(user),
        }

    def validate_status(self, value) -> list[str]:
        """The statuses asked for; [] for every status."""
        value = value.strip()
        if value == "all":
            return []
        if value == "finished":
            return sorted(set(Status.values) - OPEN_STATUSES)
        try:
            return sorted(statuses_of(value)) if value else sorted(OPEN_STATUSES)
        except StatusError as exc:
            raise serializers.ValidationError(str(exc.message)) from exc

    def validate(self, attrs):
        agencies = staff_agencies(self.context["user"])
        code = attrs.pop("agency").strip()
        if code:
            chosen = Agency.objects.filter(code=code).first()
            if chosen is None or (agencies is not None and chosen not in agencies):
                raise serializers.ValidationError(
                    {"agency": [_("You do not work for agency %(code)s.") % {"code": printable(code)}]}
                )
            agencies = [chosen]
        attrs["agencies"] = agencies
        return attrs


class PublicTextInputSerializer(serializers.Serializer):
    """Staff's redaction of what the public reads; the reporter's words stay for staff."""

    version = serializers.IntegerField(min_value=1)
    description = serializers.CharField(allow_blank=True, max_length=4000)
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=2000),
        required=False,
        help_text="Answers to the category's public text questions, by question code.",
    )
    reason = serializers.CharField(max_length=300, help_text="Why the public text changes (staff only).")

    def validate_description(self, value):
        return clean_text(value, _("The description"))

    def validate_answers(self, value):
        return {code: clean_text(text, _("The answer")) for code, text in value.items()}

    def validate_reason(self, value):
        return clean_text(value, _("The reason"))


class ReviewInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    publish = serializers.BooleanField(
        help_text="true: publish the text as the reporter wrote it; false: keep the personal data masked."
    )


class PhotoVisibilityInputSerializer(serializers.Serializer):
    public = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300, help_text="Why it is hidden.")

    def validate_reason(self, value):
        return clean_text(value, _("The reason"))


class ReportVisibilityInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    hidden = serializers.BooleanField()
    reason = serializers.ChoiceField(choices=HiddenReason.choices, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, help_text="Staff only.")

    def validate_note(self, value):
        return clean_text(value, _("The note"))


class CoHandlerInputSerializer(serializers.Serializer):
    agency = serializers.SlugRelatedField(
        slug_field="code", queryset=Agency.objects.filter(is_active=True), help_text="The agency's code."
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)

    def validate_reason(self, value):
        return clean_text(value, _("The reason"))
