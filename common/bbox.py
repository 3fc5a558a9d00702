"""The one reader of `bbox` parameters: minLon,minLat,maxLon,maxLat in WGS84 (CRS84) degrees.

The REST API's filters take four numbers and a box with area. OGC API - Features also takes six
numbers (heights, ignored) and a box without width or height, which is a line or a point (as a
polygon it would intersect nothing). A box crossing the antimeridian is refused: Kota Batu is far
from it.
"""

import re

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, LineString, Point, Polygon
from django.utils.translation import gettext as _

from .errors import ApplicationError

NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")


class BBoxError(ApplicationError):
    default_field = "bbox"
    default_code = "bad_bbox"


def parse_bbox(value: str, *, heights: bool = False, degenerate: bool = False) -> GEOSGeometry:
    """A polygon (or, with `degenerate`, the line or point a flat box is); BBoxError otherwise."""
    parts = [part.strip() for part in value.split(",")]
    counts = (4, 6) if heights else (4,)
    if len(parts) not in counts or not all(NUMBER.match(part) for part in parts):
        raise BBoxError(_("bbox must be four numbers: minLon,minLat,maxLon,maxLat."))
    numbers = [float(part) for part in parts]
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    min_lon, min_lat, max_lon, max_lat = numbers
    if not all(-180 <= lon <= 180 for lon in (min_lon, max_lon)) or not all(
        -90 <= lat <= 90 for lat in (min_lat, max_lat)
    ):
        raise BBoxError(_("bbox is out of range: longitudes run from -180 to 180, latitudes from -90 to 90."))
    if degenerate:
        if min_lon > max_lon or min_lat > max_lat:
            raise BBoxError(
                _("bbox is reversed: give minLon,minLat,maxLon,maxLat, with the minimum before the maximum.")
            )
    elif min_lon >= max_lon or min_lat >= max_lat:
        raise BBoxError(_("bbox is reversed or empty: minLon must be below maxLon and minLat below maxLat."))
    srid = settings.LAPOR_SRID
    if min_lon == max_lon and min_lat == max_lat:
        return Point(min_lon, min_lat, srid=srid)
    if min_lon == max_lon or min_lat == max_lat:
        return LineString((min_lon, min_lat), (max_lon, max_lat), srid=srid)
    polygon = Polygon.from_bbox((min_lon, min_lat, max_lon, max_lat))
    polygon.srid = srid
    return polygon
