"""Metric work on geography: distances match an independent geodesic, and the index is used."""

import pytest
from django.db import connection
from geopy.distance import geodesic

from districts.models import Asset
from districts.spatial import GeographyDistance, GeographyDWithin, GeographyKnn, lonlat_point

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((112.5290, -7.8763), (112.5291, -7.8763)),  # ~11 m east-west
        ((112.5290, -7.8763), (112.5290, -7.8764)),  # ~11 m north-south
        ((112.4746, -7.9394), (112.5957, -7.7326)),  # across the whole city bounding box
    ],
)
def test_geography_distance_matches_the_geodesic(a, b):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Distance(ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography,"
            " ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography)",
            [*a, *b],
        )
        (postgis,) = cursor.fetchone()
    expected = geodesic((a[1], a[0]), (b[1], b[0])).m  # Karney's algorithm on WGS84, in geographiclib
    assert postgis == pytest.approx(expected, abs=0.001)


def test_orm_distance_function_uses_the_spheroid():
    here = lonlat_point(112.5290, -7.8763)
    light = Asset.objects.filter(layer__code="street_lights").annotate(d=GeographyDistance("geom", here)).first()
    x, y = light.geom.coords
    assert light.d == pytest.approx(geodesic((y, x), (-7.8763, 112.5290)).m, abs=0.001)


def test_nearest_asset_query_walks_the_geography_index():
    here = lonlat_point(112.5290, -7.8763)
    nearest = (
        Asset.objects.filter(GeographyDWithin("geom", here, 500))
        .annotate(knn=GeographyKnn("geom", here))
        .order_by("knn")[:5]
    )
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # tiny tables: make the planner show its index choice
        sql, params = nearest.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "asset_geog_gist" in plan
    distances = [a.knn for a in nearest]
    assert distances == sorted(distances)
    assert distances and distances[-1] <= 500
