"""What agency staff read about a report: its public properties and the private ones (contact,
every timeline entry with who made it, documents, assignee)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from districts.selectors import staff_display_name
from districts.serializers import AgencyBriefSerializer

from ..models import HiddenReason, ReportCoHandler
from ..selectors import report_answers, report_co_handler_list
from .outputs import ANSWERS, DocumentSerializer, PhotoSerializer, ReportFeatureSerializer, TimelineEntrySerializer


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)


class PlaceChangeSerializer(serializers.Serializer):
    category = serializers.CharField()
    agency = serializers.CharField(allow_null=True)
    location = serializers.ListField(child=serializers.FloatField())
    explanation = serializers.CharField(required=False)


class DocumentNoteSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class CategoryChangeSerializer(serializers.Serializer):
    before = serializers.CharField()
    after = serializers.CharField()


class TimelineDataSerializer(serializers.Serializer):
    """The facts a timeline entry keeps, by kind: the routing sentence (received, re-routed,
    referred), the original of a duplicate, the agencies of a referral, a re-route's before and after,
    the assignee, the rating, the documents received. Members a kind does not use are left out."""

    explanation = serializers.CharField(required=False)
    explanation_en = serializers.CharField(required=False)
    duplicate_of = serializers.CharField(required=False)
    from_agency = serializers.CharField(required=False, allow_null=True)
    to_agency = serializers.CharField(required=False)
    before = PlaceChangeSerializer(required=False)
    after = PlaceChangeSerializer(required=False)
    assignee = serializers.CharField(required=False, allow_null=True)
    rating = serializers.IntegerField(required=False)
    documents = DocumentNoteSerializer(many=True, required=False)
    masked = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Kinds of personal data masked in public."
    )
    message_original = serializers.CharField(required=False, help_text="A reporter's message before masking.")
    action = serializers.CharField(required=False, help_text="What a moderation did.")
    reason = serializers.CharField(required=False, allow_blank=True)
    photo = serializers.CharField(required=False, help_text="The photo a moderation was about.")
    category = CategoryChangeSerializer(required=False)

    def to_representation(self, data):
        return {key: value for key, value in super().to_representation(data).items() if key in data}


class StaffTimelineEntrySerializer(TimelineEntrySerializer):
    """Staff see every entry, internal notes included, who made it, and a reporter's message as they
    wrote it."""

    actor = serializers.CharField(source="actor.get_username", default=None, allow_null=True)
    actor_name = serializers.SerializerMethodField(help_text="The actor as staff pages name them.")
    message = serializers.CharField(source="staff_message")
    data = TimelineDataSerializer(read_only=True)

    class Meta(TimelineEntrySerializer.Meta):
        fields = (*TimelineEntrySerializer.Meta.fields, "actor", "actor_name", "is_internal", "data")

    def get_actor_name(self, update) -> str | None:
        return staff_display_name(update.actor) if update.actor_id else None


class StaffPhotoSerializer(PhotoSerializer):
    """Staff see hidden photos too, marked."""

    id = serializers.UUIDField(source="uuid")

    class Meta(PhotoSerializer.Meta):
        fields = ("id", *PhotoSerializer.Meta.fields, "is_public")


class CoHandlerSerializer(serializers.ModelSerializer):
    agency = AgencyBriefSerializer()

    class Meta:
        model = ReportCoHandler
        fields = ("agency", "reason", "created_at")


class ReportStaffSerializer(ReportFeatureSerializer):
    """Staff see the reporter's own words (`description`, `answers`, staff-only answers included) beside
    what the public reads (`public_description`, `public_answers`), every photo, who is assigned, and
    the co-handling agencies."""

    contact = ContactSerializer(read_only=True, allow_null=True)
    description = serializers.CharField(source="staff_description")
    public_description = serializers.CharField(source="description")
    public_answers = serializers.SerializerMethodField()
    needs_review = serializers.BooleanField()
    is_hidden = serializers.BooleanField()
    hidden_reason = serializers.ChoiceField(choices=HiddenReason.choices, allow_blank=True)
    assigned_to = serializers.CharField(source="assigned_to.get_username", default=None, allow_null=True)
    assigned_to_name = serializers.SerializerMethodField(help_text="The assignee as staff pages name them.")
    photos = StaffPhotoSerializer(many=True, read_only=True)
    co_handlers = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    documents = DocumentSerializer(many=True, read_only=True)

    class Meta(ReportFeatureSerializer.Meta):
        fields = (
            *ReportFeatureSerializer.Meta.fields, "public_description", "public_answers", "needs_review",
            "is_hidden", "hidden_reason", "contact", "assigned_to", "assigned_to_name", "co_handlers", "channel",
            "rating", "documents", "timeline",
        )  # fmt: skip

    @extend_schema_field(ANSWERS)
    def get_answers(self, report):
        return report_answers(report, private=True, staff=True)

    @extend_schema_field(ANSWERS)
    def get_public_answers(self, report):
        return report_answers(report, private=False)

    def get_assigned_to_name(self, report) -> str | None:
        return staff_display_name(report.assigned_to, agency=report.agency) if report.assigned_to_id else None

    @extend_schema_field(CoHandlerSerializer(many=True))
    def get_co_handlers(self, report):
        return CoHandlerSerializer(report_co_handler_list(report), many=True).data

    @extend_schema_field(StaffTimelineEntrySerializer(many=True))
    def get_timeline(self, report):
        updates = getattr(report, "all_updates", None)
        if updates is None:
            updates = report.updates.select_related("agency", "actor").prefetch_related("photos")
        return StaffTimelineEntrySerializer(updates, many=True, context=self.context).data


class ReportStaffCollectionSerializer(serializers.Serializer):
    """Reports as a GeoJSON FeatureCollection (`{"type": "FeatureCollection", "features": reports}`)."""

    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = serializers.ListField(child=ReportStaffSerializer())


class StaffInboxSerializer(serializers.Serializer):
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Reports per status, and overdue.")
    reports = ReportStaffCollectionSerializer()


class NearbyTicketCategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()


class NearbyTicketSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    assigned_to_me = serializers.BooleanField()
    tracking_code = serializers.CharField()
    status = serializers.CharField()
    category = NearbyTicketCategorySerializer()
    description = serializers.CharField(allow_blank=True)
    location = serializers.ListField(child=serializers.FloatField())
    distance_m = serializers.FloatField()
    resolve_due = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    version = serializers.IntegerField()
    agency = serializers.CharField(allow_null=True)
    thumbnails = serializers.ListField(
        child=serializers.CharField(), help_text="Thumbnails of the reporter's photos (at most 3), site-relative."
    )


class NearbyTicketsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    radius_m = serializers.FloatField()
    reports = NearbyTicketSerializer(many=True)


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    report = ReportStaffSerializer()


__all__ = [
    "ConflictSerializer",
    "NearbyTicketsSerializer",
    "ReportStaffSerializer",
    "StaffInboxSerializer",
    "StaffTimelineEntrySerializer",
]
