"""Turning geometry read from files into clean WGS84 geometry, shared by the boundary and asset loaders."""

import shapely
from django.conf import settings
from django.contrib.gis.gdal import OGRGeometry, SpatialReference
from django.contrib.gis.geos import GEOSGeometry

# shapely geometry types grouped by the dimension an asset layer asks for.
DIMENSION_TYPES = {
    "point": {"Point", "MultiPoint"},
    "line": {"LineString", "MultiLineString", "LinearRing"},
    "polygon": {"Polygon", "MultiPolygon"},
}


def ogr_to_wgs84(ogr: OGRGeometry) -> GEOSGeometry:
    """Reproject a geometry read by GDAL from its file's CRS to WGS84 lon/lat, dropping Z and M.

    The CRS comes from the file itself (read by GDAL); a file that declares none is taken as WGS84,
    as RFC 7946 says for GeoJSON. Coordinates that then fall outside lon/lat ranges are caught by
    the callers' range checks, which name the likely cause.
    """
    ogr = ogr.clone()
    if ogr.is_3d:
        ogr.set_3d(False)
    if ogr.is_measured:
        ogr.set_measured(False)
    target = SpatialReference(settings.LAPOR_SRID)
    if ogr.srs is not None and ogr.srs.srid != settings.LAPOR_SRID:
        ogr.transform(target)
    return GEOSGeometry(memoryview(ogr.wkb), srid=settings.LAPOR_SRID)


def within_lonlat_range(geom: GEOSGeometry) -> bool:
    min_x, min_y, max_x, max_y = geom.extent
    return -180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90


def to_shapely(geom: GEOSGeometry) -> shapely.Geometry:
    return shapely.from_wkb(bytes(geom.wkb))


def from_shapely(geom: shapely.Geometry) -> GEOSGeometry:
    return GEOSGeometry(memoryview(shapely.to_wkb(geom)), srid=settings.LAPOR_SRID)


def keep_dimension(geom: shapely.Geometry, dimension: str) -> shapely.Geometry | None:
    """The parts of `geom` of the asked dimension, merged into one (multi)geometry, or None."""
    wanted = DIMENSION_TYPES[dimension]
    parts = [part for part in shapely.get_parts(geom) if part.geom_type in wanted and not part.is_empty]
    if geom.geom_type in wanted and not geom.is_empty:
        return geom
    if not parts:
        # make_valid can return nested collections: look one level further down.
        nested = [p for c in shapely.get_parts(geom) for p in shapely.get_parts(c)]
        parts = [p for p in nested if p.geom_type in wanted and not p.is_empty]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    if dimension == "point":
        return shapely.MultiPoint(parts)
    if dimension == "line":
        return shapely.line_merge(shapely.MultiLineString(parts))
    return shapely.union_all(parts)


def repair(geom: shapely.Geometry, dimension: str) -> tuple[shapely.Geometry | None, str]:
    """Make `geom` valid keeping its dimension. Returns (geometry or None, why it was invalid)."""
    reason = shapely.is_valid_reason(geom)
    fixed = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    fixed = keep_dimension(fixed, dimension)
    if fixed is None or fixed.is_empty or not fixed.is_valid:
        return None, reason
    return fixed, reason
