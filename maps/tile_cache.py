"""Rendered tiles kept in PostgreSQL (maps.models.CachedTile), so that a tile asked for again is one
indexed SELECT instead of a render.

Key: the layer (report tiles, the basemap, the staff basemap), the tile, and for report tiles a hash
of the filters it was made with (the values of CACHED_FILTERS as the request gave them) and of the
code that draws it, so that a release drawing tiles differently never serves the last one's.
Filters that name reports by text or by asset (`q`, `asset`) or by an arbitrary box (`bbox`) are not
kept: their values are endless. No filter's answer changes with the clock: `since` and `until` are
instants (the map rounds "the last N days" to the hour), and a report's date is only set when it is
written, which removes the tiles it is in.

Validity: the triggers of maps/migrations/0004 remove, in the transaction of every write, the kept
tiles the write changes. A tile rendered while a write is under way could still miss that write and
be kept after the trigger ran; so writers take a shared advisory lock per layer, and a request keeps
the tile it renders only when it got that lock exclusively *before* reading (PostgreSQL releases
a transaction's locks after its commit is visible). When it cannot (a write is under way) it serves
the tile without keeping it.

A kept tile is also kept gzip-compressed (when that is shorter), sent as it is to clients that
accept gzip: compressing is a good part of what a request for a large tile costs.

Size: at most LAPOR_TILE_CACHE_MAX_TILES rows, plus a tenth: whenever the id of a kept tile is a
multiple of a tenth of the bound, the rows older than the last `bound` ids are removed (by the
primary key; first kept, first gone). Empty tiles (outside the city, or no report
matching) are not kept: they cost an index probe to make. 0 turns the cache off.
"""

import gzip
import hashlib
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection, transaction

from .models import CachedTile

REPORTS, BASEMAP, BASEMAP_STAFF = "reports", "basemap", "basemap_staff"
BASEMAP_VERSION = "basemap_version"  # what the basemap's version is made from, kept as its tile 0/0/0
# pg_advisory_xact_lock keys (frozen copies in maps/migrations/0004; 7_305_001 is the cells' merge).
LOCKS = {REPORTS: 7_305_002, BASEMAP: 7_305_003, BASEMAP_STAFF: 7_305_003, BASEMAP_VERSION: 7_305_003}
# Report filters whose tiles are kept, in the key's order; any other of the list's filters, given a
# value, makes a tile that is not kept.
CACHED_FILTERS = ("status", "category", "area", "agency", "since", "until")
TABLE = CachedTile._meta.db_table

LOOKUP_SQL = f"SELECT tile, gzipped FROM {TABLE} WHERE layer = %s AND z = %s AND x = %s AND y = %s AND filters = %s"  # noqa: S608
STORE_SQL = f"""
INSERT INTO {TABLE} (layer, z, x, y, filters, tile, gzipped) VALUES (%s, %s, %s, %s, %s, %s, %s)
ON CONFLICT ON CONSTRAINT cachedtile_unique_key DO UPDATE SET tile = EXCLUDED.tile, gzipped = EXCLUDED.gzipped
RETURNING id
"""  # noqa: S608
LOOKUP_MANY_SQL = f"""
SELECT layer, z, x, y, filters, tile, gzipped FROM {TABLE}
WHERE (layer, z, x, y, filters) IN (SELECT * FROM unnest(%s::text[], %s::smallint[], %s::int[], %s::int[], %s::text[]))
"""  # noqa: S608
# Rows a write is removing at the same moment are left to it (never waited for: no deadlock).
EVICT_SQL = f"DELETE FROM {TABLE} WHERE id IN (SELECT id FROM {TABLE} WHERE id <= %s FOR UPDATE SKIP LOCKED)"  # noqa: S608


class Tile(NamedTuple):
    """A tile's bytes, and the same gzip-compressed when it was kept and that is shorter."""

    data: bytes
    gzipped: bytes | None = None


def compressed(data: bytes) -> bytes | None:
    """`data` gzip-compressed (as Django's GZipMiddleware would, for a tile), when that is shorter;
    short tiles are sent as they are (the middleware leaves those under 200 bytes)."""
    if len(data) < 200:
        return None
    packed = gzip.compress(data, compresslevel=6, mtime=0)
    return packed if len(packed) < len(data) else None


def max_tiles() -> int:
    return settings.LAPOR_TILE_CACHE_MAX_TILES


def report_filters_key(query, *, filter_names, code: str) -> str | None:
    """The key of a report tile's filters (the query's values of CACHED_FILTERS, the last of each as
    the filters read them, with the drawing code's hash `code`), or None when the tile is not to be
    kept: another of the filters (`filter_names`) has a value."""
    if any(query.get(name, "") != "" for name in filter_names if name not in CACHED_FILTERS):
        return None
    given = [(name, query.get(name, "")) for name in CACHED_FILTERS if query.get(name, "") != ""]
    return hashlib.sha256(f"{code}?{urlencode(given)}".encode()).hexdigest()[:32]


def code_key(*parts) -> str:
    """A short hash of what draws a layer (its SQL and rules), part of the key."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def lookup(*, layer: str, z: int, x: int, y: int, filters: str = "") -> Tile | None:
    """The kept tile, or None."""
    if max_tiles() <= 0:
        return None
    with connection.cursor() as cursor:
        cursor.execute(LOOKUP_SQL, [layer, z, x, y, filters])
        row = cursor.fetchone()
    return _tile(*row) if row else None


def _tile(data, packed) -> Tile:
    return Tile(bytes(data), None if packed is None else bytes(packed))


def lookup_many(keys: list[tuple[str, int, int, int, str]]) -> dict[tuple, Tile]:
    """The kept tiles of several keys (layer, z, x, y, filters) in one statement, by key."""
    if max_tiles() <= 0:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(LOOKUP_MANY_SQL, [list(column) for column in zip(*keys, strict=True)])
        return {tuple(row[:5]): _tile(*row[5:]) for row in cursor.fetchall()}


def fill(*, layer: str, z: int, x: int, y: int, filters: str = "", render: Callable[[], bytes]) -> Tile:
    """Render the tile and keep it (when no write of the layer is under way, see above)."""
    limit = max_tiles()
    if limit <= 0:
        return Tile(render())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCKS[layer]])
        if not cursor.fetchone()[0]:
            return Tile(render())
        data = render()  # read after the lock: every write before it is visible, every later one waits
        if not data:
            return Tile(data)
        tile = Tile(data, compressed(data))
        cursor.execute(STORE_SQL, [layer, z, x, y, filters, tile.data, tile.gzipped])
        newest = cursor.fetchone()[0]
        if newest % max(1, limit // 10) == 0:
            cursor.execute(EVICT_SQL, [newest - limit])
    return tile


def cached(*, layer: str, z: int, x: int, y: int, filters: str = "", render: Callable[[], bytes]) -> Tile:
    """The kept tile, or a fresh one, kept."""
    tile = lookup(layer=layer, z=z, x=x, y=y, filters=filters)
    if tile is None:
        tile = fill(layer=layer, z=z, x=x, y=y, filters=filters, render=render)
    return tile


def flush(*layers: str) -> int:
    """Remove the kept tiles of `layers` (all when none is named); how many. For what the triggers
    cannot see (reports written with the triggers off)."""
    with transaction.atomic(), connection.cursor() as cursor:
        for layer in sorted({LOCKS[name] for name in layers or LOCKS}):
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [layer])
        if layers:
            cursor.execute(f"DELETE FROM {TABLE} WHERE layer = ANY(%s)", [list(layers)])  # noqa: S608
        else:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        return cursor.rowcount


def reports_flushed_after_bulk(sender, **kwargs) -> None:
    """After reports were written in bulk (geo_reports.events.reports_generated): their triggers
    already removed what they changed, unless the writer turned them off; empty the report tiles."""
    flush(REPORTS)
