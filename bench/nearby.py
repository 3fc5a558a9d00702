"""Nearby tickets: a field crew's "top 50 open reports within 2 km of me" through the HTTP API
(gunicorn, token auth, JSON) against the raw SQL query for the same rows, at the same points.

    .venv/bin/python bench/nearby.py [--requests 300]

Points are the locations of random reports (where crews are), shifted up to 300 m. Both sides find
the 50 nearest open reports by walking the partial index of open reports (KNN) and keep those within
2 km; the obvious form (all open reports within 2 km, sorted) reads thousands of rows in the town
centre. Target: the API at most 2x the SQL, and a median under 20 ms.
"""

import argparse
import random

from _setup import ROOT, alternate, app_server, django_setup, summary, table, write

SQL = """
SELECT r.id, r.tracking_code, r.status, c.code, c.name, c.name_en, left(r.description, 300),
       ST_X(r.location), ST_Y(r.location),
       ST_Distance(r.location::geography, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography) AS distance_m,
       r.resolve_due, r.version, a.code
FROM geo_reports_report r
JOIN geo_reports_category c ON c.id = r.category_id
LEFT JOIN districts_agency a ON a.id = r.agency_id
WHERE r.id IN (
        SELECT n.id FROM geo_reports_report n
        WHERE n.status IN ('submitted', 'verified', 'in_progress', 'reopened', 'referred')
        ORDER BY n.location::geography <-> ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography
        LIMIT 50
    )
  AND ST_DWithin(r.location::geography, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography, %(radius)s)
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
    from django.db import connection

    token = (ROOT / "var" / "bench" / "token").read_text().strip()
    rng = random.Random(args.seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.11)")
        cursor.execute(
            "SELECT ST_X(location), ST_Y(location) FROM geo_reports_report TABLESAMPLE SYSTEM (1) LIMIT %s",
            [args.requests],
        )
        points = [(lon + rng.uniform(-0.0027, 0.0027), lat + rng.uniform(-0.0027, 0.0027)) for lon, lat in cursor]
    headers = {"Authorization": f"Token {token}"}
    with app_server(workers=args.workers) as app, httpx.Client(base_url=app.url, headers=headers) as http:
        state = {"i": 0, "j": 0, "mismatches": 0, "found": 0}
        answers = {}

        def api():
            lon, lat = points[state["i"] % len(points)]
            state["i"] += 1
            response = http.get("/api/reports/nearby/", params={"lon": lon, "lat": lat, "radius": 2000, "limit": 50})
            response.raise_for_status()
            answers[(lon, lat)] = {row["id"] for row in response.json()["reports"]}

        def sql():
            lon, lat = points[state["j"] % len(points)]
            state["j"] += 1
            with connection.cursor() as cursor:
                cursor.execute(SQL, {"lon": lon, "lat": lat, "radius": 2000})
                ids = {row[0] for row in cursor.fetchall()}
            state["found"] += len(ids)
            if (lon, lat) in answers and answers[(lon, lat)] != ids:
                state["mismatches"] += 1

        samples = alternate({"HTTP API (gunicorn)": api, "raw SQL": sql}, args.requests)
    rows = [{"what": name, **summary(values)} for name, values in samples.items()]
    ratio = rows[0]["median_ms"] / rows[1]["median_ms"]
    print(f"Nearby: top 50 open reports within 2 km, {args.requests} points\n")
    print(table(rows, ["what", "n", "median_ms", "p95_ms"]))
    print(f"\nratio (median): {ratio:.2f}x (target <= 2x); API median {rows[0]['median_ms']:.1f} ms (target < 20 ms)")
    print(f"mean tickets per answer: {state['found'] / args.requests:.1f}; answers differing: {state['mismatches']}")
    write("nearby", rows, {"ratio_median": ratio, "target_ratio": 2.0, "target_median_ms": 20,
                           "mismatches": state["mismatches"]})  # fmt: skip


if __name__ == "__main__":
    main()
