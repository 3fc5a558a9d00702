"""Places for routing tests, found in the demo layers by their attributes (never hard-coded ids), and
moved by exact geodesic offsets (PostGIS ST_Project on the spheroid)."""

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, LineString, Point, Polygon
from django.db import connection

from districts.models import Asset


def _point(wkt: str) -> Point:
    return GEOSGeometry(wkt, srid=settings.LAPOR_SRID)


def asset_where(layer: str, **attributes) -> Asset:
    """The first asset (by external id) of a layer whose attributes match, inside the given kecamatan
    when `kecamatan=` is passed."""
    kecamatan = attributes.pop("kecamatan", None)
    assets = Asset.objects.filter(layer__code=layer, **{f"attributes__{k}": v for k, v in attributes.items()})
    if kecamatan:
        from districts.models import Area

        area = Area.objects.get(kind="kecamatan", name=kecamatan)
        assets = assets.filter(geom__within=area.geom)
    return assets.order_by("external_id").first()


def beside(asset: Asset, metres: float, fraction: float = 0.5, side: int = 1) -> Point:
    """A point `metres` from the asset, square to a line asset at `fraction` of its length (or north
    of a point asset)."""
    with connection.cursor() as cursor:
        if asset.geom.geom_type == "Point":
            cursor.execute(
                "SELECT ST_AsText(ST_Project(geom::geography, %s, 0)::geometry) FROM districts_asset WHERE id = %s",
                [metres, asset.pk],
            )
        else:
            cursor.execute(
                """
                WITH line AS (SELECT geom FROM districts_asset WHERE id = %(id)s),
                     p AS (
                        SELECT ST_LineInterpolatePoint(geom, %(f)s) AS mid,
                               ST_LineInterpolatePoint(geom, GREATEST(%(f)s - 0.02, 0)) AS before,
                               ST_LineInterpolatePoint(geom, LEAST(%(f)s + 0.02, 1)) AS after
                        FROM line)
                SELECT ST_AsText(ST_Project(mid::geography, %(m)s, ST_Azimuth(before, after) + %(side)s * pi() / 2)::geometry)
                FROM p
                """,
                {"id": asset.pk, "f": fraction, "m": metres, "side": side},
            )
        return _point(cursor.fetchone()[0])


def distance_m(a: GEOSGeometry, b: GEOSGeometry) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_Distance(%s::geography, %s::geography)", [a.ewkt, b.ewkt])
        return cursor.fetchone()[0]


def moved(point: Point, metres: float, azimuth_degrees: float) -> Point:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_AsText(ST_Project(%s::geography, %s, radians(%s))::geometry)",
            [point.ewkt, metres, azimuth_degrees],
        )
        return _point(cursor.fetchone()[0])


def parallel_line(asset: Asset, metres: float, start: float = 0.2, end: float = 0.8) -> LineString:
    """Part of a line asset, shifted `metres` to one side: a report drawn along it."""
    a, b = beside(asset, metres, start), beside(asset, metres, end)
    middle = beside(asset, metres, (start + end) / 2)
    return LineString(a.coords, middle.coords, b.coords, srid=settings.LAPOR_SRID)


def square_around(point: Point, half_side_m: float) -> Polygon:
    corners = [moved(point, half_side_m * 1.41421356, azimuth) for azimuth in (45, 135, 225, 315)]
    ring = [c.coords for c in corners] + [corners[0].coords]
    return Polygon(ring, srid=settings.LAPOR_SRID)


def junction(layer: str, first_class: str, second_class: str) -> tuple[Point, Asset, Asset]:
    """Where a road of one class meets a road of another (within 1 m)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.id, b.id, ST_AsText(ST_ClosestPoint(a.geom, b.geom))
            FROM districts_asset a
            JOIN districts_asset b ON a.layer_id = b.layer_id AND ST_DWithin(a.geom::geography, b.geom::geography, 1)
            JOIN districts_assetlayer l ON l.id = a.layer_id
            WHERE l.code = %s AND a.attributes->>'road_class' = %s AND b.attributes->>'road_class' = %s
            ORDER BY a.external_id, b.external_id LIMIT 1
            """,
            [layer, first_class, second_class],
        )
        a, b, wkt = cursor.fetchone()
    return _point(wkt), Asset.objects.get(pk=a), Asset.objects.get(pk=b)


def far_from_layer(layer: str, desa_name: str, metres: float) -> Point:
    """A point inside a desa with no feature of `layer` within `metres` (searched on a grid)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH d AS (SELECT geom FROM districts_area WHERE name = %(desa)s AND kind IN ('desa', 'kelurahan')),
                 grid AS (
                    SELECT ST_SetSRID(ST_MakePoint(x, y), 4326) AS g
                    FROM d, generate_series(ST_XMin(d.geom)::numeric, ST_XMax(d.geom)::numeric, 0.002) x,
                         generate_series(ST_YMin(d.geom)::numeric, ST_YMax(d.geom)::numeric, 0.002) y)
            SELECT ST_AsText(g) FROM grid, d
            WHERE ST_Contains(d.geom, g)
              AND ST_Distance(ST_Boundary(d.geom)::geography, g::geography) > 50
              AND NOT EXISTS (
                  SELECT 1 FROM districts_asset a JOIN districts_assetlayer l ON l.id = a.layer_id
                  WHERE l.code = %(layer)s AND ST_DWithin(a.geom::geography, g::geography, %(m)s))
            ORDER BY ST_X(g), ST_Y(g) LIMIT 1
            """,
            {"desa": desa_name, "layer": layer, "m": metres},
        )
        return _point(cursor.fetchone()[0])


def near_desa_boundary(inside: str, other: str, metres: float) -> Point:
    """A point `metres` inside desa `inside`, from the middle of its shared border with `other`."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH a AS (SELECT geom FROM districts_area WHERE name = %(a)s AND kind IN ('desa', 'kelurahan')),
                 b AS (SELECT geom FROM districts_area WHERE name = %(b)s AND kind IN ('desa', 'kelurahan')),
                 border AS (SELECT ST_LineMerge(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))) AS line FROM a, b),
                 mid AS (SELECT ST_PointOnSurface(ST_GeometryN(ST_CollectionExtract(line, 2), 1)) AS p FROM border)
            SELECT ST_AsText(ST_ClosestPoint(ST_Buffer(a.geom::geography, -%(m)s)::geometry, mid.p)) FROM a, mid
            """,
            {"a": inside, "b": other, "m": metres},
        )
        return _point(cursor.fetchone()[0])
