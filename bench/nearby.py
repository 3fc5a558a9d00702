"""Nearby tickets: a field crew's "top 50 open reports within 2 km of me" through the HTTP API
(gunicorn, token auth, JSON) against the raw SQL query for the same rows, at the same points.

    .venv/bin/python bench/nearby.py [--requests 300]

Points are the locations of random reports (where crews are), shifted up to 300 m. Both sides find
the 50 nearest open reports by walking the partial index of open reports (KNN) and keep those within
2 km; the obvious form (all open reports within 2 km, sorted) reads thousands of rows in the town
centre. Two more sides tell where the API's time goes: `/healthz` through the same server (gunicorn,
HTTP and Django alone) and the ORM's form of the query in this process
(geo_reports.selectors.report_nearby_for_staff, which builds the whole JSON answer in PostgreSQL).
Target (#20): the API's median at most 1.5x the SQL's plus /healthz's (the floor any request through
the same server pays), measured in the same run, and under 20 ms. The API/SQL ratio is printed and
recorded too (`ratio_median`), as earlier records have it.
"""

import argparse
import random

from _setup import ROOT, alternate, app_server, django_setup, summary, table, write

LIMIT = 50
RADIUS_M = 2000
TARGETS = {"ratio_to_sql_and_healthz": 1.5, "median_ms": 20}
SIDES = {"api": "HTTP API (gunicorn)", "sql": "raw SQL", "healthz": "/healthz (gunicorn)", "orm": "ORM in-process"}


def reference_sql() -> str:
    """The API's query by hand, with the app's own tables and open statuses."""
    from districts.models import Agency
    from geo_reports.models import Category, Report
    from geo_reports.models.reports import OPEN_STATUSES

    report = Report._meta.db_table
    open_statuses = ", ".join(f"'{status}'" for status in sorted(OPEN_STATUSES))
    point = "ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), %(srid)s)::geography"
    return f"""
SELECT r.id, r.tracking_code, r.status, c.code, c.name, c.name_en, left(r.description, 300),
       ST_X(r.location), ST_Y(r.location), ST_Distance(r.location::geography, {point}) AS distance_m,
       r.resolve_due, r.version, a.code
FROM {report} r
JOIN {Category._meta.db_table} c ON c.id = r.category_id
LEFT JOIN {Agency._meta.db_table} a ON a.id = r.agency_id
WHERE r.id IN (
        SELECT n.id FROM {report} n
        WHERE n.status IN ({open_statuses})
        ORDER BY n.location::geography <-> {point}
        LIMIT {LIMIT}
    )
  AND ST_DWithin(r.location::geography, {point}, {RADIUS_M})
ORDER BY distance_m
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    # One worker, like the SQL side's one connection (see _setup.app_server).
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers")
    args = parser.parse_args()
    django_setup()

    import httpx
    from django.conf import settings
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from districts.spatial import lonlat_point
    from geo_reports.models import Report
    from geo_reports.selectors import report_nearby_for_staff

    # The token of the database measured (bench/data.py makes it; var/bench/token holds the last one
    # made, perhaps for another database).
    token = Token.objects.filter(user__username="bench-admin").values_list("key", flat=True).first()
    token = token or (ROOT / "var" / "bench" / "token").read_text().strip()
    statement = reference_sql()
    rng = random.Random(args.seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.11)")
        cursor.execute(
            f"SELECT ST_X(location), ST_Y(location) FROM {Report._meta.db_table} TABLESAMPLE SYSTEM (1) LIMIT %s",
            [args.requests],
        )
        points = [(lon + rng.uniform(-0.0027, 0.0027), lat + rng.uniform(-0.0027, 0.0027)) for lon, lat in cursor]
    headers = {"Authorization": f"Token {token}"}
    with app_server(workers=args.workers) as app, httpx.Client(base_url=app.url, headers=headers) as http:
        turn = dict.fromkeys(SIDES, 0)
        state = {"mismatches": 0, "found": 0}
        answers = {}

        def next_point(side):
            point = points[turn[side] % len(points)]
            turn[side] += 1
            return point

        def api():
            lon, lat = next_point("api")
            params = {"lon": lon, "lat": lat, "radius": RADIUS_M, "limit": LIMIT}
            response = http.get("/api/reports/nearby/", params=params)
            response.raise_for_status()
            answers[(lon, lat)] = {row["id"] for row in response.json()["reports"]}

        def sql():
            lon, lat = next_point("sql")
            with connection.cursor() as cursor:
                cursor.execute(statement, {"lon": lon, "lat": lat, "srid": settings.LAPOR_SRID})
                ids = {row[0] for row in cursor.fetchall()}
            state["found"] += len(ids)
            if (lon, lat) in answers and answers[(lon, lat)] != ids:
                state["mismatches"] += 1

        def healthz():
            http.get("/healthz").raise_for_status()

        def orm():
            lon, lat = next_point("orm")
            report_nearby_for_staff(agencies=None, point=lonlat_point(lon, lat), radius_m=RADIUS_M, limit=LIMIT)

        samples = alternate({"api": api, "sql": sql, "healthz": healthz, "orm": orm}, args.requests)
    rows = [{"what": SIDES[side], "side": side, **summary(values)} for side, values in samples.items()]
    medians = {row["side"]: row["median_ms"] for row in rows}
    ratio = medians["api"] / medians["sql"]
    floor_ratio = medians["api"] / (medians["sql"] + medians["healthz"])
    print(f"Nearby: top {LIMIT} open reports within {RADIUS_M} m, {args.requests} points\n")
    print(table(rows, ["what", "n", "median_ms", "p95_ms"]))
    target = TARGETS["ratio_to_sql_and_healthz"]
    print(f"\nratio to SQL + /healthz (median): {floor_ratio:.2f}x (target <= {target}x); to the SQL alone "
          f"{ratio:.2f}x; API median {medians['api']:.1f} ms (target < {TARGETS['median_ms']} ms)")  # fmt: skip
    print(f"mean tickets per answer: {state['found'] / args.requests:.1f}; answers differing: {state['mismatches']}")
    extra = {
        "ratio_median": ratio, "ratio_to_sql_and_healthz": floor_ratio, "mismatches": state["mismatches"],
        "limit": LIMIT, "radius_m": RADIUS_M,
    }  # fmt: skip
    write("nearby", rows, extra, TARGETS)


if __name__ == "__main__":
    main()
