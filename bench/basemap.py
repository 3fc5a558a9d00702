"""The app's basemap tiles (maps.basemap) over central Batu at zoom 12, 15 and 18, with a road network
as dense as OpenStreetMap's in a town, through the app (gunicorn) and through tipg serving the same
roads (a view of the roads layer), taking turns; with each side's bytes. The app keeps rendered tiles
(maps.tile_cache): its "cold" side asks for a tile whose kept copy was removed just before (untimed),
its "hit" side for the tile just kept; beside them the app's own statement run by hand ("SQL").

    .venv/bin/python bench/basemap.py [--rounds 20]

The demo's synthetic roads are sparse. For the measurement a grid of streets is added around the
alun-alun (every SPACING_M metres across a SIDE_M square, split at each crossing as OpenStreetMap
splits ways, a city road every fourth street, named like Batu's streets), committed so that tipg sees
it, and removed again at the end. Targets: a central tile at zoom 15 at most 60 KB uncompressed; a
kept tile served no slower than the raw SQL makes it.
"""

import argparse
import math

from _setup import app_server, django_setup, summary, table, tipg_server, write
from tiles import forget, nothing, taking_turns

CENTRE = (112.5283, -7.8713)  # alun-alun Kota Batu
ZOOMS = (12, 15, 18)
SPACING_M, SIDE_M = 80, 3000
VIEW = "bench_basemap_roads"
TARGETS = {"z15_kb": 60, "hit_vs_sql": 1.0}


def grid_roads() -> int:
    """Add the street grid to the roads layer; how many segments."""
    from django.db import connection

    from districts.models import Asset, AssetLayer

    layer = AssetLayer.objects.get(code="roads")
    assets = Asset._meta.db_table
    owner = layer.default_owner_id or layer.assets.values_list("owner_id", flat=True).first()
    lines = int(SIDE_M // SPACING_M)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH centre AS (SELECT ST_Transform(ST_SetSRID(ST_Point(%(lon)s, %(lat)s), 4326), 32749) AS c),
            steps AS (SELECT generate_series(0, %(lines)s) AS i),
            pieces AS (
                -- streets along x (k = 0) and along y (k = 1), each cut at every crossing, in metres
                SELECT k, a.i AS line, b.i AS piece, a.i * %(step)s - %(half)s AS across,
                       b.i * %(step)s - %(half)s AS start, (b.i + 1) * %(step)s - %(half)s AS stop
                FROM steps a, steps b, generate_series(0, 1) k
                WHERE b.i < %(lines)s
            ),
            segments AS (
                SELECT line, piece, k, ST_Transform(ST_Rotate(ST_MakeLine(
                    ST_Translate(c, CASE k WHEN 0 THEN start ELSE across END, CASE k WHEN 0 THEN across ELSE start END),
                    ST_Translate(c, CASE k WHEN 0 THEN stop ELSE across END, CASE k WHEN 0 THEN across ELSE stop END)
                ), 0.21, c), 4326) AS geom
                FROM pieces, centre
            )
            INSERT INTO {assets} (layer_id, external_id, name, geom, attributes, owner_id, updated_at)
            SELECT %(layer)s, 'BENCH-' || k || '-' || line || '-' || piece,
                   'Jalan ' || (ARRAY['Diponegoro', 'Panglima Sudirman', 'Trunojoyo', 'Brantas', 'Kartini',
                                     'Sultan Agung', 'Dewi Sartika', 'Agus Salim'])[1 + (line %% 8)] || ' ' || line,
                   geom,
                   jsonb_build_object(
                       'road_class', CASE WHEN line %% 4 = 0 THEN 'city' ELSE 'village' END, 'bench', true
                   ),
                   %(owner)s, now()
            FROM segments
            """,
            {
                "lon": CENTRE[0], "lat": CENTRE[1], "lines": lines, "step": SPACING_M, "half": SIDE_M / 2,
                "layer": layer.pk, "owner": owner,
            },
        )  # fmt: skip
        added = cursor.rowcount
        cursor.execute(
            f"CREATE OR REPLACE VIEW {VIEW} AS SELECT s.id, s.name, s.attributes ->> 'road_class' AS class, s.geom "
            f"FROM {assets} s WHERE s.layer_id = %s",
            [layer.pk],
        )
    return added


def remove_grid() -> None:
    from django.db import connection

    from districts.models import Asset

    with connection.cursor() as cursor:
        cursor.execute(f"DROP VIEW IF EXISTS {VIEW}")
        cursor.execute(f"DELETE FROM {Asset._meta.db_table} WHERE external_id LIKE 'BENCH-%%' AND attributes ? 'bench'")


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def measure_zoom(z: int, *, app, tipg, http, rounds: int, version: str) -> dict:
    cx, cy = tile_of(*CENTRE, z)
    tiles = [(z, cx + dx, cy + dy) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    from maps.basemap import basemap_tile

    turn = {"app": 0, "hit": 0, "sql": 0, "tipg": 0, "floor": 0}

    def fetch(side: str, template: str):
        def call() -> bytes:
            tile = tiles[turn[side] % len(tiles)]
            turn[side] += 1
            response = http.get(template.format(*tile))
            response.raise_for_status()
            return response.content

        return call

    def raw() -> bytes:
        tz, tx, ty = tiles[turn["sql"] % len(tiles)]
        turn["sql"] += 1
        return basemap_tile(z=tz, x=tx, y=ty)

    def cold():
        forget(["basemap"], tiles[turn["app"] % len(tiles)])

    app_template = f"{app.url}/api/tiles/basemap/{version}/{{}}/{{}}/{{}}.pbf"
    sides = {
        "app": fetch("app", app_template),
        "hit": fetch("hit", app_template),
        "sql": raw,
        "floor": fetch("floor", f"{app.url}/healthz"),  # what any request costs (gunicorn, HTTP, Django)
        "tipg": fetch("tipg", f"{tipg.url}/collections/public.{VIEW}/tiles/WebMercatorQuad/{{}}/{{}}/{{}}"),
    }
    bodies = {}
    for side, fn in sides.items():
        if side == "floor":
            continue
        turn[side] = 4  # the centre of the 3x3
        bodies[side] = fn()
        turn[side] = 0
    assert bodies["hit"] == bodies["app"] == bodies["sql"], "a kept tile differs from the one rendered"
    # The hit side asks for the tile the cold side has just rendered and kept.
    prepared = {side: (cold if side == "app" else nothing, fn) for side, fn in sides.items()}
    samples = taking_turns(prepared, rounds * len(tiles))
    medians = {side: summary(values)["median_ms"] for side, values in samples.items()}
    return {
        "zoom": z,
        "app_ms": medians["app"],
        "hit_ms": medians["hit"],
        "sql_ms": medians["sql"],
        "floor_ms": medians["floor"],
        "tipg_ms": medians["tipg"],
        "app/tipg": medians["app"] / medians["tipg"],
        "hit/sql": medians["hit"] / medians["sql"],
        "app_kb": len(bodies["app"]) / 1024,
        "tipg_kb": len(bodies["tipg"]) / 1024,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    django_setup()

    import httpx

    from maps.basemap import basemap_version

    remove_grid()  # what an interrupted run may have left
    added = grid_roads()
    try:
        version = basemap_version()
        rows = []
        with app_server(workers=1) as app, tipg_server(tables=[VIEW]) as tipg, httpx.Client(timeout=120) as http:
            for z in ZOOMS:
                rows.append(measure_zoom(z, app=app, tipg=tipg, http=http, rounds=args.rounds, version=version))
                print(
                    f"  zoom {z}: app {rows[-1]['app_ms']:.1f} ms (kept {rows[-1]['hit_ms']:.1f} ms), "
                    f"SQL {rows[-1]['sql_ms']:.1f} ms, {rows[-1]['app_kb']:.1f} KB",
                    flush=True,
                )
    finally:
        remove_grid()
    print(f"\nBasemap tiles over central Batu with {added:,} added street segments (3x3 tiles per zoom; medians)\n")
    print(table(rows, ["zoom", "app_ms", "hit_ms", "sql_ms", "tipg_ms", "app/tipg", "hit/sql", "app_kb", "tipg_kb"]))
    write("basemap", rows, {"street_segments": added, "spacing_m": SPACING_M}, targets=TARGETS)


if __name__ == "__main__":
    main()
