"""Routing benchmark: geo_reports.routing.route() against one hand-written SQL statement doing the
same joins (areas containing and near the point, asset KNN within the snap distance, rules, default
and triage agency), on the same database, for the same random points inside Kota Batu.

    .venv/bin/python bench/routing.py [--points 10000]

Calls alternate (function, SQL, function, SQL...) so both see the same machine state. Prints a table
and writes bench/results/routing.json. Target: the function costs at most ROUTING_TARGET times the SQL
per report.
"""

import argparse
import random

from _setup import django_setup, summary, table, timed, write

ROUTING_TARGET = 1.5  # the function at most this many times the bare statement's time


def reference_sql() -> str:
    """The joins of geo_reports.routing_sql by hand, with the app's own tables and candidate limit."""
    from districts.models import Agency, Area, Asset
    from geo_reports.models import Category, RoutingRule
    from geo_reports.routing_sql import ASSET_CANDIDATES

    return f"""
WITH p AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), %(srid)s) AS g),
areas AS (
    SELECT a.id, a.kind, a.code, a.parent_id,
           ST_Distance(a.geom::geography, p.g::geography) AS distance_m
    FROM {Area._meta.db_table} a, p
    WHERE ST_DWithin(a.geom, p.g, %(degrees)s)
),
assets AS (
    SELECT s.id, s.external_id, s.owner_id, s.attributes,
           ST_Distance(s.geom::geography, p.g::geography) AS distance_m
    FROM {Asset._meta.db_table} s, p
    WHERE s.layer_id = %(layer)s AND ST_DWithin(s.geom::geography, p.g::geography, %(snap)s)
    ORDER BY s.geom::geography <-> p.g::geography
    LIMIT {ASSET_CANDIDATES}
),
rules AS (
    SELECT r.id, r.agency_id, r.area_id, r.asset_attribute, r.asset_value, r.priority
    FROM {RoutingRule._meta.db_table} r
    WHERE r.category_id = %(category)s AND r.is_active
      AND (r.area_id IS NULL OR r.area_id IN (SELECT id FROM areas WHERE distance_m = 0))
)
SELECT
    (SELECT json_agg(areas) FROM areas),
    (SELECT json_agg(assets) FROM assets),
    (SELECT json_agg(rules) FROM rules),
    (SELECT default_agency_id FROM {Category._meta.db_table} WHERE id = %(category)s),
    (SELECT id FROM {Agency._meta.db_table} WHERE handles_triage AND is_active LIMIT 1)
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    django_setup()

    import shapely
    from django.conf import settings
    from django.contrib.gis.geos import Point
    from django.db import connection

    from districts.models import Area
    from districts.services.geometry import to_shapely
    from districts.spatial import degrees_for_metres
    from geo_reports.models import Category
    from geo_reports.routing import route

    city = to_shapely(Area.objects.get(code=settings.LAPOR_CITY_CODE).geom)
    rng = random.Random(args.seed)
    min_x, min_y, max_x, max_y = city.bounds
    points = []
    while len(points) < args.points:
        candidate = shapely.Point(rng.uniform(min_x, max_x), rng.uniform(min_y, max_y))
        if city.contains(candidate):
            points.append((candidate.x, candidate.y))
    categories = {c.code: c for c in Category.objects.select_related("asset_layer", "default_agency")}
    mix = ["pju-mati", "pju-mati", "jalan-rusak", "sampah"]  # half snap to lights, a quarter to roads

    statement = reference_sql()
    function_times, sql_times, mismatches = [], [], 0
    with connection.cursor() as cursor:
        for index, (lon, lat) in enumerate(points):
            category = categories[mix[index % len(mix)]]
            geometry = Point(lon, lat, srid=settings.LAPOR_SRID)
            params = {
                "lon": lon,
                "lat": lat,
                "srid": settings.LAPOR_SRID,
                # The margin spatial_facts (geo_reports.routing_sql) searches areas within; it writes
                # the factor inline, so it is repeated here.
                "degrees": degrees_for_metres(settings.LAPOR_BOUNDARY_TOLERANCE_M, lat) * 1.5,
                "layer": category.asset_layer_id or 0,
                "snap": category.snap_distance_m or 0,
                "category": category.pk,
            }
            elapsed, decision = timed(route, category=category, geometry=geometry)
            function_times.append(elapsed)
            elapsed, row = timed(lambda p=params: (cursor.execute(statement, p), cursor.fetchone())[1])
            sql_times.append(elapsed)
            desa_sql = {a["id"] for a in row[0] or [] if a["kind"] in Area.LOCAL_KINDS and a["distance_m"] == 0}
            if decision.desa is None or decision.desa.pk not in desa_sql:
                mismatches += 1

    fn, sql = summary(function_times), summary(sql_times)
    rows = [
        {"what": "route()", **fn},
        {"what": "one SQL statement", **sql},
    ]
    ratio_median = fn["median_ms"] / sql["median_ms"]
    ratio_total = fn["total_s"] / sql["total_s"]
    print(f"Routing {args.points} random points inside Kota Batu (mix: {', '.join(mix)})\n")
    print(table(rows, ["what", "n", "median_ms", "p95_ms", "total_s"]))
    print(f"\nratio (median per report): {ratio_median:.2f}x   ratio (total): {ratio_total:.2f}x   "
          f"target <= {ROUTING_TARGET}x")  # fmt: skip
    print(f"desa disagreements between the two: {mismatches}")
    write(
        "routing",
        rows,
        {"ratio_median": ratio_median, "ratio_total": ratio_total, "mismatches": mismatches},
        {"ratio": ROUTING_TARGET},
    )


if __name__ == "__main__":
    main()
