# Rendered tiles kept for the next request (maps.tile_cache), in an UNLOGGED table (a cache may be
# lost in a crash), and the triggers that remove exactly the kept tiles a write changes, in the
# write's own transaction, whatever wrote it (the API, staff, the admin, moderation, bulk SQL):
#
# - reports: for each inserted or deleted report, and each changed one (place, status, category,
#   hidden, private, tracking code, date, area, agency: what a tile shows or filters by), the tiles
#   at every zoom whose box or buffer (an eighth of a tile: maps.tiles.BUFFER, and the ring of grid
#   cells read around a tile) holds its old or new place; TRUNCATE, and a change of a category's
#   code or public flag, an agency's code or an area's code, empty the report tiles;
# - the basemap: for each changed road, light or pipe (districts_asset), area or place, the tiles
#   whose box with its buffer meets the row's old or new bounding box, and the basemap's kept version;
#   TRUNCATE, and a change of an asset layer's code, synthetic flag or licence, empty the basemap.
#
# A statement that changes more than 2,000 places empties the layer instead (one DELETE; bulk loads).
# When no tile of the layer is kept, a trigger does no more than one index probe.
#
# A tile rendered while a write is under way must not be kept after the write's trigger has run:
# writers take a shared advisory lock per layer before looking, and a request keeps a tile only when
# it got the same lock exclusively before reading (maps.tile_cache.fill). The lock keys are frozen
# copies of maps.tile_cache's.

from django.db import migrations, models

REPORTS_LOCK, BASEMAP_LOCK = 7_305_002, 7_305_003
MAX_PLACES = 2000
# Margins, in tiles, around a tile whose content a place may reach: a report tile reads an eighth of
# a tile around it (BUFFER 512 of EXTENT 4096, and one cell of 8 in the ring); the basemap's buffer
# is 64 of 4096. Rounded up a little, for the rounding of floating point.
REPORT_MARGIN, BASEMAP_MARGIN = 0.13, 0.02
# The basemap's version (maps.basemap.basemap_version) is kept as the tile 0/0/0 of its own layer:
# every change of a drawn row reaches that tile.
BASEMAP_LAYERS = "ARRAY['basemap', 'basemap_staff', 'basemap_version']"

HALF = 20037508.342789244  # half the Web Mercator world, metres

DROP = f"""
CREATE FUNCTION maps_cachedtile_drop(layers text[], shapes geometry[], margin double precision)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF shapes IS NULL THEN
        RETURN;
    ELSIF cardinality(shapes) > {MAX_PLACES} THEN
        DELETE FROM maps_cachedtile WHERE layer = ANY(layers);
        RETURN;
    END IF;
    BEGIN
        DELETE FROM maps_cachedtile t
        USING (
            SELECT z, floor(fx0 * 2 ^ z - margin)::int AS x0, floor(fx1 * 2 ^ z + margin)::int AS x1,
                   floor(fy0 * 2 ^ z - margin)::int AS y0, floor(fy1 * 2 ^ z + margin)::int AS y1
            FROM (
                -- the box in fractions of the Web Mercator world (0 to 1, y downwards)
                SELECT (ST_XMin(b) + {HALF}) / {2 * HALF} AS fx0, (ST_XMax(b) + {HALF}) / {2 * HALF} AS fx1,
                       ({HALF} - ST_YMax(b)) / {2 * HALF} AS fy0, ({HALF} - ST_YMin(b)) / {2 * HALF} AS fy1
                FROM (SELECT ST_Transform(g, 3857)::box2d AS b FROM unnest(shapes) g WHERE g IS NOT NULL) boxes
            ) places
            CROSS JOIN generate_series(0, 20) z
        ) k
        WHERE t.layer = ANY(layers) AND t.z = k.z AND t.x BETWEEN k.x0 AND k.x1 AND t.y BETWEEN k.y0 AND k.y1;
    EXCEPTION WHEN data_exception OR internal_error THEN
        -- a shape Web Mercator cannot hold (beyond 85 degrees): no tile is worth the risk
        DELETE FROM maps_cachedtile WHERE layer = ANY(layers);
    END;
END;
$$;
"""


def changed_places(table: str, geom: str, columns: list[str]) -> str:
    """A trigger function's body: the old and new shapes of the rows the statement changed (for an
    update, those whose drawn or filtered columns differ), at most MAX_PLACES + 1 of them."""
    old = ", ".join(f"o.{column}" for column in columns)
    new = ", ".join(f"n.{column}" for column in columns)
    return f"""
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg({geom}) INTO shapes FROM (SELECT {geom} FROM added LIMIT {MAX_PLACES + 1}) a;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg({geom}) INTO shapes FROM (SELECT {geom} FROM removed LIMIT {MAX_PLACES + 1}) r;
    ELSE
        SELECT array_agg(g) INTO shapes FROM (
            SELECT unnest(ARRAY[o.{geom}, n.{geom}]) AS g
            FROM removed o JOIN added n ON n.id = o.id
            WHERE ({old}) IS DISTINCT FROM ({new})
            LIMIT {MAX_PLACES + 1}
        ) c;
    END IF;"""


def trigger_function(name: str, *, lock: int, layers: str, margin: float, places: str) -> str:
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    shapes geometry[];
BEGIN
    PERFORM pg_advisory_xact_lock_shared({lock});
    IF NOT EXISTS (SELECT 1 FROM maps_cachedtile WHERE layer = ANY({layers})) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM maps_cachedtile WHERE layer = ANY({layers});
        RETURN NULL;
    END IF;
    {places}
    PERFORM maps_cachedtile_drop({layers}, shapes, {margin});
    RETURN NULL;
END;
$$;
"""


def flush_function(name: str, *, lock: int, layers: str, columns: list[str]) -> str:
    """A trigger function emptying `layers` when a statement deletes rows or changes `columns`."""
    old = ", ".join(f"o.{column}" for column in columns)
    new = ", ".join(f"n.{column}" for column in columns)
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared({lock});
    IF NOT EXISTS (SELECT 1 FROM maps_cachedtile WHERE layer = ANY({layers})) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND NOT EXISTS (
        SELECT 1 FROM removed o JOIN added n ON n.id = o.id WHERE ({old}) IS DISTINCT FROM ({new})
    ) THEN
        RETURN NULL;
    END IF;
    DELETE FROM maps_cachedtile WHERE layer = ANY({layers});
    RETURN NULL;
END;
$$;
"""


def triggers(table: str, function: str, *, inserts: bool = True) -> str:
    """Statement-level triggers of `table` calling `function`, with transition tables."""
    statements = [
        f"CREATE TRIGGER {table}_tiles_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS removed "
        f"NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION {function}();",
        f"CREATE TRIGGER {table}_tiles_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS removed "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();",
        f"CREATE TRIGGER {table}_tiles_truncate AFTER TRUNCATE ON {table} FOR EACH STATEMENT "
        f"EXECUTE FUNCTION {function}();",
    ]
    if inserts:
        statements.insert(
            0,
            f"CREATE TRIGGER {table}_tiles_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS added "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();",
        )
    return "\n".join(statements)


# What a report tile shows or is filtered by (maps.tile_cache.CACHED_FILTERS), besides its place.
REPORT_COLUMNS = [
    "location", "status", "category_id", "is_hidden", "is_private", "tracking_code", "created_at", "desa_id",
    "kecamatan_id", "agency_id",
]  # fmt: skip
REPORTS = "ARRAY['reports']"

FORWARD = [
    "ALTER TABLE maps_cachedtile SET UNLOGGED;",
    DROP,
    trigger_function(
        "maps_cachedtile_reports",
        lock=REPORTS_LOCK,
        layers=REPORTS,
        margin=REPORT_MARGIN,
        places=changed_places("geo_reports_report", "location", REPORT_COLUMNS),
    ),
    triggers("geo_reports_report", "maps_cachedtile_reports"),
    flush_function("maps_cachedtile_categories", lock=REPORTS_LOCK, layers=REPORTS, columns=["code", "is_public"]),
    triggers("geo_reports_category", "maps_cachedtile_categories", inserts=False),
    flush_function("maps_cachedtile_agencies", lock=REPORTS_LOCK, layers=REPORTS, columns=["code"]),
    triggers("districts_agency", "maps_cachedtile_agencies", inserts=False),
    trigger_function(
        "maps_cachedtile_assets",
        lock=BASEMAP_LOCK,
        layers=BASEMAP_LAYERS,
        margin=BASEMAP_MARGIN,
        places=changed_places("districts_asset", "geom", ["geom", "name", "attributes", "layer_id"]),
    ),
    triggers("districts_asset", "maps_cachedtile_assets"),
    trigger_function(
        "maps_cachedtile_places",
        lock=BASEMAP_LOCK,
        layers=BASEMAP_LAYERS,
        margin=BASEMAP_MARGIN,
        places=changed_places("districts_place", "location", ["location", "name", "kind"]),
    ),
    triggers("districts_place", "maps_cachedtile_places"),
    flush_function(
        "maps_cachedtile_asset_layers",
        lock=BASEMAP_LOCK,
        layers=BASEMAP_LAYERS,
        columns=["code", "is_synthetic", "licence"],
    ),
    triggers("districts_assetlayer", "maps_cachedtile_asset_layers", inserts=False),
    trigger_function(
        "maps_cachedtile_areas",
        lock=BASEMAP_LOCK,
        layers=BASEMAP_LAYERS,
        margin=BASEMAP_MARGIN,
        places=changed_places("districts_area", "geom", ["geom", "name", "kind"]),
    ),
    triggers("districts_area", "maps_cachedtile_areas"),
    # The area filter names areas by code: report tiles are emptied when a code changes.
    flush_function("maps_cachedtile_area_codes", lock=REPORTS_LOCK, layers=REPORTS, columns=["code"]),
    *[
        f"CREATE TRIGGER districts_area_report_tiles_{op.lower()} AFTER {op} ON districts_area {refs} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION maps_cachedtile_area_codes();"
        for op, refs in [
            ("UPDATE", "REFERENCING OLD TABLE AS removed NEW TABLE AS added"),
            ("DELETE", "REFERENCING OLD TABLE AS removed"),
            ("TRUNCATE", ""),
        ]
    ],
]
TABLES = {
    "geo_reports_report": "maps_cachedtile_reports",
    "geo_reports_category": "maps_cachedtile_categories",
    "districts_agency": "maps_cachedtile_agencies",
    "districts_asset": "maps_cachedtile_assets",
    "districts_place": "maps_cachedtile_places",
    "districts_assetlayer": "maps_cachedtile_asset_layers",
    "districts_area": "maps_cachedtile_areas",
}
BACKWARD = [
    *[
        f"DROP TRIGGER IF EXISTS {table}_tiles_{op} ON {table};"
        for table in TABLES
        for op in ("insert", "update", "delete", "truncate")
    ],
    *[f"DROP TRIGGER IF EXISTS districts_area_report_tiles_{op} ON districts_area;" for op in ("update", "delete", "truncate")],
    *[f"DROP FUNCTION IF EXISTS {function}();" for function in [*TABLES.values(), "maps_cachedtile_area_codes"]],
    "DROP FUNCTION IF EXISTS maps_cachedtile_drop(text[], geometry[], double precision);",
]


class Migration(migrations.Migration):
    dependencies = [
        ("maps", "0003_private_reports_not_counted"),
        ("geo_reports", "0013_sticky_privacy"),
        ("districts", "0004_osm_import"),
    ]

    operations = [
        migrations.CreateModel(
            name="CachedTile",
            fields=[
                ("layer", models.CharField(max_length=16)),
                ("z", models.SmallIntegerField()),
                ("x", models.IntegerField()),
                ("y", models.IntegerField()),
                ("filters", models.CharField(blank=True, max_length=64)),
                ("tile", models.BinaryField()),
                ("gzipped", models.BinaryField(null=True)),
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
            ],
            options={
                "verbose_name": "cached tile",
                "verbose_name_plural": "cached tiles",
                "constraints": [
                    models.UniqueConstraint(fields=("layer", "z", "x", "y", "filters"), name="cachedtile_unique_key")
                ],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
