"""The collections this API publishes, and what a feature of each one is.

- `reports`: public reports only (`geo_reports.selectors.report_public()`). Geometry: the report's
  representative point (`location`), so the collection is one homogeneous Point layer that GIS tools
  load without asking, indexed like the public map. The shape a reporter drew (a line or an area, for
  a few categories) is in the reports API (`/api/reports/{id}/`). Properties are named one by one; the
  reporter's name, phone and email (ReporterContact) are never reachable from here.
- `areas`: the kota, its kecamatan and desa/kelurahan.
- one collection per asset layer, its id the layer's code (`roads`, `water_pipes`, `street_lights`):
  external_id, name, owner_code, synthetic, and the feature's JSON attributes as top-level properties.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import BooleanField, Expression, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Now, NullIf
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.geojson_sql import JSONBuildObject, JSONTruthy, LocalTimestamp, feature_text, flattened_properties
from common.text import english
from districts.models import Area, Asset, AssetLayer
from geo_reports.models import OPEN_STATUSES, Status
from geo_reports.selectors import report_public

from .filters import BOOLEAN, DATE_TIME, INTEGER, STRING, Queryable

LAYER_CODE = re.compile(r"^[-a-zA-Z0-9_]{1,40}$")
REPORTS = "reports"
AREAS = "areas"

REPORTS_TITLE = gettext_lazy("Public reports")
AREAS_TITLE = gettext_lazy("Administrative areas")


@dataclass(frozen=True)
class Collection:
    id: str
    title: str
    description: str
    rows: Callable[[], QuerySet]
    # A JSON object expression: the feature's properties, built by PostgreSQL.
    properties: Callable[[], Expression]
    geometry_field: str
    ordering: tuple[str, ...]
    # The timestamp `datetime` filters on; None for collections without time.
    time_field: str | None = None
    # The properties a `filter` may name (OGC API - Features Part 3).
    queryables: tuple[Queryable, ...] = ()
    keywords: list[str] = field(default_factory=list)
    # Shown first on the HTML pages (JSON object members have no order a client may rely on).
    leading_properties: tuple[str, ...] = ()

    def features(self) -> QuerySet:
        """The collection's rows in their paging order (unique, so pages never overlap)."""
        return self.rows().order_by(*self.ordering)

    def feature_text(self) -> Expression:
        """One row as the text of a GeoJSON Feature."""
        return feature_text(geometry=self.geometry_field, properties=self.properties())


def _report_properties() -> Expression:
    category_name = (
        Coalesce(NullIf("category__name_en", Value("")), "category__name") if english() else F("category__name")
    )
    return JSONBuildObject(
        {
            "id": F("pk"),
            "tracking_code": F("tracking_code"),
            "status": F("status"),
            "category_code": F("category__code"),
            "category_name": category_name,
            "agency_code": F("agency__code"),
            "agency_name": F("agency__name"),
            "desa_code": F("desa__code"),
            "desa_name": F("desa__name"),
            "kecamatan_code": F("kecamatan__code"),
            "kecamatan_name": F("kecamatan__name"),
            "description": F("description"),
            "support_count": F("support_count"),
            "created_at": LocalTimestamp("created_at"),
            "updated_at": LocalTimestamp("updated_at"),
            "resolve_due": LocalTimestamp("resolve_due"),
            "first_response_at": LocalTimestamp("first_response_at"),
            "resolved_at": LocalTimestamp("resolved_at"),
            "closed_at": LocalTimestamp("closed_at"),
            "overdue": _overdue(),
            "asset_layer": F("asset__layer__code"),
            "asset_external_id": F("asset__external_id"),
        }
    )


def _overdue() -> Expression:
    """Still open after its resolve-by time, as the staff inbox counts it (never null)."""
    late = Q(status__in=sorted(OPEN_STATUSES), resolve_due__lt=Now())
    return Coalesce(ExpressionWrapper(late, output_field=BooleanField()), Value(False))


def _report_queryables() -> tuple[Queryable, ...]:
    # Not the description: free text that moderation masks for the public; a filter is no place to
    # search it (the reports API's `q` is).
    return (
        Queryable("id", INTEGER, gettext_lazy("Id"), lookup="pk"),
        Queryable("tracking_code", STRING, gettext_lazy("Tracking code")),
        Queryable("status", STRING, gettext_lazy("Status"), values=tuple(Status.values)),
        Queryable("category_code", STRING, gettext_lazy("Category code"), lookup="category__code"),
        Queryable("agency_code", STRING, gettext_lazy("Agency code"), lookup="agency__code"),
        Queryable("agency_name", STRING, gettext_lazy("Agency"), lookup="agency__name"),
        Queryable("desa_code", STRING, gettext_lazy("Desa/kelurahan code"), lookup="desa__code"),
        Queryable("desa_name", STRING, gettext_lazy("Desa/kelurahan"), lookup="desa__name"),
        Queryable("kecamatan_code", STRING, gettext_lazy("Kecamatan code"), lookup="kecamatan__code"),
        Queryable("kecamatan_name", STRING, gettext_lazy("Kecamatan"), lookup="kecamatan__name"),
        Queryable("support_count", INTEGER, gettext_lazy("+1 count")),
        # `datetime` selects on this one (x-ogc-role primary-instant).
        Queryable("created_at", DATE_TIME, gettext_lazy("Submitted"), role="primary-instant"),
        Queryable("updated_at", DATE_TIME, gettext_lazy("Last updated")),
        Queryable("resolve_due", DATE_TIME, gettext_lazy("Resolve by")),
        Queryable("first_response_at", DATE_TIME, gettext_lazy("First response")),
        Queryable("resolved_at", DATE_TIME, gettext_lazy("Resolved")),
        Queryable("closed_at", DATE_TIME, gettext_lazy("Closed")),
        Queryable("overdue", BOOLEAN, gettext_lazy("Overdue"), expression=_overdue),
        Queryable("asset_layer", STRING, gettext_lazy("Asset layer"), lookup="asset__layer__code"),
        Queryable("asset_external_id", STRING, gettext_lazy("Asset id"), lookup="asset__external_id"),
    )


def reports_collection() -> Collection:
    return Collection(
        id=REPORTS,
        title=str(REPORTS_TITLE),
        description=_(
            "Reports filed by citizens that anyone may see: category, status, the agency handling it, "
            "desa and kecamatan, the asset it was routed by, when it was submitted, first answered, "
            "resolved and closed, and whether it is overdue. One point per report (where it is shown on "
            "the public map). The reporter's identity is never published. Times are in WIB (+07:00); "
            "datetime selects on the time a report was submitted (created_at)."
        ),
        rows=report_public,
        properties=_report_properties,
        geometry_field="location",
        ordering=("pk",),
        time_field="created_at",
        queryables=_report_queryables(),
        keywords=["laporan", "pengaduan", "complaints"],
    )


def _area_properties() -> Expression:
    return JSONBuildObject({"code": F("code"), "name": F("name"), "kind": F("kind"), "parent_code": F("parent__code")})


def areas_collection() -> Collection:
    return Collection(
        id=AREAS,
        title=str(AREAS_TITLE),
        description=_(
            "Kota Batu, its kecamatan and its desa/kelurahan with their Kemendagri codes (indicative "
            "boundaries from BIG/Kemendagri)."
        ),
        rows=Area.objects.all,
        properties=_area_properties,
        geometry_field="geom",
        ordering=("code",),
        queryables=(
            Queryable("code", STRING, gettext_lazy("Code")),
            Queryable("name", STRING, gettext_lazy("Name")),
            Queryable("kind", STRING, gettext_lazy("Kind"), values=tuple(Area.Kind.values)),
            Queryable("parent_code", STRING, gettext_lazy("Parent area code"), lookup="parent__code"),
        ),
        keywords=["batas wilayah", "boundaries"],
    )


ASSET_FIXED_PROPERTIES = ("external_id", "name", "owner_code", "synthetic")


def _asset_properties() -> Expression:
    return flattened_properties(
        attributes="attributes",
        fixed={
            "external_id": F("external_id"),
            "name": F("name"),
            "owner_code": F("owner__code"),
            "synthetic": JSONTruthy(F("attributes"), "synthetic"),
        },
    )


def asset_layer_collection(layer: AssetLayer) -> Collection:
    name = layer.name_en if english() and layer.name_en else layer.name
    description = _("City asset layer: one feature per %(noun)s, with its owner (agency code) and its attributes.") % {
        "noun": (layer.feature_noun_en if english() and layer.feature_noun_en else layer.feature_noun)
    }
    if layer.is_synthetic:
        description += " " + _("Synthetic demo data, not surveyed.")
    if layer.source:
        description += " " + _("Source: %(source)s.") % {"source": layer.source.rstrip(".")}
    return Collection(
        id=layer.code,
        title=name,
        description=description,
        rows=lambda: Asset.objects.filter(layer_id=layer.pk),
        properties=_asset_properties,
        geometry_field="geom",
        ordering=("external_id",),
        # The fixed properties; the attributes vary from layer to layer and feature to feature.
        queryables=(
            Queryable("external_id", STRING, gettext_lazy("Asset id")),
            Queryable("name", STRING, gettext_lazy("Name")),
            Queryable("owner_code", STRING, gettext_lazy("Agency code"), lookup="owner__code"),
        ),
        keywords=[layer.code],
        leading_properties=ASSET_FIXED_PROPERTIES,
    )


FIXED_COLLECTIONS = {REPORTS: reports_collection, AREAS: areas_collection}


def collection_list() -> list[Collection]:
    """Reports, areas, then the asset layers by code (one query)."""
    layers = AssetLayer.objects.exclude(code__in=FIXED_COLLECTIONS).order_by("code")
    return [build() for build in FIXED_COLLECTIONS.values()] + [asset_layer_collection(layer) for layer in layers]


def collection_by_id(collection_id: str) -> Collection | None:
    """The collection, or None (no query for reports and areas, one for an asset layer)."""
    if collection_id in FIXED_COLLECTIONS:
        return FIXED_COLLECTIONS[collection_id]()
    if not LAYER_CODE.match(collection_id):
        return None  # not a layer code (a slug): answered without the database, which refuses a NUL byte
    layer = AssetLayer.objects.filter(code=collection_id).first()
    return asset_layer_collection(layer) if layer is not None else None
