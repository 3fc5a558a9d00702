"""The app's own basemap: vector tiles (MVT) of what the app knows, so every map is legible with no
outside tile server: the kota, kecamatan and desa/kelurahan outlines and names, roads by class with
their names, street lights at high zoom, named places from the gazetteer, and (for staff only)
water pipes. Drawn on every map by static/web/js/basemap.js.

What each zoom shows is decided here (a 360-px phone screen at zoom 15 holds a few hundred metres of
town), and the tile is made by PostgreSQL in one statement (one ST_AsMVT per layer, concatenated:
an MVT is a sequence of layers). Tiles carry a version in their URL, which changes when any drawn
row changes, so browsers may keep them for a year.
"""

import hashlib
import math
from dataclasses import dataclass

from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext as _

from districts.models import Area, Asset, AssetLayer, Place

from . import tile_cache
from .tiles import EXTENT, check_tile

MIN_ZOOM, MAX_ZOOM = 10, 18
BUFFER = 64  # extent units beyond the tile's edge: line joins and caps are drawn whole on both tiles
# The lowest zoom at which each road class is drawn, and named along the road.
ROAD_ZOOM = {"national": 10, "provincial": 10, "city": 12, "village": 14}
ROAD_NAME_ZOOM = {"national": 13, "provincial": 13, "city": 14, "village": 16}
# A road's name takes about this many pixels a character (12-13 px text) and a margin at each end;
# a road too short for its name in pixels is not named at that zoom.
NAME_PIXELS_PER_CHARACTER, NAME_MARGIN_PIXELS = 7.2, 8
# Metres per pixel at zoom 0 on the equator (256-px tiles); times cos(latitude) / 2^z elsewhere.
METRES_PER_PIXEL_Z0 = 156543.03392
LIGHT_ZOOM = 16
PIPE_ZOOM = 13
DESA_ZOOM = 12
# Places by kind: settlements from zoom 13, points of interest from 15.
PLACE_ZOOM = {"village": 12, "hamlet": 14, "neighbourhood": 14}
POI_ZOOM = 15
ROADS, LIGHTS, PIPES = "roads", "street_lights", "water_pipes"

STATEMENT = f"""
WITH tile AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS mercator,
           ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => {BUFFER / EXTENT}), %(srid)s) AS lonlat
),
areas AS (
    SELECT a.kind, a.name, a.geom FROM {Area._meta.db_table} a, tile
    WHERE a.geom && tile.lonlat AND a.kind = ANY(%(area_kinds)s)
),
layers AS (SELECT id, code FROM {AssetLayer._meta.db_table} WHERE code = ANY(%(layers)s))
SELECT
  coalesce((SELECT ST_AsMVT(t, 'boundary', {EXTENT}, 'geom') FROM (
      SELECT CASE WHEN kind = 'kelurahan' THEN 'desa' ELSE kind END AS kind,
             ST_AsMVTGeom(ST_Transform(ST_Simplify(ST_Boundary(a.geom), %(half_pixel_degrees)s), 3857), tile.mercator,
                          {EXTENT}, {BUFFER}, true) AS geom
      FROM areas a, tile
  ) t WHERE geom IS NOT NULL), '')
  || coalesce((SELECT ST_AsMVT(t, 'road', {EXTENT}, 'geom') FROM (
      SELECT s.attributes ->> 'road_class' AS class,
             ST_AsMVTGeom(ST_Transform(s.geom, 3857), tile.mercator, {EXTENT}, {BUFFER}, true) AS geom
      FROM {Asset._meta.db_table} s JOIN layers l ON l.id = s.layer_id AND l.code = '{ROADS}', tile
      WHERE s.geom && tile.lonlat AND s.attributes ->> 'road_class' = ANY(%(road_classes)s)
  ) t WHERE geom IS NOT NULL), '')
  || coalesce((SELECT ST_AsMVT(t, 'road_label', {EXTENT}, 'geom') FROM (
      -- One label a road, at the middle of its longest part, in the tile that holds that middle, as
      -- a line just long enough for the name; not clipped, so the whole name is drawn there.
      SELECT class, name,
             ST_AsMVTGeom(ST_Transform(ST_LineSubstring(part, 0.5 - half, 0.5 + half), 3857), tile.mercator,
                          {EXTENT}, {EXTENT}, false) AS geom
      FROM (
          SELECT s.attributes ->> 'road_class' AS class, s.name AS name, p.part,
                 ((length(s.name) * %(pixels_per_character)s + 2 * %(margin_pixels)s)
                  * %(metres_per_pixel)s) / (2 * ST_Length(p.part::geography)) AS half
          FROM {Asset._meta.db_table} s JOIN layers l ON l.id = s.layer_id AND l.code = '{ROADS}', tile
          CROSS JOIN LATERAL (
              SELECT d.geom AS part FROM ST_Dump(ST_LineMerge(ST_CollectionExtract(s.geom, 2))) d
              ORDER BY ST_Length(d.geom::geography) DESC LIMIT 1
          ) p
          WHERE s.geom && tile.lonlat AND s.attributes ->> 'road_class' = ANY(%(named_classes)s) AND s.name <> ''
      ) roads, tile
      WHERE half < 0.5
        AND ST_Intersects(ST_Transform(ST_LineInterpolatePoint(part, 0.5), 3857), tile.mercator)
  ) t WHERE geom IS NOT NULL), '')
  || coalesce((SELECT ST_AsMVT(t, 'light', {EXTENT}, 'geom') FROM (
      SELECT ST_AsMVTGeom(ST_Transform(s.geom, 3857), tile.mercator, {EXTENT}, 0, true) AS geom
      FROM {Asset._meta.db_table} s JOIN layers l ON l.id = s.layer_id AND l.code = '{LIGHTS}', tile
      WHERE %(lights)s AND s.geom && tile.lonlat
  ) t WHERE geom IS NOT NULL), '')
  || coalesce((SELECT ST_AsMVT(t, 'pipe', {EXTENT}, 'geom') FROM (
      SELECT ST_AsMVTGeom(ST_Transform(s.geom, 3857), tile.mercator, {EXTENT}, {BUFFER}, true) AS geom
      FROM {Asset._meta.db_table} s JOIN layers l ON l.id = s.layer_id AND l.code = '{PIPES}', tile
      WHERE %(pipes)s AND s.geom && tile.lonlat
  ) t WHERE geom IS NOT NULL), '')
  || coalesce((SELECT ST_AsMVT(t, 'label', {EXTENT}, 'geom') FROM (
      SELECT kind, name, rank,
             ST_AsMVTGeom(ST_Transform(point, 3857), tile.mercator, {EXTENT}, 0, true) AS geom
      FROM (
          SELECT CASE WHEN kind = 'kelurahan' THEN 'desa' ELSE kind END AS kind, name,
                 CASE kind WHEN 'kecamatan' THEN 1 ELSE 2 END AS rank, ST_PointOnSurface(geom) AS point
          FROM areas WHERE kind = ANY(%(label_kinds)s)
          UNION ALL
          SELECT p.kind, p.name, CASE WHEN p.kind = ANY(%(settlements)s) THEN 3 ELSE 4 END, p.location
          FROM {Place._meta.db_table} p, tile
          WHERE p.location && tile.lonlat AND p.kind = ANY(%(place_kinds)s)
      ) labels, tile
  ) t WHERE geom IS NOT NULL), '')
"""  # noqa: S608 (constants and our table names; the values are parameters)


@dataclass(frozen=True)
class Content:
    """What a tile at one zoom holds."""

    area_kinds: list[str]
    label_kinds: list[str]
    road_classes: list[str]
    named_classes: list[str]
    place_kinds: list[str]
    lights: bool
    pipes: bool


def content(z: int, *, staff: bool) -> Content:
    area_kinds = ["kota", "kecamatan"] + (["desa", "kelurahan"] if z >= DESA_ZOOM else [])
    label_kinds = (["kecamatan"] if z <= 14 else []) + (["desa", "kelurahan"] if z >= 13 else [])
    settlements = [kind for kind, zoom in PLACE_ZOOM.items() if z >= zoom]
    points_of_interest = [kind for kind in Place.Kind.values if kind not in PLACE_ZOOM] if z >= POI_ZOOM else []
    return Content(
        area_kinds=area_kinds,
        label_kinds=label_kinds,
        road_classes=[road_class for road_class, zoom in ROAD_ZOOM.items() if z >= zoom],
        named_classes=[road_class for road_class, zoom in ROAD_NAME_ZOOM.items() if z >= zoom],
        place_kinds=settlements + points_of_interest,
        lights=z >= LIGHT_ZOOM,
        pipes=staff and z >= PIPE_ZOOM,
    )


def tile_latitude(z: int, y: int) -> float:
    """The latitude of a tile's middle row (the scale of Web Mercator depends on it)."""
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + 0.5) / 2**z))))


def basemap_tile_cached(*, z: int, x: int, y: int, staff: bool = False) -> bytes:
    """basemap_tile, kept for the next request (maps.tile_cache) until a drawn row changes."""
    return basemap_tile_and_version(z=z, x=x, y=y, staff=staff)[0].data


def basemap_tile_and_version(*, z: int, x: int, y: int, staff: bool = False) -> tuple[tile_cache.Tile, str]:
    """basemap_tile (kept for the next request until a drawn row changes, maps.tile_cache) and the
    current basemap_version, both read in one statement when both are kept."""
    check_tile(z, x, y)
    layer = tile_cache.BASEMAP_STAFF if staff else tile_cache.BASEMAP
    tile_key, version_key = (layer, z, x, y, DRAWING), (tile_cache.BASEMAP_VERSION, 0, 0, 0, "")
    drawn = MIN_ZOOM <= z <= MAX_ZOOM
    kept = tile_cache.lookup_many([tile_key, version_key] if drawn else [version_key])
    state = kept.get(version_key)
    if state is None:
        state = tile_cache.fill(layer=tile_cache.BASEMAP_VERSION, z=0, x=0, y=0, render=_version_state)
    tile = kept.get(tile_key, tile_cache.Tile(b""))
    if drawn and tile_key not in kept:
        tile = tile_cache.fill(
            layer=layer, z=z, x=x, y=y, filters=DRAWING, render=lambda: basemap_tile(z=z, x=x, y=y, staff=staff)
        )
    return tile, _version_of(state.data)


def basemap_tile(*, z: int, x: int, y: int, staff: bool = False) -> bytes:
    """The MVT bytes of one basemap tile; `staff` adds the layers that are not public (water pipes)."""
    check_tile(z, x, y)
    if not MIN_ZOOM <= z <= MAX_ZOOM:
        return b""
    what = content(z, staff=staff)
    params = {
        "z": z,
        "x": x,
        "y": y,
        "srid": Area._meta.get_field("geom").srid,
        "area_kinds": what.area_kinds,
        "label_kinds": what.label_kinds,
        "road_classes": what.road_classes,
        "named_classes": what.named_classes,
        "pixels_per_character": NAME_PIXELS_PER_CHARACTER,
        "margin_pixels": NAME_MARGIN_PIXELS,
        "metres_per_pixel": METRES_PER_PIXEL_Z0 * math.cos(math.radians(tile_latitude(z, y))) / 2**z,
        # Outlines lose the detail a screen cannot show (half a pixel): the real boundaries have many vertices.
        "half_pixel_degrees": 360 / 2**z / 256 / 2,
        "place_kinds": what.place_kinds,
        "settlements": list(PLACE_ZOOM),
        "lights": what.lights,
        "pipes": what.pipes,
        "layers": [ROADS, LIGHTS] + ([PIPES] if staff else []),
    }
    with connection.cursor() as cursor:
        cursor.execute(STATEMENT, params)
        return bytes(cursor.fetchone()[0] or b"")


# What draws a basemap tile, part of a kept tile's key (maps.tile_cache): a release that draws
# differently never serves the last one's tiles.
DRAWING = tile_cache.code_key(
    STATEMENT, [content(z, staff=staff) for z in range(MIN_ZOOM, MAX_ZOOM + 1) for staff in (False, True)],
    NAME_PIXELS_PER_CHARACTER, NAME_MARGIN_PIXELS, METRES_PER_PIXEL_Z0, PLACE_ZOOM,
)  # fmt: skip

VERSION_SQL = f"""
SELECT concat_ws('|',
    (SELECT count(*) || ':' || coalesce(max(s.updated_at)::text, '')
     FROM {Asset._meta.db_table} s JOIN {AssetLayer._meta.db_table} l ON l.id = s.layer_id
     WHERE l.code = ANY(%(layers)s)),
    (SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce(sum(ST_NPoints(geom)), 0)
     FROM {Area._meta.db_table}),
    (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM {Place._meta.db_table}),
    (SELECT string_agg(code || is_synthetic::text || licence, ',' ORDER BY code)
     FROM {AssetLayer._meta.db_table} WHERE code = ANY(%(layers)s))
)
"""  # noqa: S608 (our table names; the values are parameters)


def basemap_version() -> str:
    """Changes whenever a drawn row is added, changed or removed (and when the drawing code's
    content rules change, by the statement's own text). What it is made from is kept with the
    basemap's tiles (maps.tile_cache) and removed by the same writes."""
    return _version_of(tile_cache.cached(layer=tile_cache.BASEMAP_VERSION, z=0, x=0, y=0, render=_version_state).data)


def _version_state() -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL, {"layers": [ROADS, LIGHTS, PIPES]})
        return cursor.fetchone()[0].encode()


def _version_of(state: bytes) -> str:
    return hashlib.sha256(f"{state.decode()}|{STATEMENT}|{DRAWING}".encode()).hexdigest()[:12]


def attribution() -> list[str]:
    """What the basemap shows, credited once per source: the boundaries', and for the drawn asset
    layers their licence holder, or that they are synthetic demo data."""
    nouns = {ROADS: _("roads"), LIGHTS: _("street lights")}
    by_credit: dict[str, list[str]] = {}
    for layer in AssetLayer.objects.filter(code__in=list(nouns), is_public=True).order_by("code"):
        if not layer.assets.exists():
            continue
        if layer.is_synthetic:
            credit = _("synthetic demo data")
        elif layer.licence.upper().startswith("ODBL"):
            credit = _("© OpenStreetMap contributors, ODbL")
        else:
            credit = layer.source
        by_credit.setdefault(credit, []).append(str(nouns[layer.code]))
    credits = [_("Boundaries: BIG/Kemendagri")]
    credits += [f"{', '.join(things).capitalize()}: {credit}" for credit, things in by_credit.items()]
    if Place.objects.exists():
        credits.append(_("Places: © OpenStreetMap contributors, ODbL"))
    return credits


def page_config(*, staff: bool) -> dict:
    """What the pages' basemap script needs: the tile address (with the current version), the
    attribution and the names of Leaflet's buttons, in the page's language."""
    name = "maps:basemap-staff-tiles" if staff else "maps:basemap-tiles"
    url = reverse(name, args=[basemap_version(), 0, 0, 0]).replace("/0/0/0.pbf", "/{z}/{x}/{y}.pbf")
    return {
        "url": url,
        "min_zoom": MIN_ZOOM,
        "max_zoom": MAX_ZOOM,
        "attribution": " · ".join(attribution()),
        "zoom_in_title": _("Zoom in"),
        "zoom_out_title": _("Zoom out"),
        "close_title": _("Close"),
        "staff": staff,
    }
