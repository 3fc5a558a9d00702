"""The spatial facts routing needs, gathered in ONE statement: the areas at and near the point, the
asset candidates of the category's layer, the category's active rules, the default and the triage
agency. The ORM would say this as four queries; routing runs for every report and every preview,
so it is said once here, in the one place raw SQL is kept for routing (bench/routing.py holds it to
within 1.5x of the bare statement).

Everything comes back as model instances built from the rows (no further queries), so the routing
function reads like ORM code.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import connection

from districts.models import Agency, Area, Asset, AssetLayer
from districts.spatial import degrees_for_metres

from .models import Category, RoutingRule

STATEMENT = """
WITH input AS (
    SELECT ST_GeomFromEWKB(%(geometry)s) AS g, ST_GeomFromEWKB(%(point)s) AS p
),
areas AS (
    SELECT a.id, a.kind, a.code, a.name, a.parent_id,
           ST_Distance(a.geom::geography, input.p::geography) AS distance_m,
           ST_Intersects(a.geom, input.g) AS touches,
           ST_Covers(a.geom, input.g) AS covers
    FROM districts_area a, input
    WHERE ST_DWithin(a.geom, input.g, %(degrees)s)
),
candidates AS (
    SELECT s.id, s.external_id, s.attributes, s.owner_id,
           ST_Distance(s.geom::geography, input.p::geography) AS distance_m,
           CASE WHEN %(measure)s = 'length' THEN
                    ST_Length(ST_Intersection(s.geom, ST_Buffer(input.g::geography, %(snap)s)::geometry)::geography)
                WHEN %(measure)s = 'area' THEN
                    ST_Area(ST_Intersection(s.geom, ST_Buffer(input.g::geography, %(snap)s)::geometry)::geography)
           END AS overlap
    FROM districts_asset s, input
    WHERE s.layer_id = %(layer)s AND ST_DWithin(s.geom::geography, input.g::geography, %(snap)s)
    ORDER BY CASE WHEN %(measure)s = 'nearest' THEN s.geom::geography <-> input.p::geography END,
             overlap DESC NULLS LAST
    LIMIT %(limit)s
),
rules AS (
    SELECT r.id, r.area_id, r.asset_attribute, r.asset_value, r.agency_id, r.priority, r.note
    FROM geo_reports_routingrule r
    WHERE r.category_id = %(category)s AND r.is_active
      AND (r.area_id IS NULL OR r.area_id IN (SELECT id FROM areas WHERE distance_m = 0))
),
agencies AS (
    SELECT g.*  -- whole rows: the agency chosen travels on to delivery (send_method, email, endpoint)
    FROM districts_agency g
    WHERE g.id IN (SELECT owner_id FROM candidates)
       OR g.id IN (SELECT agency_id FROM rules)
       OR g.id = %(default_agency)s
       OR (g.handles_triage AND g.is_active)
)
SELECT
    (SELECT coalesce(json_agg(areas ORDER BY code), '[]') FROM areas),
    (SELECT coalesce(json_agg(candidates), '[]') FROM candidates),
    (SELECT coalesce(json_agg(rules), '[]') FROM rules),
    (SELECT coalesce(json_agg(agencies), '[]') FROM agencies),
    (SELECT CASE WHEN GeometryType(g) = 'POLYGON' THEN ST_Area(g::geography)
                 WHEN GeometryType(g) = 'LINESTRING' THEN ST_Length(g::geography) END FROM input)
"""

ASSET_CANDIDATES = 8


@dataclass
class SpatialFacts:
    areas: list[Area]  # each with .distance_m, .touches, .covers
    candidates: list[Asset]  # each with .distance_m, .overlap; .owner and .layer set
    rules: list[RoutingRule]  # .agency and .area set
    agencies: dict[int, Agency]
    size: float | None  # metres (line) or square metres (polygon)

    def triage_agency(self) -> Agency | None:
        return next((a for a in self.agencies.values() if a.handles_triage and a.is_active), None)


def _instance(model, row: dict, **extra):
    fields = {f.attname for f in model._meta.concrete_fields}
    instance = model(**{k: v for k, v in row.items() if k in fields})
    instance._state.adding = False
    for name, value in {**{k: v for k, v in row.items() if k not in fields}, **extra}.items():
        setattr(instance, name, value)
    return instance


def spatial_facts(*, category: Category, geometry: GEOSGeometry, point: Point) -> SpatialFacts:
    layer: AssetLayer | None = category.asset_layer
    if layer is None:
        measure = "none"
    elif geometry.geom_type == "Point" or layer.geometry_type == AssetLayer.GeometryType.POINT:
        measure = "nearest"
    else:
        measure = "area" if layer.geometry_type == AssetLayer.GeometryType.POLYGON else "length"
    params = {
        "geometry": bytes(geometry.ewkb),
        "point": bytes(point.ewkb),
        "degrees": degrees_for_metres(settings.LAPOR_BOUNDARY_TOLERANCE_M, point.y) * 1.5,
        "layer": layer.pk if layer else 0,
        "snap": float(category.snap_distance_m or 0),
        "measure": measure,
        "limit": ASSET_CANDIDATES if layer else 0,
        "category": category.pk,
        "default_agency": category.default_agency_id or 0,
    }
    with connection.cursor() as cursor:
        cursor.execute(STATEMENT, params)
        areas_rows, candidate_rows, rule_rows, agency_rows, size = cursor.fetchone()

    agencies = {row["id"]: _instance(Agency, row) for row in agency_rows}
    areas = [_instance(Area, row) for row in areas_rows]
    by_id = {area.pk: area for area in areas}
    candidates = [
        _instance(Asset, row, layer_id=layer.pk, layer=layer, owner=agencies[row["owner_id"]]) for row in candidate_rows
    ]
    rules = [
        _instance(
            RoutingRule,
            row,
            category_id=category.pk,
            category=category,
            agency=agencies[row["agency_id"]],
            area=by_id.get(row["area_id"]),
        )
        for row in rule_rows
    ]
    return SpatialFacts(areas=areas, candidates=candidates, rules=rules, agencies=agencies, size=size)
