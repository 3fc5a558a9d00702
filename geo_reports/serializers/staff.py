"""What agency staff read about a report: its public properties and the private ones (contact,
every timeline entry with who made it, documents, assignee)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .outputs import ANSWERS, DocumentSerializer, ReportFeatureSerializer, TimelineEntrySerializer


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

    def to_representation(self, data):
        return {key: value for key, value in super().to_representation(data).items() if key in data}


class StaffTimelineEntrySerializer(TimelineEntrySerializer):
    """Staff see every entry, internal notes included, and who made it."""

    actor = serializers.CharField(source="actor.get_username", default=None, allow_null=True)
    data = TimelineDataSerializer(read_only=True)

    class Meta(TimelineEntrySerializer.Meta):
        fields = (*TimelineEntrySerializer.Meta.fields, "actor", "is_internal", "data")


class ReportStaffSerializer(ReportFeatureSerializer):
    """Staff see every answer, staff-only ones included."""

    contact = ContactSerializer(read_only=True, allow_null=True)
    assigned_to = serializers.CharField(source="assigned_to.get_username", default=None, allow_null=True)
    timeline = serializers.SerializerMethodField()
    documents = DocumentSerializer(many=True, read_only=True)

    class Meta(ReportFeatureSerializer.Meta):
        fields = (
            *ReportFeatureSerializer.Meta.fields, "contact", "assigned_to", "channel", "rating", "documents",
            "timeline",
        )  # fmt: skip

    @extend_schema_field(ANSWERS)
    def get_answers(self, report):
        return report.answers

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
