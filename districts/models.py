"""Where things are, and who is responsible for them."""

import re

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.db.models.lookups import In
from django.utils.translation import gettext_lazy as _

from .spatial import Geography, GeometryTypeName


class Area(models.Model):
    """An administrative boundary: the kota, its kecamatan and their desa/kelurahan."""

    class Kind(models.TextChoices):
        KOTA = "kota", _("City (kota)")
        KECAMATAN = "kecamatan", _("District (kecamatan)")
        DESA = "desa", _("Village (desa)")
        KELURAHAN = "kelurahan", _("Urban village (kelurahan)")

    # Kinds whose areas tile the city at the finest level: a report lies in exactly one of them.
    LOCAL_KINDS = (Kind.DESA, Kind.KELURAHAN)
    # Parents come before children when a boundary file is loaded.
    KIND_LEVEL = {Kind.KOTA: 0, Kind.KECAMATAN: 1, Kind.DESA: 2, Kind.KELURAHAN: 2}

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    code = models.CharField(_("Kemendagri code"), max_length=20, unique=True, help_text=_("For example 35.79.02.2001"))
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    geom = models.MultiPolygonField(_("boundary"), srid=settings.LAPOR_SRID)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(geom__isvalid=True), name="area_geom_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"

    @property
    def label(self) -> str:
        """How the city writes it: "Desa Punten", "Kelurahan Sisir", "Kec. Bumiaji"."""
        prefix = {
            self.Kind.KOTA: "Kota",
            self.Kind.KECAMATAN: "Kec.",
            self.Kind.DESA: "Desa",
            self.Kind.KELURAHAN: "Kel.",
        }[self.kind]
        return f"{prefix} {self.name}"


class Agency(models.Model):
    """A body that receives reports: a city SKPD, the water utility, PLN, a roads authority..."""

    class Kind(models.TextChoices):
        CITY_AGENCY = "city_agency", _("City agency (SKPD)")
        CITY_UTILITY = "city_utility", _("City-owned utility")
        KECAMATAN_OFFICE = "kecamatan_office", _("Kecamatan office")
        PROVINCIAL = "provincial", _("Provincial body")
        NATIONAL = "national", _("National body")
        PRIVATE_UTILITY = "private_utility", _("Private utility")

    class SendMethod(models.TextChoices):
        INBOX = "inbox", _("In-app inbox only")
        EMAIL = "email", _("Email")
        WEBHOOK = "webhook", _("Webhook (signed JSON)")
        OPEN311 = "open311", _("Open311 forward")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    area = models.ForeignKey(
        Area,
        verbose_name=_("area of responsibility"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        help_text=_("For offices that serve one area, such as a kecamatan office."),
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    send_method = models.CharField(_("delivery"), max_length=10, choices=SendMethod.choices, default=SendMethod.INBOX)
    endpoint_url = models.URLField(
        _("endpoint URL"), blank=True, help_text=_("Webhook or Open311 endpoint, when delivered so.")
    )
    endpoint_api_key = models.CharField(
        _("endpoint API key"), max_length=200, blank=True, help_text=_("The api_key an Open311 endpoint expects.")
    )
    handles_triage = models.BooleanField(
        _("handles triage"),
        default=False,
        help_text=_("Receives reports that no rule or asset routes elsewhere. At most one agency."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["short_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["handles_triage"],
                condition=Q(handles_triage=True),
                name="agency_single_triage",
            ),
            models.CheckConstraint(
                condition=Q(send_method__in=["inbox", "email"]) | ~Q(endpoint_url=""),
                name="agency_endpoint_for_remote_delivery",
            ),
        ]

    def __str__(self):
        return self.short_name


class AssetLayer(models.Model):
    """A layer of city assets (roads, water pipes, street lights...) and who owns its features.

    Ownership is data: a fixed agency, or an attribute whose values map to agencies through
    `AssetOwnership` rows (e.g. road_class national / provincial / city / village).
    """

    class GeometryType(models.TextChoices):
        POINT = "point", _("Points")
        LINE = "line", _("Lines")
        POLYGON = "polygon", _("Polygons")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    feature_noun = models.CharField(
        _("feature noun"),
        max_length=60,
        help_text=_('What one feature is called in a sentence, e.g. "pipa", "ruas jalan".'),
    )
    feature_noun_en = models.CharField(_("feature noun in English"), max_length=60, blank=True)
    geometry_type = models.CharField(_("geometry type"), max_length=10, choices=GeometryType.choices)
    default_owner = models.ForeignKey(
        Agency,
        verbose_name=_("default owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Owner of features that no ownership row matches."),
    )
    owner_attribute = models.CharField(
        _("owner attribute"),
        max_length=60,
        blank=True,
        help_text=_("Feature attribute whose value decides the owner, e.g. road_class."),
    )
    source = models.CharField(_("source"), max_length=250, blank=True)
    licence = models.CharField(
        _("licence"), max_length=60, blank=True, help_text=_("The data's licence as an SPDX id, e.g. ODbL-1.0.")
    )
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False, help_text=_("Generated, not surveyed."))
    is_public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_("Whether the layer is drawn on public maps; utility networks are not."),
    )

    class Meta:
        verbose_name = _("asset layer")
        verbose_name_plural = _("asset layers")
        ordering = ["code"]

    def __str__(self):
        return self.name


class AssetOwnership(models.Model):
    """One row of a layer's ownership rule: attribute value → agency."""

    layer = models.ForeignKey(AssetLayer, on_delete=models.CASCADE, related_name="ownerships")
    attribute_value = models.CharField(_("attribute value"), max_length=100)
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("ownership rule")
        verbose_name_plural = _("ownership rules")
        constraints = [
            models.UniqueConstraint("layer", Lower("attribute_value"), name="asset_ownership_unique_value"),
        ]

    def __str__(self):
        return f"{self.layer.owner_attribute}={self.attribute_value} → {self.agency}"


# Simple feature types an asset may have (PostGIS GeometryType() names).
ASSET_GEOMETRY_TYPES = ["POINT", "LINESTRING", "MULTILINESTRING", "POLYGON", "MULTIPOLYGON"]


class Asset(models.Model):
    """One feature of an asset layer: a road segment, a pipe, a street light."""

    layer = models.ForeignKey(AssetLayer, on_delete=models.CASCADE, related_name="assets")
    external_id = models.CharField(_("external id"), max_length=100)
    name = models.CharField(_("name"), max_length=200, blank=True)
    geom = models.GeometryField(_("geometry"), srid=settings.LAPOR_SRID)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    owner = models.ForeignKey(Agency, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="assets")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["layer", "external_id"]
        constraints = [
            models.UniqueConstraint(fields=["layer", "external_id"], name="asset_unique_external_id"),
            models.CheckConstraint(condition=Q(geom__isvalid=True), name="asset_geom_valid"),
            models.CheckConstraint(
                condition=In(GeometryTypeName("geom"), ASSET_GEOMETRY_TYPES),
                name="asset_geom_type",
            ),
        ]
        indexes = [
            # Snapping is "nearest asset of this layer within N metres": KNN on geography.
            GistIndex(Geography("geom"), name="asset_geog_gist"),
            models.Index(fields=["owner"], name="asset_owner_idx"),
        ]

    def __str__(self):
        return f"{self.layer.code}:{self.external_id}"

    @property
    def is_synthetic(self) -> bool:
        return bool(self.attributes.get("synthetic"))


def validate_pattern(value: str) -> None:
    """A road class rule's pattern must be a regular expression Python can compile."""
    try:
        re.compile(value)
    except re.error as exc:
        raise ValidationError(
            _("Not a valid regular expression: %(error)s"), code="invalid_pattern", params={"error": exc}
        ) from exc


class RoadClassRule(models.Model):
    """One row of the mapping from OpenStreetMap road tags to our road_class (manage.py import_osm).

    Of the rules that match a way, the one with the highest priority decides; its road class then
    decides the owner through the roads layer's ownership rows. A blank road class keeps the way out.
    """

    class RoadClass(models.TextChoices):
        NATIONAL = "national", _("National road")
        PROVINCIAL = "provincial", _("Provincial road")
        CITY = "city", _("City road")
        VILLAGE = "village", _("Village road")

    ANY_HIGHWAY = "*"

    highway = models.CharField(
        _("OSM highway value"),
        max_length=40,
        help_text=_('The value of the way\'s highway tag, e.g. "trunk" or "residential"; "*" for any value.'),
    )
    ref_pattern = models.CharField(
        _("ref pattern"),
        max_length=200,
        blank=True,
        validators=[validate_pattern],
        help_text=_("A regular expression searched in the way's ref tag, ignoring case; blank matches any way."),
    )
    operator_pattern = models.CharField(
        _("operator pattern"),
        max_length=200,
        blank=True,
        validators=[validate_pattern],
        help_text=_("A regular expression searched in the way's operator tag, ignoring case; blank matches any way."),
    )
    access_pattern = models.CharField(
        _("access pattern"),
        max_length=200,
        blank=True,
        validators=[validate_pattern],
        help_text=_("A regular expression searched in the way's access tag, ignoring case; blank matches any way."),
    )
    road_class = models.CharField(
        _("road class"),
        max_length=12,
        choices=RoadClass.choices,
        blank=True,
        help_text=_("Our class, which decides the road's owner; blank: ways this rule matches are not imported."),
    )
    priority = models.IntegerField(
        _("priority"), default=0, help_text=_("Of the rules that match a way, the one with the highest priority wins.")
    )
    note = models.CharField(_("note"), max_length=250, blank=True, help_text=_("Why the rule is there."))

    class Meta:
        verbose_name = _("road class rule")
        verbose_name_plural = _("road class rules")
        ordering = ["-priority", "highway", "id"]

    def __str__(self):
        conditions = [f"highway={self.highway}"] + [
            f"{tag} ~ {pattern}"
            for tag, pattern in (
                ("ref", self.ref_pattern),
                ("operator", self.operator_pattern),
                ("access", self.access_pattern),
            )
            if pattern
        ]
        outcome = self.get_road_class_display() if self.road_class else _("not imported")
        return f"{', '.join(conditions)} → {outcome}"


class Place(models.Model):
    """A named place or point of interest for place search: a village, a market, a mosque..."""

    class Kind(models.TextChoices):
        VILLAGE = "village", _("Village")
        HAMLET = "hamlet", _("Hamlet (dusun)")
        NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")
        MARKET = "market", _("Market")
        SCHOOL = "school", _("School")
        MOSQUE = "mosque", _("Mosque")
        WORSHIP = "worship", _("Place of worship")
        HEALTH = "health", _("Health centre, hospital or clinic")
        OFFICE = "office", _("Government office")
        ATTRACTION = "attraction", _("Tourist attraction")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    # A geometry field gets a GiST index by default (spatial_index=True).
    location = models.PointField(_("location"), srid=settings.LAPOR_SRID)
    source = models.CharField(_("source"), max_length=40, help_text=_('Where the place comes from, e.g. "osm".'))
    external_id = models.CharField(
        _("external id"), max_length=100, help_text=_('Its id at the source, e.g. "n123" or "w456".')
    )
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="place_unique_source_external_id"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"


class Membership(models.Model):
    """A person's role: in an agency (operator, field crew, supervisor) or city-wide (planner,
    administrator). A person may hold several."""

    class Role(models.TextChoices):
        OPERATOR = "operator", _("Agency operator")
        CREW = "crew", _("Field crew")
        SUPERVISOR = "supervisor", _("Agency supervisor")
        PLANNER = "planner", _("Planner (reads everything, changes nothing)")
        ADMIN = "admin", _("Administrator")

    AGENCY_ROLES = (Role.OPERATOR, Role.CREW, Role.SUPERVISOR)
    CITY_WIDE_ROLES = (Role.PLANNER, Role.ADMIN)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, null=True, blank=True, related_name="members"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique"),
            models.CheckConstraint(
                condition=(Q(role__in=["operator", "crew", "supervisor"]) & Q(agency__isnull=False))
                | (Q(role__in=["planner", "admin"]) & Q(agency__isnull=True)),
                name="membership_agency_matches_role",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}" + (f" · {self.agency}" if self.agency_id else "")
