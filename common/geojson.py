"""Reading a geometry a client sent as GeoJSON (RFC 7946: WGS84 longitude, latitude).

Every way a geometry can be wrong gets its own message, in the request's language, so that a citizen
or a developer knows what to fix. Nothing here touches the database.
"""

import json
import math

from django.conf import settings
from django.contrib.gis.geos import GEOSException, GEOSGeometry, LineString, Point, Polygon
from django.utils.translation import gettext_lazy as _

from .errors import ApplicationError

ACCEPTED_TYPES = ("Point", "LineString", "Polygon")


class GeometryInputError(ApplicationError):
    default_field = "geometry"

    def __init__(self, message, code: str, swapped: tuple[float, float] | None = None):
        super().__init__(message, code=code)
        # For a point whose latitude is out of range but would fit with the numbers swapped.
        self.swapped = swapped


def _reject_constant(name):
    raise GeometryInputError(_("Coordinates must be finite numbers (NaN and Infinity are not allowed)."), "not_finite")


def loads(text: str):
    """json.loads that refuses NaN and Infinity, which the JSON standard does not have."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except GeometryInputError:
        raise
    except (ValueError, RecursionError) as exc:
        raise GeometryInputError(_("The geometry is not valid JSON."), "not_json") from exc


def _position(value) -> tuple[float, float]:
    if not isinstance(value, (list, tuple)):
        raise GeometryInputError(_("Each position must be a list [longitude, latitude]."), "bad_position")
    if len(value) > 2:
        raise GeometryInputError(
            _("Only longitude and latitude are accepted: remove the height or measure (3D/M coordinates)."),
            "too_many_dimensions",
        )
    if len(value) < 2:
        raise GeometryInputError(_("Each position must be a list [longitude, latitude]."), "bad_position")
    for index, number in enumerate(value):
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise GeometryInputError(_("Coordinates must be numbers."), "not_number")
        try:
            finite = math.isfinite(number)
        except OverflowError:  # an integer too long for a float is far out of range anyway
            if index == 0:
                raise GeometryInputError(_("Longitude must be between -180 and 180."), "lon_range") from None
            raise GeometryInputError(_("Latitude must be between -90 and 90."), "lat_range") from None
        if not finite:
            raise GeometryInputError(
                _("Coordinates must be finite numbers (NaN and Infinity are not allowed)."), "not_finite"
            )
    lon, lat = float(value[0]), float(value[1])
    if not -180 <= lon <= 180:
        raise GeometryInputError(_("Longitude must be between -180 and 180."), "lon_range")
    if not -90 <= lat <= 90:
        swapped = (lat, lon) if -180 <= lat <= 180 and -90 <= lon <= 90 else None
        raise GeometryInputError(_("Latitude must be between -90 and 90."), "lat_range", swapped)
    return lon, lat


def _positions(value, minimum: int, counter: list[int]) -> list[tuple[float, float]]:
    if not isinstance(value, (list, tuple)):
        raise GeometryInputError(_("The coordinates are not nested as this geometry type needs."), "bad_nesting")
    counter[0] += len(value)
    if counter[0] > settings.LAPOR_MAX_VERTICES:
        raise GeometryInputError(
            _("The geometry has more than %(max)d vertices; simplify it.") % {"max": settings.LAPOR_MAX_VERTICES},
            "too_many_vertices",
        )
    positions = [_position(p) for p in value]
    if len(positions) < minimum:
        raise GeometryInputError(
            _("A line needs at least 2 positions and a polygon ring at least 4."), "too_few_positions"
        )
    return positions


def parse(value) -> GEOSGeometry:
    """A GeoJSON geometry (dict or JSON text) → a valid GEOS geometry in WGS84, or GeometryInputError."""
    if isinstance(value, (str, bytes)):
        value = loads(value)
    if not isinstance(value, dict):
        raise GeometryInputError(_("The geometry must be a GeoJSON object."), "not_object")
    kind = value.get("type")
    if kind in ("Feature", "FeatureCollection"):
        raise GeometryInputError(_("Send a GeoJSON geometry here, not a %(type)s.") % {"type": kind}, "not_geometry")
    if kind not in ACCEPTED_TYPES:
        raise GeometryInputError(
            _("Geometry type %(type)s is not accepted; use Point, LineString or Polygon.") % {"type": str(kind)[:40]},
            "bad_type",
        )
    coordinates = value.get("coordinates")
    if coordinates is None or coordinates == []:
        raise GeometryInputError(_("The geometry is empty: it has no coordinates."), "empty")
    counter = [0]
    try:
        if kind == "Point":
            geometry = Point(*_position(coordinates), srid=settings.LAPOR_SRID)
        elif kind == "LineString":
            geometry = LineString(_positions(coordinates, 2, counter), srid=settings.LAPOR_SRID)
        else:
            if not isinstance(coordinates, (list, tuple)) or not all(isinstance(r, (list, tuple)) for r in coordinates):
                raise GeometryInputError(
                    _("The coordinates are not nested as this geometry type needs."), "bad_nesting"
                )
            rings = [_positions(ring, 4, counter) for ring in coordinates]
            for ring in rings:
                if ring[0] != ring[-1]:
                    raise GeometryInputError(
                        _("A polygon ring must end where it starts (the ring is not closed)."),
                        "ring_not_closed",
                    )
            geometry = Polygon(*rings, srid=settings.LAPOR_SRID)
    except (GEOSException, TypeError, ValueError) as exc:
        if isinstance(exc, GeometryInputError):
            raise
        raise GeometryInputError(_("The coordinates do not form a geometry."), "bad_geometry") from exc
    if geometry.empty:
        raise GeometryInputError(_("The geometry is empty: it has no coordinates."), "empty")
    if not geometry.valid:
        reason = geometry.valid_reason.split("[")[0].strip()
        raise GeometryInputError(
            _("The geometry is not valid (%(reason)s): lines and polygon edges must not cross themselves.")
            % {"reason": reason},
            "invalid",
        )
    return geometry


def representative_point(geometry: GEOSGeometry) -> Point:
    """The point a report is indexed and shown at: the point itself, a line's midpoint, a point
    inside a polygon."""
    if geometry.geom_type == "Point":
        return geometry
    if geometry.geom_type in ("LineString", "MultiLineString"):
        point = geometry.interpolate_normalized(0.5)
    else:
        point = geometry.point_on_surface
    point.srid = geometry.srid
    return point
