"""Map tiles: a vector tile of public reports at zoom 12 to 16 over central Batu, through the app
(gunicorn), through tipg (the same rows, as a view) and by the app's ST_AsMVT SQL written by hand;
for comparison, the same cells counted from the reports instead of the kept counts.

    .venv/bin/python bench/tiles.py [--rounds 20]

For each zoom, the 3x3 tiles around the alun-alun, each fetched `rounds` times, taking turns, in
two passes: the app against the SQL, then the app against tipg. The
app sends counts per cell of its grid (8 x 8 a tile) where a tile holds over 300 reports, as all
of these do at a million; tipg sends one point per report, at most TIPG_MAX_FEATURES_PER_TILE
(10,000 by default), so its tiles are cut short: the table gives each side's features and bytes.
Target: the app no slower than tipg and at most 1.5x the raw SQL.
"""

import argparse
import math

from _setup import VIEW, alternate, app_server, django_setup, mvt_features, summary, table, tipg_server, write

CENTRE = (112.5283, -7.8713)  # alun-alun Kota Batu
ZOOMS = range(12, 17)

# The app's tiles written out by hand. Central Batu holds more than 300 reports per tile at these
# zooms, so the app sends cells: 8 x 8 per tile, added up from the counts kept per cell (MapCell).
RAW_KEPT = """
SELECT ST_AsMVT(t, 'reports', 4096, 'geom') FROM (
    SELECT count, open, in_progress, resolved, dismissed,
           CASE greatest(coalesce(open, 0), coalesce(in_progress, 0), coalesce(resolved, 0), coalesce(dismissed, 0))
               WHEN open THEN 'open' WHEN in_progress THEN 'in_progress' WHEN resolved THEN 'resolved'
               ELSE 'dismissed' END AS "group",
           ST_AsMVTGeom(ST_Point(sx / count, sy / count, 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s), 4096, 512, true)
               AS geom
    FROM (
        SELECT sum(n) AS count,
               sum(n) FILTER (WHERE status IN ('submitted', 'verified', 'reopened', 'referred')) AS open,
               sum(n) FILTER (WHERE status = 'in_progress') AS in_progress,
               sum(n) FILTER (WHERE status IN ('resolved', 'closed')) AS resolved,
               sum(n) FILTER (WHERE status IN ('rejected', 'duplicate')) AS dismissed,
               sum(sx) AS sx, sum(sy) AS sy
        FROM geo_reports_mapcell m JOIN geo_reports_category c ON c.id = m.category_id
        WHERE c.is_public AND m.z = %(z)s
          AND m.cx BETWEEN %(x)s * 8 - 1 AND %(x)s * 8 + 8 AND m.cy BETWEEN %(y)s * 8 - 1 AND %(y)s * 8 + 8
        GROUP BY m.cx, m.cy
    ) cells
) t WHERE geom IS NOT NULL
"""
# The same cells counted from the reports themselves: what every tile would cost without the
# kept counts (shown for comparison, not a target).
RAW_REPORTS = """
SELECT ST_AsMVT(t, 'reports', 4096, 'geom') FROM (
    SELECT count(*) AS count,
           ST_AsMVTGeom(ST_Point(avg(x), avg(y), 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s), 4096, 512, true) AS geom
    FROM (
        SELECT ST_X(g) AS x, ST_Y(g) AS y FROM (
            SELECT ST_Transform(r.location, 3857) AS g
            FROM geo_reports_report r JOIN geo_reports_category c ON c.id = r.category_id
            WHERE c.is_public
              AND r.location && ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => 512.0 / 4096), 4326)
        ) p
    ) s
    GROUP BY floor(x / %(cell)s), floor(y / %(cell)s)
) t WHERE geom IS NOT NULL
"""


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def measure_zoom(z: int, *, app, tipg, http, rounds: int) -> dict:
    """Medians of the three sides over the 3x3 tiles around the centre at zoom `z`."""
    from django.db import connection

    from geo_reports.tiles import WEB_MERCATOR_HALF

    cx, cy = tile_of(*CENTRE, z)
    tiles = [(z, cx + dx, cy + dy) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    cell = 2 * WEB_MERCATOR_HALF / 2**z / 8
    turn = {"app": 0, "tipg": 0, "sql": 0, "reports": 0}

    def next_tile(side):
        tile = tiles[turn[side] % len(tiles)]
        turn[side] += 1
        return tile

    def get(url: str) -> bytes:
        response = http.get(url)
        response.raise_for_status()
        return response.content

    def raw(side: str, statement: str):
        def call() -> bytes:
            tz, tx, ty = next_tile(side)
            with connection.cursor() as cursor:
                cursor.execute(statement, {"z": tz, "x": tx, "y": ty, "cell": cell})
                return bytes(cursor.fetchone()[0] or b"")

        return call

    sides = {
        "app": lambda: get("{}/api/tiles/reports/{}/{}/{}.pbf".format(app.url, *next_tile("app"))),
        "tipg": lambda: get(
            "{}/collections/public.{}/tiles/WebMercatorQuad/{}/{}/{}".format(tipg.url, VIEW, *next_tile("tipg"))
        ),
        "sql": raw("sql", RAW_KEPT),
        "reports": raw("reports", RAW_REPORTS),
    }
    # What each side sends for the centre tile: features, reports they stand for, bytes.
    contents = {}
    for side, fn in sides.items():
        turn[side] = 4  # the centre of the 3x3
        body = fn()
        contents[side] = (*mvt_features(body, z, cx, cy), len(body))
        turn[side] = 0
    # Two passes, each taking turns between the sides it compares: the app against its SQL, then
    # the app against tipg (and the count from the reports). Put in one turn, the 100-300 ms
    # requests of tipg and of the count evict what the app's next 3-20 ms request finds warm.
    versus_sql = alternate({side: sides[side] for side in ("app", "sql")}, rounds * len(tiles))
    versus_tipg = alternate({side: sides[side] for side in ("app", "tipg", "reports")}, rounds * len(tiles))
    medians = {side: summary(values)["median_ms"] for side, values in versus_sql.items()}
    tipg_pass = {side: summary(values)["median_ms"] for side, values in versus_tipg.items()}
    return {
        "zoom": z,
        "app_ms": medians["app"],
        "tipg_ms": tipg_pass["tipg"],
        "sql_ms": medians["sql"],
        "app/tipg": tipg_pass["app"] / tipg_pass["tipg"],
        "app/sql": medians["app"] / medians["sql"],
        "app_beside_tipg_ms": tipg_pass["app"],
        "from_reports_ms": tipg_pass["reports"],
        "app_features": contents["app"][0],
        "app_reports": contents["app"][1],
        "tipg_features": contents["tipg"][0],
        "app_kb": contents["app"][2] / 1024,
        "tipg_kb": contents["tipg"][2] / 1024,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    # One worker, like the SQL side's one connection (see _setup.app_server).
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers")
    args = parser.parse_args()
    django_setup()

    import httpx

    rows = []
    with app_server(workers=args.workers) as app, tipg_server() as tipg, httpx.Client(timeout=120) as http:
        for z in ZOOMS:
            rows.append(measure_zoom(z, app=app, tipg=tipg, http=http, rounds=args.rounds))
            print(f"  zoom {z}: app {rows[-1]['app_ms']:.1f} ms, tipg {rows[-1]['tipg_ms']:.1f} ms", flush=True)
    columns = ["zoom", "app_ms", "tipg_ms", "sql_ms", "app/tipg", "app/sql", "from_reports_ms",
               "app_features", "app_reports", "tipg_features", "app_kb", "tipg_kb"]  # fmt: skip
    print("\nTiles over central Batu (3x3 tiles per zoom; medians)\n")
    print(table(rows, columns))
    print("\ntargets: app/tipg <= 1.0, app/sql <= 1.5")
    write("tiles", rows, {"target_vs_tipg": 1.0, "target_vs_sql": 1.5})


if __name__ == "__main__":
    main()
