"""What can be reported (categories, Open311 "services"), their questions, and the routing rules."""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from districts.models import Agency, Area, AssetLayer


class GeometryKind(models.TextChoices):
    POINT = "Point", _("Point")
    LINESTRING = "LineString", _("Line")
    POLYGON = "Polygon", _("Area")


class DeadlineUnit(models.TextChoices):
    HOURS = "hours", _("hours")
    DAYS = "days", _("days")
    WORKING_HOURS = "working_hours", _("working hours")
    WORKING_DAYS = "working_days", _("working days")


class Bilingual:
    """`name`/`name_en` pairs: the English text when the active language is English."""

    def localized(self, field: str) -> str:
        english = getattr(self, f"{field}_en", "")
        if english and (get_language() or "id").startswith("en"):
            return english
        return getattr(self, field)


class Category(Bilingual, models.Model):
    class Group(models.TextChoices):
        ROADS = "roads", _("Roads and traffic")
        WATER = "water", _("Clean water (PDAM)")
        LIGHTING = "lighting", _("Street lighting")
        ENVIRONMENT = "environment", _("Environment and waste")
        DISASTER = "disaster", _("Disasters and emergencies")
        UTILITIES = "utilities", _("Electricity")
        SERVICES = "services", _("Permits and taxes")
        OTHER = "other", _("Other")

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        REQUEST = "request", _("Service request")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    group = models.CharField(_("group"), max_length=20, choices=Group.choices, default=Group.OTHER)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.COMPLAINT)
    icon = models.CharField(_("icon"), max_length=40, default="other")
    keywords = models.CharField(_("keywords"), max_length=250, blank=True)
    geometry_kinds = ArrayField(
        models.CharField(max_length=12, choices=GeometryKind.choices),
        verbose_name=_("allowed geometry"),
        default=list,
    )
    asset_layer = models.ForeignKey(
        AssetLayer,
        verbose_name=_("asset layer to snap to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="categories",
    )
    snap_distance_m = models.PositiveIntegerField(
        _("snap distance (m)"), null=True, blank=True, validators=[MaxValueValidator(500)]
    )
    default_agency = models.ForeignKey(
        Agency,
        verbose_name=_("default agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="default_categories",
    )
    acknowledge_within = models.PositiveIntegerField(_("acknowledge within"), default=1)
    acknowledge_unit = models.CharField(
        _("unit"), max_length=16, choices=DeadlineUnit.choices, default=DeadlineUnit.WORKING_DAYS
    )
    resolve_within = models.PositiveIntegerField(_("resolve within"), default=10)
    resolve_unit = models.CharField(
        _("unit"), max_length=16, choices=DeadlineUnit.choices, default=DeadlineUnit.WORKING_DAYS
    )
    duplicate_radius_m = models.PositiveIntegerField(
        _("duplicate radius (m)"), default=50, validators=[MaxValueValidator(2000)]
    )
    duplicate_days = models.PositiveIntegerField(_("duplicate window (days)"), default=30)
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Reports of a non-public category never appear in public.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    documents_required = models.BooleanField(
        _("documents required"),
        default=False,
        help_text=_("Service requests only: the requester must attach at least one document (PDF or image)."),
    )
    documents_hint = models.CharField(_("which documents"), max_length=300, blank=True)
    documents_hint_en = models.CharField(_("which documents, in English"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(asset_layer__isnull=True) | Q(snap_distance_m__isnull=False),
                name="category_snap_distance_with_layer",
            ),
            models.CheckConstraint(condition=Q(geometry_kinds__len__gt=0), name="category_has_geometry_kinds"),
            models.CheckConstraint(
                condition=Q(documents_required=False) | Q(kind="request"),
                name="category_documents_only_for_requests",
                violation_error_message=_("Only service requests can require documents."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        return self.localized("name")

    @property
    def localized_description(self) -> str:
        return self.localized("description")

    @property
    def accepts_documents(self) -> bool:
        return self.kind == self.Kind.REQUEST


class CategoryQuestion(Bilingual, models.Model):
    """An extra question of a category; the Open311 service-definition "attribute"."""

    class Datatype(models.TextChoices):
        STRING = "string", _("Short text")
        NUMBER = "number", _("Number")
        DATETIME = "datetime", _("Date and time")
        TEXT = "text", _("Long text")
        SINGLE = "singlevaluelist", _("One choice")
        MULTI = "multivaluelist", _("Several choices")

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), validators=[MinValueValidator(1)])
    datatype = models.CharField(_("type"), max_length=16, choices=Datatype.choices)
    required = models.BooleanField(_("required"), default=False)
    label = models.CharField(_("question"), max_length=200)
    label_en = models.CharField(_("question in English"), max_length=200)
    help = models.CharField(_("help"), max_length=250, blank=True)
    help_en = models.CharField(_("help in English"), max_length=250, blank=True)

    class Format(models.TextChoices):
        NONE = "", _("Any text")
        NOP = "nop", _("Tax object number (NOP, 18 digits)")

    values = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_('For list questions: [{"key": "...", "name": "...", "name_en": "..."}]'),
    )
    format = models.CharField(
        _("format"),
        max_length=12,
        choices=Format.choices,
        default=Format.NONE,
        blank=True,
        help_text=_("For short-text questions: a format the answer must have."),
    )

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: shown on the report's public page")
        STAFF = "staff", _("Staff only: it identifies a household or a person")

    visibility = models.CharField(
        _("who sees the answer"),
        max_length=8,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        help_text=_("Customer numbers, tax object numbers and the like are staff only."),
    )
    min_value = models.FloatField(_("smallest number"), null=True, blank=True, help_text=_("For number questions."))
    max_value = models.FloatField(_("largest number"), null=True, blank=True, help_text=_("For number questions."))

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category", "order"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="question_unique_code"),
            models.UniqueConstraint(fields=["category", "order"], name="question_unique_order"),
        ]

    def __str__(self):
        return f"{self.category.code}.{self.code}"

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    @property
    def is_list(self) -> bool:
        return self.datatype in (self.Datatype.SINGLE, self.Datatype.MULTI)

    def choice_keys(self) -> list[str]:
        return [str(value["key"]) for value in self.values]

    def choice_name(self, key: str) -> str:
        english = (get_language() or "id").startswith("en")
        for value in self.values:
            if str(value["key"]) == str(key):
                return (value.get("name_en") if english else None) or value["name"]
        return str(key)


class RoutingRule(models.Model):
    """(category, optional area, optional asset attribute condition) → agency.

    When several rules match, the most specific wins: an asset condition beats none, a desa beats a
    kecamatan beats the city beats no area; then the higher priority.
    """

    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="rules")
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    asset_attribute = models.CharField(_("asset attribute"), max_length=60, blank=True)
    asset_value = models.CharField(_("asset attribute value"), max_length=100, blank=True)
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+")
    co_handlers = models.ManyToManyField(
        Agency,
        verbose_name=_("co-handling agencies"),
        blank=True,
        related_name="co_handling_rules",
        help_text=_(
            "Copied (tembusan) on every report this rule routes: they read it and may reply; the agency above leads it."
        ),
    )
    priority = models.SmallIntegerField(_("priority"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["category", "-priority", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(asset_attribute="", asset_value="") | ~Q(asset_attribute=""),
                name="rule_asset_condition_complete",
            ),
        ]

    def __str__(self):
        where = f" @ {self.area.label}" if self.area_id else ""
        condition = f" [{self.asset_attribute}={self.asset_value}]" if self.asset_attribute else ""
        return f"{self.category.code}{where}{condition} → {self.agency}"

    @property
    def has_asset_condition(self) -> bool:
        return bool(self.asset_attribute)

    def matches_asset(self, attributes: dict) -> bool:
        value = attributes.get(self.asset_attribute)
        return value is not None and str(value).strip().lower() == self.asset_value.strip().lower()


class PublicHoliday(models.Model):
    """Days that do not count as working days for deadlines (national and local holidays)."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date}: {self.name}"
