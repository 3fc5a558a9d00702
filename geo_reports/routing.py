"""Routing: where a report goes, and why. One function over data, used at creation, on preview and
on every re-route; it reads and never writes.

    1. the geometry must be of a type the category allows, not too large, and touch Kota Batu;
    2. areas: the desa/kelurahan and kecamatan containing the representative point;
    3. for a category with an asset layer: the nearest asset within the snap distance (a line or
       polygon takes the asset it overlaps most); a rule with a matching asset condition, else the
       asset's owner, is the agency;
    4. otherwise the most specific routing rule, then the category's default agency, then triage;
    5. flags, alternatives kept: near another desa; assets of different owners at nearly the same
       distance; no asset in reach;
    6. the decision as data and as one sentence in Indonesian and in English.
"""

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, Point
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import ApplicationError
from common.geojson import representative_point
from districts.models import Agency, Area, Asset
from districts.selectors import swapped_coordinates_hint

from .models import Category, RoutingRule
from .routing_sql import spatial_facts

# Why a report went where it went (RoutingDecision.reason), and what may be flagged for staff to check.
REASONS = ("asset", "asset_rule", "rule", "default", "triage", "unrouted", "referred")
FLAGS = (
    "near_area_boundary",
    "asset_owner_ambiguous",
    "no_asset_in_reach",
    "partly_outside_city",
    "location_from_photo",
)


class RoutingError(ApplicationError):
    """The report cannot be routed as sent: a message for the citizen about its place."""

    default_field = "geometry"

    def __init__(self, message, code: str):
        super().__init__(message, code=code)


@dataclass
class AssetCandidate:
    asset: Asset
    distance_m: float
    overlap: float | None = None

    def as_data(self) -> dict:
        return {
            "layer": self.asset.layer.code,
            "external_id": self.asset.external_id,
            "owner": self.asset.owner.code,
            "owner_name": self.asset.owner.name,
            "distance_m": round(self.distance_m, 1),
        }


@dataclass
class RoutingDecision:
    category: Category
    geometry: GEOSGeometry
    point: Point
    agency: Agency | None = None
    reason: str = "unrouted"  # one of REASONS
    desa: Area | None = None
    kecamatan: Area | None = None
    asset: Asset | None = None
    distance_m: float | None = None
    rule: RoutingRule | None = None
    flags: list[str] = field(default_factory=list)
    nearby_areas: list[dict] = field(default_factory=list)
    asset_alternatives: list[dict] = field(default_factory=list)
    explanation: str = ""
    explanation_en: str = ""

    def as_data(self) -> dict:
        """The decision as stored on the report and returned by the API."""
        rule = None
        if self.rule is not None:
            rule = {
                "id": self.rule.pk,
                "area": self.rule.area.code if self.rule.area_id else None,
                "asset_condition": (
                    {self.rule.asset_attribute: self.rule.asset_value} if self.rule.has_asset_condition else None
                ),
                "priority": self.rule.priority,
                "note": self.rule.note,
            }
        layer = self.category.asset_layer
        return {
            "reason": self.reason,
            "agency": self.agency.code if self.agency else None,
            "areas": {
                "desa": _area_data(self.desa),
                "kecamatan": _area_data(self.kecamatan),
            },
            "layer": layer.code if layer else None,
            "snap_distance_m": self.category.snap_distance_m if layer else None,
            "asset": self.asset.external_id if self.asset else None,
            "distance_m": round(self.distance_m, 1) if self.distance_m is not None else None,
            "rule": rule,
            "flags": self.flags,
            "alternatives": {"areas": self.nearby_areas, "assets": self.asset_alternatives},
        }


def _area_data(area: Area | None) -> dict | None:
    return {"code": area.code, "name": area.name, "kind": area.kind} if area else None


# --- step 1: is this a geometry we can take? --------------------------------------------------


def _check_geometry_kind(category: Category, geometry: GEOSGeometry) -> None:
    if geometry.geom_type not in category.geometry_kinds:
        names = {"Point": _("a point"), "LineString": _("a line"), "Polygon": _("an area")}
        allowed = ", ".join(str(names[k]) for k in category.geometry_kinds)
        raise RoutingError(
            _("The category %(category)s accepts only %(allowed)s, not %(sent)s.")
            % {
                "category": category.label,
                "allowed": allowed,
                "sent": names.get(geometry.geom_type, geometry.geom_type),
            },
            "geometry_type_not_allowed",
        )


# --- step 3: assets ---------------------------------------------------------------------------


def _ranked_candidates(assets: list[Asset]) -> list[AssetCandidate]:
    candidates = [AssetCandidate(a, a.distance_m, a.overlap) for a in assets]
    if any(c.overlap is not None for c in candidates):
        # A line or an area: the asset it overlaps most, then the nearest.
        candidates.sort(key=lambda c: (-(c.overlap or 0), c.distance_m, c.asset.external_id))
    else:
        candidates.sort(key=lambda c: (c.distance_m, c.asset.external_id))
    return candidates


def _is_tie(best: AssetCandidate, other: AssetCandidate) -> bool:
    if best.overlap is not None:
        return other.overlap is not None and abs(best.overlap - other.overlap) <= max(1.0, 0.1 * best.overlap)
    return other.distance_m - best.distance_m <= settings.LAPOR_ASSET_TIE_M


# --- step 4: rules ----------------------------------------------------------------------------


def _specificity(rule: RoutingRule) -> tuple:
    area_level = Area.KIND_LEVEL[rule.area.kind] if rule.area_id else -1
    return (1 if rule.has_asset_condition else 0, area_level, rule.priority, -rule.pk)


def _best_rule(rules: list[RoutingRule], area_ids: set[int], asset: Asset | None, with_asset: bool):
    matching = [
        rule
        for rule in rules
        if (rule.area_id is None or rule.area_id in area_ids)
        and rule.has_asset_condition == with_asset
        and (not with_asset or (asset is not None and rule.matches_asset(asset.attributes)))
    ]
    return max(matching, key=_specificity, default=None)


# --- the function -----------------------------------------------------------------------------


def route(*, category: Category, geometry: GEOSGeometry) -> RoutingDecision:
    _check_geometry_kind(category, geometry)
    _check_extent(geometry)
    point = representative_point(geometry)
    facts = spatial_facts(category=category, geometry=geometry, point=point)
    city = next((a for a in facts.areas if a.code == settings.LAPOR_CITY_CODE and a.touches), None)
    if city is None:
        raise _outside_city_error(geometry)
    if geometry.geom_type != "Point":
        _check_size(geometry, facts.size)

    containing = [a for a in facts.areas if a.distance_m == 0]
    if not any(a.kind in Area.LOCAL_KINDS for a in containing):
        # A line or area reaching outside the city whose own point fell outside: use a point inside.
        inside = geometry.intersection(Area.objects.only("geom").get(pk=city.pk).geom)
        point = representative_point(inside)
        point = Point(point.x, point.y, srid=geometry.srid)
        facts = spatial_facts(category=category, geometry=geometry, point=point)
        containing = [a for a in facts.areas if a.distance_m == 0]
    decision = RoutingDecision(category=category, geometry=geometry, point=point)
    decision.desa = next((a for a in containing if a.kind in Area.LOCAL_KINDS), None)
    decision.kecamatan = next((a for a in containing if a.kind == Area.Kind.KECAMATAN), None)
    if not city.covers:
        decision.flags.append("partly_outside_city")

    neighbours = [
        a
        for a in facts.areas
        if a.kind in Area.LOCAL_KINDS and a != decision.desa and a.distance_m <= settings.LAPOR_BOUNDARY_TOLERANCE_M
    ]
    if neighbours and geometry.geom_type == "Point":
        decision.flags.append("near_area_boundary")
        decision.nearby_areas = [
            {"code": a.code, "name": a.name, "kind": a.kind, "distance_m": round(a.distance_m, 1)} for a in neighbours
        ]

    area_ids = {a.pk for a in containing}
    if category.asset_layer_id is not None:
        candidates = _ranked_candidates(facts.candidates)
        if candidates:
            best = candidates[0]
            decision.asset, decision.distance_m = best.asset, best.distance_m
            decision.asset_alternatives = [c.as_data() for c in candidates[1:5]]
            if any(c.asset.owner_id != best.asset.owner_id and _is_tie(best, c) for c in candidates[1:]):
                decision.flags.append("asset_owner_ambiguous")
            rule = _best_rule(facts.rules, area_ids, best.asset, with_asset=True)
            if rule is not None:
                decision.agency, decision.rule, decision.reason = rule.agency, rule, "asset_rule"
            else:
                decision.agency, decision.reason = best.asset.owner, "asset"
        else:
            decision.flags.append("no_asset_in_reach")

    if decision.agency is None:
        rule = _best_rule(facts.rules, area_ids, None, with_asset=False)
        default = facts.agencies.get(category.default_agency_id)
        if rule is not None:
            decision.agency, decision.rule, decision.reason = rule.agency, rule, "rule"
        elif default is not None and default.is_active:
            decision.agency, decision.reason = default, "default"
        else:
            triage = facts.triage_agency()
            if triage is not None:
                decision.agency, decision.reason = triage, "triage"
    explain(decision)
    return decision


def _check_extent(geometry: GEOSGeometry) -> None:
    """Refuse, before any metric work, a shape spanning more than a degree: far beyond the size
    limits, and beyond what a geography calculation takes (a half-world polygon fails in PostGIS).
    The size said is a rough one from the box, enough to show how far off it is."""
    if geometry.geom_type == "Point":
        return
    min_x, min_y, max_x, max_y = geometry.extent
    if max(max_x - min_x, max_y - min_y) <= 1.0:
        return
    metres_per_degree = 111_320.0
    width = (max_x - min_x) * metres_per_degree * math.cos(math.radians((min_y + max_y) / 2))
    height = (max_y - min_y) * metres_per_degree
    rough = width * height if geometry.geom_type == "Polygon" else math.hypot(width, height)
    _check_size(geometry, max(rough, 1e9))


def _check_size(geometry: GEOSGeometry, size: float) -> None:
    if geometry.geom_type == "Polygon" and size > settings.LAPOR_MAX_REPORT_AREA_KM2 * 1e6:
        raise RoutingError(
            _("The area drawn is too large (%(size).1f km²); draw at most %(max).0f km² around the problem.")
            % {"size": size / 1e6, "max": settings.LAPOR_MAX_REPORT_AREA_KM2},
            "geometry_too_large",
        )
    if geometry.geom_type == "LineString" and size > settings.LAPOR_MAX_REPORT_LENGTH_KM * 1000:
        raise RoutingError(
            _("The line drawn is too long (%(size).1f km); draw at most %(max).0f km.")
            % {"size": size / 1000, "max": settings.LAPOR_MAX_REPORT_LENGTH_KM},
            "geometry_too_long",
        )


def _outside_city_error(geometry: GEOSGeometry) -> RoutingError:
    if geometry.geom_type == "Point" and -90 <= geometry.x <= 90:
        hint = swapped_coordinates_hint(Point(geometry.y, geometry.x, srid=geometry.srid))
        if hint is not None:
            return RoutingError(hint, "outside_city_swapped")
    return RoutingError(_("The location is outside Kota Batu."), "outside_city")


# --- step 6: the sentence ---------------------------------------------------------------------

SENTENCES = {
    "asset": gettext_lazy("Routed to %(agency)s: %(noun)s %(asset)s is %(distance)s m away; %(place)s."),
    "asset_rule": gettext_lazy(
        "Routed to %(agency)s by a routing rule for %(noun)s %(asset)s, %(distance)s m away; %(place)s."
    ),
    "rule_area": gettext_lazy("Routed to %(agency)s, which handles %(category)s in %(area)s; %(place)s."),
    "rule": gettext_lazy("Routed to %(agency)s by the routing rule for %(category)s; %(place)s."),
    "default": gettext_lazy("Routed to %(agency)s, which handles %(category)s; %(place)s."),
    "triage": gettext_lazy("Routed to %(agency)s to be sorted (triage): no asset or rule matched; %(place)s."),
    "unrouted": gettext_lazy("No agency could be chosen yet; %(place)s."),
    "referred": gettext_lazy("Referred to %(agency)s by %(previous)s; %(place)s."),
}


def _sentence(decision: RoutingDecision, previous: Agency | None = None) -> str:
    place = ", ".join(a.label for a in (decision.desa, decision.kecamatan) if a) or "Kota Batu"
    layer = decision.category.asset_layer
    noun = (layer.feature_noun_en if translation.get_language() == "en" else layer.feature_noun) if layer else ""
    noun = noun or (layer.feature_noun if layer else "")
    distance = decision.distance_m
    values = {
        "agency": decision.agency.name if decision.agency else "",
        "previous": previous.name if previous else "",
        "noun": noun,
        "asset": decision.asset.external_id if decision.asset else "",
        "distance": "< 1" if distance is not None and distance < 1 else f"{distance:.0f}" if distance else "",
        "category": decision.category.label,
        "area": decision.rule.area.label if decision.rule and decision.rule.area_id else "",
        "place": place,
    }
    key = decision.reason
    if key == "rule" and decision.rule.area_id:
        key = "rule_area"
    sentence = str(SENTENCES[key]) % values
    if "no_asset_in_reach" in decision.flags and layer is not None:
        sentence = (
            sentence[:-1]
            + " "
            + _("(no %(noun)s within %(snap)s m).")
            % {
                "noun": noun,
                "snap": decision.category.snap_distance_m,
            }
        )
    return sentence


def explain(decision: RoutingDecision, previous: Agency | None = None) -> RoutingDecision:
    with translation.override("id"):
        decision.explanation = _sentence(decision, previous)
    with translation.override("en"):
        decision.explanation_en = _sentence(decision, previous)
    return decision
