"""Vector tiles (Mapbox Vector Tile) of public reports for the map, made by PostGIS (ST_AsMVT).

Which reports: the same filters as the report list, compiled by Django (public categories, status,
category, area, period...), limited to the tile's box through the spatial index.

What a tile holds: one point per report (its id, tracking code, category and status group) when
the tile has at most POINTS_UP_TO of them; otherwise one point per cell of the map's grid (8 x 8
cells a tile, fixed to the Web Mercator origin so they line up across tiles), at the centroid of
its reports, with their count and the counts per status group.

Where cells are counted from: up to zoom 16, when the filters are only status and category (the
map's default view), from the counts the database keeps per cell (MapCell), so a zoomed-out tile
over a million reports adds up a few hundred rows; otherwise from the matching reports themselves.
Both give the same cells (tests compare them).

The wrapping SQL is here and nowhere else (ST_AsMVT has no ORM equivalent).
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Polygon
from django.db import connection, transaction
from django.db.models import Case, CharField, F, QuerySet, Sum, Value, When

from common.text import codes
from geo_reports.filters import statuses_of
from geo_reports.models import Category, Status
from geo_reports.workflow import MAP_GROUPS

from . import tile_cache
from .models import CELL_ZOOM_OFFSET, MAP_CELL_ZOOMS, MapCell

LAYER = "reports"
EXTENT = 4096
BUFFER = 512  # 32 px of a 256-px tile: more than the largest circle, which is then whole on both tiles
POINTS_UP_TO = 300
MAX_ZOOM = 20
WEB_MERCATOR_HALF = 20037508.342789244

GROUP_OF_STATUS = Case(
    *[When(status__in=statuses, then=Value(group)) for group, statuses in MAP_GROUPS.items()],
    default=Value("open"),
    output_field=CharField(),
)

POINTS_SQL = f"""
SELECT ST_AsMVT(t, '{LAYER}', {EXTENT}, 'geom', 'id') FROM (
    SELECT r.id, r.code, r.category, r.grp AS "group",
           ST_AsMVTGeom(ST_Transform(r.loc, 3857), ST_TileEnvelope({{z}}, {{x}}, {{y}}), {EXTENT}, {BUFFER}, true)
               AS geom
    FROM ({{reports}}) r
) t
WHERE geom IS NOT NULL
"""  # noqa: S608 (constants; the reports' SQL is compiled by Django)

# `cells` yields (gx, gy, status, n, sx, sy): the cell, a status, how many reports and the sums of
# their Web Mercator coordinates. Parameters: the statuses of each group, then those of `cells`.
# Gives the tile and the number of reports it stands for.
CELLS_SQL = f"""
SELECT ST_AsMVT(t, '{LAYER}', {EXTENT}, 'geom'), coalesce(sum(t.count), 0) FROM (
    SELECT count, open, in_progress, resolved, dismissed,
           CASE greatest(coalesce(open, 0), coalesce(in_progress, 0), coalesce(resolved, 0), coalesce(dismissed, 0))
               WHEN open THEN 'open' WHEN in_progress THEN 'in_progress' WHEN resolved THEN 'resolved'
               ELSE 'dismissed' END AS "group",
           ST_AsMVTGeom(ST_Point(sx / count, sy / count, 3857), ST_TileEnvelope({{z}}, {{x}}, {{y}}),
                        {EXTENT}, {BUFFER}, true) AS geom
    FROM (
        SELECT sum(n) AS count,
               sum(n) FILTER (WHERE status = ANY(%s)) AS open,
               sum(n) FILTER (WHERE status = ANY(%s)) AS in_progress,
               sum(n) FILTER (WHERE status = ANY(%s)) AS resolved,
               sum(n) FILTER (WHERE status = ANY(%s)) AS dismissed,
               sum(sx) AS sx, sum(sy) AS sy
        FROM ({{cells}}) s
        GROUP BY gx, gy
        HAVING sum(n) > 0
    ) c
) t
WHERE geom IS NOT NULL
"""  # noqa: S608 (constants)

# Cells from the reports: each report's cell at zoom z + CELL_ZOOM_OFFSET.
REPORT_CELLS_SQL = """
SELECT floor((m.x + {half}) / {size})::int AS gx, floor(({half} - m.y) / {size})::int AS gy,
       r.status, 1 AS n, m.x AS sx, m.y AS sy
FROM ({reports}) r
CROSS JOIN LATERAL (SELECT ST_X(g) AS x, ST_Y(g) AS y FROM ST_Transform(r.loc, 3857) g) m
"""

# Cells from the kept counts, merged from a finer zoom where needed (shift > 0). At the zooms that
# have their own counts the cells are the rows' own, so the index's order serves the grouping.
KEPT_CELLS_SQL = """
SELECT {gx} AS gx, {gy} AS gy, status, n, sx, sy
FROM maps_mapcell
WHERE z = {level} AND cx BETWEEN {x0} AND {x1} AND cy BETWEEN {y0} AND {y1}{statuses}
  AND category_id IN (SELECT id FROM geo_reports_category WHERE is_public AND (%s::text[] IS NULL OR code = ANY(%s)))
"""


# What draws a report tile, part of a kept tile's key (maps.tile_cache).
DRAWING = tile_cache.code_key(
    POINTS_SQL, CELLS_SQL, REPORT_CELLS_SQL, KEPT_CELLS_SQL, EXTENT, BUFFER, POINTS_UP_TO, MAP_GROUPS,
    CELL_ZOOM_OFFSET, list(MAP_CELL_ZOOMS),
)  # fmt: skip


class TileOutOfRange(ValueError):
    pass


@dataclass(frozen=True)
class CellScope:
    """What to add up from the kept counts: these statuses, of public categories (of these codes,
    or all)."""

    statuses: list[str]
    categories: list[str] | None = None


def cell_scope(filterset) -> CellScope | None:
    """The kept counts' equivalent of the filters, when they are only status and category (and the
    whole city); None when the reports themselves must be read."""
    data = filterset.form.cleaned_data
    used = {name for name, value in data.items() if value not in (None, "")}
    if (data.get("area") or "").strip() == settings.LAPOR_CITY_CODE:
        used.discard("area")
    if used - {"status", "category"}:
        return None
    statuses = statuses_of(data["status"]) if data.get("status") else set(Status.values)
    return CellScope(sorted(statuses), codes(data["category"]) if data.get("category") else None)


def check_tile(z: int, x: int, y: int) -> None:
    if not (0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z):
        raise TileOutOfRange(f"no tile {z}/{x}/{y}")


def tile_bounds_lonlat(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """The tile's box in lon/lat (for the index prefilter), with the buffer added."""
    check_tile(z, x, y)
    size = 2 * WEB_MERCATOR_HALF / 2**z
    margin = size * BUFFER / EXTENT
    min_x = -WEB_MERCATOR_HALF + x * size - margin
    max_x = -WEB_MERCATOR_HALF + (x + 1) * size + margin
    max_y = WEB_MERCATOR_HALF - y * size + margin
    min_y = WEB_MERCATOR_HALF - (y + 1) * size - margin

    def lon(mx):
        return max(-180.0, min(180.0, mx / WEB_MERCATOR_HALF * 180.0))

    def lat(my):
        return math.degrees(math.atan(math.sinh(my / WEB_MERCATOR_HALF * math.pi)))

    return lon(min_x), lat(max(min_y, -WEB_MERCATOR_HALF)), lon(max_x), lat(min(max_y, WEB_MERCATOR_HALF))


def _in_tile(reports: QuerySet, z: int, x: int, y: int) -> QuerySet:
    bbox = Polygon.from_bbox(tile_bounds_lonlat(z, x, y))
    bbox.srid = settings.LAPOR_SRID
    return reports.filter(location__bboverlaps=bbox).order_by()


def _kept_cells(scope: CellScope, z: int, x: int, y: int) -> tuple[str, list]:
    """The kept counts of the tile's cells (and the ring of cells around it, for the buffer)."""
    level = max(z, MAP_CELL_ZOOMS.start)
    shift = level - z
    cells = 2**CELL_ZOOM_OFFSET
    bounds = {
        "x0": (x * cells - 1) << shift,
        "x1": (((x + 1) * cells + 1) << shift) - 1,
        "y0": (y * cells - 1) << shift,
        "y1": (((y + 1) * cells + 1) << shift) - 1,
    }
    every_status = set(scope.statuses) >= set(Status.values)
    sql = KEPT_CELLS_SQL.format(
        gx=f"cx >> {shift}" if shift else "cx",
        gy=f"cy >> {shift}" if shift else "cy",
        statuses="" if every_status else "\n  AND status = ANY(%s)",
        level=level,
        **bounds,
    )
    return sql, [*([] if every_status else [scope.statuses]), scope.categories, scope.categories]


def _report_cells(reports: QuerySet, z: int, x: int, y: int) -> tuple[str, list]:
    rows = _in_tile(reports, z, x, y).annotate(loc=F("location")).values("status", "loc")
    inner, params = rows.query.sql_with_params()
    size = 2 * WEB_MERCATOR_HALF / 2 ** (z + CELL_ZOOM_OFFSET)
    return REPORT_CELLS_SQL.format(half=repr(WEB_MERCATOR_HALF), size=repr(size), reports=inner), list(params)


def _fetch(statement: str, params: list) -> tuple[bytes, int]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    return bytes(row[0] or b""), (row[1] if len(row) > 1 else 0)


def report_tile(*, reports: QuerySet, z: int, x: int, y: int, scope: CellScope | None = None) -> bytes:
    """The MVT bytes of one tile of `reports` (already filtered). `scope`: the same filters in
    terms of the kept counts (cell_scope), or None."""
    check_tile(z, x, y)
    place = {"z": z, "x": x, "y": y}
    if z < MAX_ZOOM:
        use_kept = scope is not None and z <= MAP_CELL_ZOOMS[-1]
        cells, cell_params = _kept_cells(scope, z, x, y) if use_kept else _report_cells(reports, z, x, y)
        groups = [sorted(MAP_GROUPS[name]) for name in ("open", "in_progress", "resolved", "dismissed")]
        tile, total = _fetch(CELLS_SQL.format(cells=cells, **place), [*groups, *cell_params])
        if total > POINTS_UP_TO:
            return tile
    # Few enough to show one by one.
    rows = (
        _in_tile(reports, z, x, y)
        .annotate(code=F("tracking_code"), category_code=F("category__code"), grp=GROUP_OF_STATUS, loc=F("location"))
        .values("id", "code", "category_code", "grp", "loc")
    )
    inner, params = rows.query.sql_with_params()
    inner = f"SELECT q.id, q.code, q.category_code AS category, q.grp, q.loc FROM ({inner}) q"  # noqa: S608
    return _fetch(POINTS_SQL.format(reports=inner, **place), list(params))[0]


def report_count(*, reports: QuerySet, scope: CellScope | None = None) -> int:
    """How many reports match: from the kept counts when the filters allow (every report is in one
    cell of the coarsest zoom), else by counting them."""
    if scope is None:
        return reports.count()
    categories = Category.objects.filter(is_public=True)
    if scope.categories is not None:
        categories = categories.filter(code__in=scope.categories)
    kept = MapCell.objects.filter(z=MAP_CELL_ZOOMS.start, category__in=categories, status__in=scope.statuses)
    return kept.aggregate(total=Sum("n"))["total"] or 0


MERGE_SQL = """
WITH keys AS (
    SELECT DISTINCT z, cx, cy, category_id, status FROM maps_mapcell WHERE NOT merged
),
gone AS (
    DELETE FROM maps_mapcell m USING keys k
    WHERE m.z = k.z AND m.cx = k.cx AND m.cy = k.cy AND m.category_id = k.category_id AND m.status = k.status
    RETURNING m.z, m.cx, m.cy, m.category_id, m.status, m.n, m.sx, m.sy
)
INSERT INTO maps_mapcell (z, cx, cy, category_id, status, n, sx, sy, merged)
SELECT z, cx, cy, category_id, status, sum(n), sum(sx), sum(sy), true
FROM gone
GROUP BY z, cx, cy, category_id, status
HAVING sum(n) <> 0
"""
MERGE_LOCK = 7_305_001  # pg_advisory_xact_lock key: one merge at a time


def map_cells_merge() -> int:
    """Merge the rows the report triggers added since the last merge into one row per key (and drop
    keys that add up to nothing). Sums are unchanged, so readers see the same tiles before and after;
    rows added while this runs are left for the next merge. Returns the rows merged away."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [MERGE_LOCK])
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute("SELECT count(*) FROM maps_mapcell WHERE NOT merged")
        fresh = cursor.fetchone()[0]
        if fresh:
            cursor.execute(MERGE_SQL)
        return fresh


def map_cells_after_bulk(sender, **kwargs) -> None:
    """After reports were generated in bulk: merge their cell counts, and refresh the planner's
    statistics of the table that grew."""
    map_cells_merge()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {MapCell._meta.db_table}")
