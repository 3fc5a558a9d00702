"""The project's few spatial building blocks, in one place.

Storage is WGS84 (settings.LAPOR_SRID). Metric work is done on PostGIS *geography* (metres on the
WGS84 spheroid), never on a guessed projection. The expression `geom::geography` is written by
`Geography` only, so the functional GiST indexes declared in the models are the very expressions the
queries use, and PostgreSQL picks them for ST_DWithin and for KNN ordering (`<->`).
"""

import math

from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import models
from django.db.models import Func, Value

# The one metric projection, for the few PostGIS functions that work in planar units only (e.g.
# ST_ClusterDBSCAN's eps): UTM zone 49S, in which Kota Batu lies. Everything else uses geography.
METRIC_SRID = 32749


def lonlat_point(lon: float, lat: float) -> Point:
    return Point(float(lon), float(lat), srid=settings.LAPOR_SRID)


def geometry_value(geometry: GEOSGeometry) -> Value:
    """A geometry literal usable as an argument of the functions below."""
    return Value(geometry, output_field=GeometryField(srid=geometry.srid or settings.LAPOR_SRID))


def _as_expression(value):
    return geometry_value(value) if isinstance(value, GEOSGeometry) else value


class LonLatPoint(Func):
    """`ST_SetSRID(ST_MakePoint(lon, lat), srid)` from two numbers (expressions or values): a point
    whose coordinates are the statement's parameters, not a geometry literal."""

    template = f"ST_SetSRID(ST_MakePoint(%(expressions)s), {int(settings.LAPOR_SRID)})"
    output_field = GeometryField(srid=settings.LAPOR_SRID)

    def __init__(self, lon, lat, **extra):
        super().__init__(*(v if hasattr(v, "resolve_expression") else Value(float(v)) for v in (lon, lat)), **extra)


class Geography(Func):
    """`geom::geography`: the metric view of a WGS84 geometry."""

    template = "(%(expressions)s)::geography"
    output_field = GeometryField(geography=True)

    def __init__(self, expression, **extra):
        super().__init__(_as_expression(expression), **extra)


class Longitude(Func):
    """A point's longitude as a number (`ST_X`): rows for JSON without building GEOS objects."""

    function = "ST_X"
    output_field = models.FloatField()


class Latitude(Func):
    """A point's latitude as a number (`ST_Y`)."""

    function = "ST_Y"
    output_field = models.FloatField()


class GeographyDistance(Func):
    """Distance in metres on the spheroid (`ST_Distance(geography, geography)`)."""

    function = "ST_Distance"
    output_field = models.FloatField()

    def __init__(self, a, b, **extra):
        super().__init__(Geography(a), Geography(b), **extra)


class GeographyLength(Func):
    """Length of a line in metres on the spheroid."""

    function = "ST_Length"
    output_field = models.FloatField()

    def __init__(self, expression, **extra):
        super().__init__(Geography(expression), **extra)


class GeographyDWithin(Func):
    """True when the two geometries are within `metres` of each other; uses the geography index."""

    function = "ST_DWithin"
    output_field = models.BooleanField()

    def __init__(self, a, b, metres: float, **extra):
        super().__init__(Geography(a), Geography(b), Value(float(metres)), **extra)


class GeographyKnn(Func):
    """The KNN operator on geography (`a <-> b`, sphere metres): ORDER BY it to walk the index."""

    arg_joiner = " <-> "
    template = "%(expressions)s"
    output_field = models.FloatField()

    def __init__(self, a, b, **extra):
        super().__init__(Geography(a), Geography(b), **extra)


class GeometryTypeName(Func):
    """PostGIS `GeometryType(geom)`: 'POINT', 'LINESTRING', 'MULTIPOLYGON'..."""

    function = "GeometryType"
    output_field = models.CharField()


class Boundary(Func):
    function = "ST_Boundary"
    output_field = GeometryField()


def degrees_for_metres(metres: float, latitude: float) -> float:
    """A safe (never too small) size in degrees for `metres` at `latitude`, for bbox prefilters."""
    return metres / (111_320.0 * max(math.cos(math.radians(latitude)), 0.01))
