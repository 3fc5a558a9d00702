"""Reports, their append-only timeline, photos, +1s, and the reporter's private contact."""

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.db.models import JSONField, Q, Value
from django.db.models.lookups import In
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Agency, Area, Asset
from districts.spatial import Geography, GeometryTypeName

from .categories import Category

REPORT_GEOMETRY_TYPES = ["POINT", "LINESTRING", "POLYGON"]


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Received")
    VERIFIED = "verified", _("Verified")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")
    REFERRED = "referred", _("Referred")
    REOPENED = "reopened", _("Reopened")


# Still being handled (shown as open on the map; Open311 "open"). Here, not in workflow, because the
# partial index of open reports below needs it.
OPEN_STATUSES = frozenset({Status.SUBMITTED, Status.VERIFIED, Status.IN_PROGRESS, Status.REOPENED, Status.REFERRED})


class HiddenReason(models.TextChoices):
    ABUSIVE = "abusive", _("Abusive or offensive")
    TEST = "test", _("A test, not a real report")
    PERSONAL_DATA = "personal_data", _("Personal data that cannot be masked")
    OTHER = "other", _("Another reason")


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")
    STAFF = "staff", _("Staff")
    DEMO = "demo", _("Demo data")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")


class Report(models.Model):
    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True)
    # Indexes are chosen for a million reports (see Meta.indexes): category and agency are led by
    # composite indexes, and reports are found by `location`, never by the full geometry.
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="reports", db_index=False
    )
    geometry = models.GeometryField(_("geometry"), srid=settings.LAPOR_SRID, spatial_index=False)
    location = models.PointField(
        _("representative point"),
        srid=settings.LAPOR_SRID,
        help_text=_("Where the report is indexed and shown."),
    )
    # What the public sees: the reporter's text with personal data masked (geo_reports.personal_data),
    # or as staff redacted it. The reporter's own words, where they differ, are kept for staff in
    # the *_original fields. Public outputs read these two and so cannot leak what was masked.
    description = models.TextField(_("description"), blank=True, max_length=4000)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    description_original = models.TextField(
        _("description as written"),
        blank=True,
        max_length=4000,
        db_default="",
        help_text=_("Staff only: the reporter's text, when the public description differs from it."),
    )
    answers_original = models.JSONField(
        _("answers as written"),
        default=dict,
        blank=True,
        db_default=Value({}, JSONField()),
        help_text=_("Staff only: the answers whose public version differs, as the reporter wrote them."),
    )
    needs_review = models.BooleanField(
        _("needs review"),
        default=False,
        db_default=False,
        help_text=_("Personal data was found and masked in public; staff have not yet looked at it."),
    )
    is_hidden = models.BooleanField(
        _("hidden from the public"),
        default=False,
        db_default=False,
        help_text=_("Hidden by staff: on no public list, map, count, feed or interface."),
    )
    hidden_reason = models.CharField(
        _("why hidden"), max_length=16, choices=HiddenReason.choices, blank=True, db_default=""
    )
    # Sticky: set when the report is filed under, or moved into, a category that is not public (a
    # service request), and never cleared by a later category; services.base.category_set keeps it.
    is_private = models.BooleanField(
        _("private"),
        default=False,
        db_default=False,
        help_text=_("Filed under a non-public category once: never shown in public, whatever its category now."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.API)

    # Where it went, and why (the routing decision, kept as data).
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, null=True, related_name="reports", db_index=False
    )
    desa = models.ForeignKey(
        Area, verbose_name=_("desa/kelurahan"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    kecamatan = models.ForeignKey(
        Area, verbose_name=_("kecamatan"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    asset = models.ForeignKey(
        Asset,
        verbose_name=_("asset"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    asset_distance_m = models.FloatField(_("distance to asset (m)"), null=True, blank=True)
    routing = models.JSONField(_("routing decision"), default=dict)
    routing_explanation = models.CharField(_("routing explanation"), max_length=500)
    routing_explanation_en = models.CharField(_("routing explanation in English"), max_length=500)

    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_reports",
    )
    support_count = models.PositiveIntegerField(_("+1 count"), default=0)

    acknowledge_due = models.DateTimeField(_("acknowledge by"), null=True)
    resolve_due = models.DateTimeField(_("resolve by"), null=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("overdue notice sent"), null=True, blank=True)

    # The reporter proves ownership with a secret link; only its hash is kept.
    reporter_token_hash = models.CharField(max_length=64, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(geometry__isvalid=True), name="report_geometry_valid"),
            models.CheckConstraint(
                condition=In(GeometryTypeName("geometry"), REPORT_GEOMETRY_TYPES), name="report_geometry_type"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="report_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(status="duplicate") | Q(duplicate_of__isnull=False),
                name="report_duplicate_has_original",
            ),
        ]
        indexes = [
            GistIndex(Geography("location"), name="report_location_geog_gist"),
            # The crews' "nearby open tickets": a few percent of a city's reports, so a small index.
            GistIndex(
                Geography("location"),
                name="report_open_location_gist",
                condition=Q(status__in=sorted(OPEN_STATUSES)),
            ),
            models.Index(fields=["status", "-created_at"], name="report_status_created_idx"),
            models.Index(fields=["category", "-created_at"], name="report_category_created_idx"),
            models.Index(fields=["agency", "status"], name="report_agency_status_idx"),
        ]

    def __str__(self):
        return f"{self.tracking_code} ({self.category.code})"

    @property
    def staff_description(self) -> str:
        """The description as the reporter wrote it (what staff read)."""
        return self.description_original or self.description

    @property
    def staff_answers(self) -> dict:
        """The answers as the reporter wrote them (what staff read)."""
        return {**self.answers, **self.answers_original}

    @property
    def may_be_public(self) -> bool:
        """Whether its text may be shown in public at all: never once private, nor while its category
        is not public (staff may still hide it: selectors.report_readable_by_public)."""
        return not self.is_private and self.category.is_public

    @property
    def public_text_differs(self) -> bool:
        return bool(self.description_original or self.answers_original)


class ReportCoHandler(models.Model):
    """Another agency copied on a report (tembusan): it reads the report and may reply and note, while
    the report's own agency leads it and alone changes its status and deadline."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="co_handlers")
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT, null=True, blank=True
    )
    reason = models.CharField(_("why"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("co-handling agency")
        verbose_name_plural = _("co-handling agencies")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "agency"], name="cohandler_once_per_agency")]
        indexes = [models.Index(fields=["agency", "report"], name="cohandler_agency_idx")]

    def __str__(self):
        return f"{self.report_id} + {self.agency_id}"


class ReporterContact(models.Model):
    """Who reported: never part of any public output. Kept apart from Report so that no public
    serializer of a report can reach it by accident."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="contact", primary_key=True)
    name = models.CharField(_("name"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # A report filed in a chat (the chat app): the platform and the chat its status changes are sent
    # back to. On WhatsApp the chat id is the phone number, which is also kept in `phone`.
    chat_platform = models.CharField(_("chat platform"), max_length=10, blank=True)
    chat_id = models.CharField(_("chat id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("reporter contact")
        verbose_name_plural = _("reporter contacts")
        indexes = [
            models.Index(fields=["chat_platform", "chat_id"], name="contact_chat_idx", condition=~Q(chat_id="")),
        ]

    def __str__(self):
        return f"contact of {self.report_id}"


class ReportUpdate(models.Model):
    """One entry of a report's timeline. Append-only: the database refuses UPDATE and DELETE."""

    class Role(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        REPORTER = "reporter", _("Reporter")
        OPERATOR = "operator", _("Agency operator")
        CREW = "crew", _("Field crew")
        SUPERVISOR = "supervisor", _("Agency supervisor")
        ADMIN = "admin", _("Administrator")
        SYSTEM = "system", _("System")

    class Kind(models.TextChoices):
        CREATED = "created", _("Report received")
        STATUS = "status", _("Status change")
        COMMENT = "comment", _("Public reply")
        NOTE = "note", _("Internal note")
        REROUTED = "rerouted", _("Re-routed")
        ASSIGNED = "assigned", _("Assigned")
        RATED = "rated", _("Rated")
        DOCUMENTS = "documents", _("Documents attached")
        CO_HANDLING_ADDED = "co_handling_added", _("Another agency co-handles it")
        CO_HANDLING_ENDED = "co_handling_ended", _("An agency no longer co-handles it")
        MODERATED = "moderated", _("Moderated")

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="updates")
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), on_delete=models.PROTECT, null=True, blank=True
    )
    actor_role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    old_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    new_status = models.CharField(_("to"), max_length=12, choices=Status.choices, blank=True)
    message = models.TextField(_("message"), blank=True, max_length=4000)
    is_internal = models.BooleanField(_("internal"), default=False)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["report", "created_at"], name="update_report_time_idx")]

    def __str__(self):
        return f"{self.report_id} {self.kind} {self.new_status}"

    @property
    def staff_message(self) -> str:
        """The message as its writer wrote it: a reporter's message may be masked in public."""
        return self.data.get("message_original") or self.message

    @property
    def localized_explanation(self) -> str:
        from django.utils.translation import get_language

        english = (get_language() or "id").startswith("en")
        return (self.data.get("explanation_en") if english else None) or self.data.get("explanation", "")


def photo_path(instance, filename):
    # Random names: a stored file name must not reveal anything about the reporter or the upload.
    return f"photos/{instance.uuid.hex[:2]}/{instance.uuid.hex}{instance.extension}"


def thumbnail_path(instance, filename):
    return f"photos/{instance.uuid.hex[:2]}/{instance.uuid.hex}-thumb.jpg"


class ReportPhoto(models.Model):
    """A photo, re-encoded without metadata (EXIF location and camera serial removed)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    update = models.ForeignKey(ReportUpdate, on_delete=models.PROTECT, null=True, blank=True, related_name="photos")
    image = models.ImageField(_("image"), upload_to=photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=thumbnail_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    extension = models.CharField(max_length=6, default=".jpg")
    is_public = models.BooleanField(_("public"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.uuid.hex


class ReportSupport(models.Model):
    """A "+1": someone else has the same problem. Counted once per device or account."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="supports")
    supporter_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "supporter_hash"], name="support_once_per_supporter"),
        ]


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key: a retried submission returns the first report."""

    key = models.CharField(max_length=100, unique=True)
    fingerprint = models.CharField(max_length=64)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
