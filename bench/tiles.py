"""Map tiles: a vector tile of public reports over central Batu, from zoom 12 to the last zoom whose
cell counts are kept (maps.models.MAP_CELL_ZOOMS), through the app (gunicorn), through tipg (the same
rows, as a view) and by the app's ST_AsMVT SQL written by hand; for comparison, the same cells
counted from the reports instead of the kept counts.

    .venv/bin/python bench/tiles.py [--rounds 20]

For each zoom, the 3x3 tiles around the alun-alun, each fetched `rounds` times, taking turns, in
two passes: the app against the SQL, then the app against tipg. The app keeps rendered tiles
(maps.tile_cache): its "cold" side asks for a tile whose kept copy was removed just before (untimed),
so it renders (and keeps) it as a first request does; its "hit" side asks for the tile the cold side
has just kept, as every later request does until a write changes the tile; a second app server with
the cache turned off (LAPOR_TILE_CACHE_MAX_TILES=0) shows what a cold tile cost before. Target for
hits: no slower than the raw SQL. The app sends counts per cell of
its grid (maps.models.CELL_ZOOM_OFFSET) where a tile holds over maps.tiles.POINTS_UP_TO reports, as
all of these do at a million; tipg sends one point per report, at most TIPG_MAX_FEATURES_PER_TILE
(10,000 by default), so its tiles are cut short: the table gives each side's features and bytes.
Target: the app no slower than tipg and at most 1.5x the raw SQL.
"""

import argparse
import math
import time

from _setup import VIEW, app_server, django_setup, mvt_features, summary, table, tipg_server, write

CENTRE = (112.5283, -7.8713)  # alun-alun Kota Batu
FIRST_ZOOM = 12  # the whole city in about one tile
TARGETS = {"vs_tipg": 1.0, "vs_sql": 1.5, "hit_vs_sql": 1.0}


def taking_turns(sides: dict, repeat: int) -> dict[str, list[float]]:
    """Like _setup.alternate, for sides given as (prepare, call): `prepare()` runs untimed right before
    each timed `call()` (the cold side removes the tile's kept copy there). One untimed round first."""
    for prepare, call in sides.values():
        prepare()
        call()
    samples: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(repeat):
        for name, (prepare, call) in sides.items():
            prepare()
            start = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - start)
    return samples


def nothing() -> None:
    pass


def forget(layers: list[str], tile: tuple[int, int, int]) -> None:
    """Remove the kept copies of a tile (any filters): the next request renders it."""
    from django.db import connection

    from maps.models import CachedTile

    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {CachedTile._meta.db_table} WHERE layer = ANY(%s) AND z = %s AND x = %s AND y = %s",
            [layers, *tile],
        )


def zooms() -> range:
    """From the city's zoom to the last one whose cells are kept counted (the hand-written SQL reads them)."""
    from maps.models import MAP_CELL_ZOOMS

    return range(FIRST_ZOOM, MAP_CELL_ZOOMS[-1] + 1)


def reference_sql() -> tuple[str, str]:
    """The app's tiles written out by hand, with its own layer, extent, buffer, grid, status groups
    and tables: cells added up from the counts kept per cell (MapCell), and, for comparison, the same
    cells counted from the reports themselves (what every tile would cost without the kept counts)."""
    from geo_reports.models import Category, Report
    from geo_reports.workflow import MAP_GROUPS
    from maps.models import CELL_ZOOM_OFFSET, MapCell
    from maps.tiles import BUFFER, EXTENT, LAYER

    cells = 2**CELL_ZOOM_OFFSET  # per tile side
    category = Category._meta.db_table

    def statuses(group: str) -> str:
        return ", ".join(f"'{status}'" for status in MAP_GROUPS[group])

    kept = f"""
SELECT ST_AsMVT(t, '{LAYER}', {EXTENT}, 'geom') FROM (
    SELECT count, open, in_progress, resolved, dismissed,
           CASE greatest(coalesce(open, 0), coalesce(in_progress, 0), coalesce(resolved, 0), coalesce(dismissed, 0))
               WHEN open THEN 'open' WHEN in_progress THEN 'in_progress' WHEN resolved THEN 'resolved'
               ELSE 'dismissed' END AS "group",
           ST_AsMVTGeom(ST_Point(sx / count, sy / count, 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s), {EXTENT},
                        {BUFFER}, true) AS geom
    FROM (
        SELECT sum(n) AS count,
               sum(n) FILTER (WHERE status IN ({statuses("open")})) AS open,
               sum(n) FILTER (WHERE status IN ({statuses("in_progress")})) AS in_progress,
               sum(n) FILTER (WHERE status IN ({statuses("resolved")})) AS resolved,
               sum(n) FILTER (WHERE status IN ({statuses("dismissed")})) AS dismissed,
               sum(sx) AS sx, sum(sy) AS sy
        FROM {MapCell._meta.db_table} m JOIN {category} c ON c.id = m.category_id
        WHERE c.is_public AND m.z = %(z)s
          AND m.cx BETWEEN %(x)s * {cells} - 1 AND %(x)s * {cells} + {cells}
          AND m.cy BETWEEN %(y)s * {cells} - 1 AND %(y)s * {cells} + {cells}
        GROUP BY m.cx, m.cy
    ) cells
) t WHERE geom IS NOT NULL
"""
    from_reports = f"""
SELECT ST_AsMVT(t, '{LAYER}', {EXTENT}, 'geom') FROM (
    SELECT count(*) AS count,
           ST_AsMVTGeom(ST_Point(avg(x), avg(y), 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s), {EXTENT}, {BUFFER}, true)
               AS geom
    FROM (
        SELECT ST_X(g) AS x, ST_Y(g) AS y FROM (
            SELECT ST_Transform(r.location, 3857) AS g
            FROM {Report._meta.db_table} r JOIN {category} c ON c.id = r.category_id
            WHERE c.is_public
              AND r.location && ST_Transform(
                  ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => {BUFFER}.0 / {EXTENT}), %(srid)s)
        ) p
    ) s
    GROUP BY floor(x / %(cell)s), floor(y / %(cell)s)
) t WHERE geom IS NOT NULL
"""
    return kept, from_reports


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def measure_zoom(z: int, *, app, uncached, tipg, http, rounds: int) -> dict:
    """Medians of the three sides over the 3x3 tiles around the centre at zoom `z`."""
    from django.conf import settings
    from django.db import connection

    from maps.models import CELL_ZOOM_OFFSET
    from maps.tiles import POINTS_UP_TO, WEB_MERCATOR_HALF

    cx, cy = tile_of(*CENTRE, z)
    tiles = [(z, cx + dx, cy + dy) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    cell = 2 * WEB_MERCATOR_HALF / 2 ** (z + CELL_ZOOM_OFFSET)
    kept_sql, from_reports_sql = reference_sql()
    turn = {"app": 0, "hit": 0, "uncached": 0, "floor": 0, "tipg": 0, "sql": 0, "reports": 0}

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
                cursor.execute(statement, {"z": tz, "x": tx, "y": ty, "cell": cell, "srid": settings.LAPOR_SRID})
                return bytes(cursor.fetchone()[0] or b"")

        return call

    def app_tile(side: str):
        return lambda: get("{}/api/tiles/reports/{}/{}/{}.pbf".format(app.url, *next_tile(side)))

    def cold():
        forget(["reports"], tiles[turn["app"] % len(tiles)])

    sides = {
        "app": app_tile("app"),
        "hit": app_tile("hit"),
        "floor": lambda: get(f"{app.url}/healthz"),  # what any request costs (gunicorn, HTTP, Django)
        "uncached": lambda: get("{}/api/tiles/reports/{}/{}/{}.pbf".format(uncached.url, *next_tile("uncached"))),
        "tipg": lambda: get(
            "{}/collections/public.{}/tiles/WebMercatorQuad/{}/{}/{}".format(tipg.url, VIEW, *next_tile("tipg"))
        ),
        "sql": raw("sql", kept_sql),
        "reports": raw("reports", from_reports_sql),
    }
    # What each side sends for the centre tile: features, reports they stand for, bytes.
    contents, bodies = {}, {}
    for side, fn in sides.items():
        if side == "floor":
            continue
        turn[side] = 4  # the centre of the 3x3
        bodies[side] = body = fn()
        contents[side] = (*mvt_features(body, z, cx, cy), len(body))
        turn[side] = 0
    assert bodies["hit"] == bodies["app"] == bodies["uncached"], "a kept tile differs from the one rendered"
    # Where a tile holds few reports the app sends them one by one and the hand-written SQL still
    # sends cells: not the same work (only at a small BENCH_REPORTS).
    app_sends = "cells" if contents["app"][1] > POINTS_UP_TO else "points"
    if app_sends == "points":
        print(f"  zoom {z}: the app sends points ({contents['app'][1]} reports in the centre tile)", flush=True)
    # Two passes, each taking turns between the sides it compares: the app against its SQL, then
    # the app against tipg (and the count from the reports). Put in one turn, the 100-300 ms
    # requests of tipg and of the count evict what the app's next 3-20 ms request finds warm.
    # The hit side asks for the tile the cold side has just rendered and kept.
    prepared = {side: (cold if side == "app" else nothing, fn) for side, fn in sides.items()}
    versus_sql = taking_turns(
        {side: prepared[side] for side in ("app", "sql", "hit", "uncached", "floor")}, rounds * len(tiles)
    )
    versus_tipg = taking_turns({side: prepared[side] for side in ("app", "tipg", "reports")}, rounds * len(tiles))
    medians = {side: summary(values)["median_ms"] for side, values in versus_sql.items()}
    tipg_pass = {side: summary(values)["median_ms"] for side, values in versus_tipg.items()}
    return {
        "zoom": z,
        "app_ms": medians["app"],
        "tipg_ms": tipg_pass["tipg"],
        "sql_ms": medians["sql"],
        "app/tipg": tipg_pass["app"] / tipg_pass["tipg"],
        "app/sql": medians["app"] / medians["sql"],
        "hit_ms": medians["hit"],
        "uncached_ms": medians["uncached"],
        "floor_ms": medians["floor"],
        "hit/sql": medians["hit"] / medians["sql"],
        "app_beside_tipg_ms": tipg_pass["app"],
        "from_reports_ms": tipg_pass["reports"],
        "app_sends": app_sends,
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
    with (
        app_server(workers=args.workers) as app,
        app_server(workers=args.workers, LAPOR_TILE_CACHE_MAX_TILES="0") as uncached,
        tipg_server() as tipg,
        httpx.Client(timeout=120) as http,
    ):
        for z in zooms():
            rows.append(measure_zoom(z, app=app, uncached=uncached, tipg=tipg, http=http, rounds=args.rounds))
            print(
                f"  zoom {z}: app {rows[-1]['app_ms']:.1f} ms (kept {rows[-1]['hit_ms']:.1f} ms, "
                f"no cache {rows[-1]['uncached_ms']:.1f} ms), "
                f"SQL {rows[-1]['sql_ms']:.1f} ms, tipg {rows[-1]['tipg_ms']:.1f} ms",
                flush=True,
            )
    columns = ["zoom", "app_ms", "uncached_ms", "hit_ms", "tipg_ms", "sql_ms", "app/tipg", "app/sql", "hit/sql",
               "from_reports_ms", "app_features", "app_reports", "tipg_features", "app_kb", "tipg_kb"]  # fmt: skip
    print("\nTiles over central Batu (3x3 tiles per zoom; medians)\n")
    print(table(rows, columns))
    print(
        f"\ntargets: app/tipg <= {TARGETS['vs_tipg']}, app/sql <= {TARGETS['vs_sql']}, "
        f"hit/sql <= {TARGETS['hit_vs_sql']}"
    )
    write("tiles", rows, targets=TARGETS)


if __name__ == "__main__":
    main()
