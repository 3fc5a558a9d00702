"""GET /api/areas/?lon=&lat= over the real Kota Batu boundaries, through the real server."""

import math

import pytest
import shapely
from geopy.distance import geodesic

TEST_POINTS = "batu_desa_test_points"


def _areas(api, lon, lat, **headers):
    return api.get("/api/areas/", params={"lon": lon, "lat": lat}, headers=headers)


def test_every_desa_test_point_lands_in_its_desa_and_kecamatan(api, desa_test_points):
    assert len(desa_test_points) == 24
    for point in desa_test_points:
        lon, lat = point["geometry"]["coordinates"]
        expected = point["properties"]
        response = _areas(api, lon, lat)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["type"] == "FeatureCollection"
        by_kind = {f["properties"]["kind"]: f["properties"] for f in body["features"]}
        local = by_kind.get("desa") or by_kind.get("kelurahan")
        assert local is not None, (expected["expected_desa"], body)
        assert local["code"] == expected["expected_desa_code"], expected["expected_desa"]
        assert by_kind["kecamatan"]["name"] == expected["expected_kecamatan"]
        assert local["parent_code"] == by_kind["kecamatan"]["code"]
        assert by_kind["kota"]["code"] == "35.79"
        # kota, kecamatan, desa/kelurahan: exactly three levels, outermost first.
        assert [f["properties"]["kind"] for f in body["features"]][:2] == ["kota", "kecamatan"]
        assert len(body["features"]) == 3


def _points_just_outside(city, metres=40.0, count=12):
    """Points `metres` beyond the city boundary, on rays from the centroid in `count` directions."""
    centre = city.centroid
    points = []
    for i in range(count):
        bearing = 2 * math.pi * i / count
        far = shapely.Point(centre.x + math.cos(bearing), centre.y + math.sin(bearing))
        ray = shapely.LineString([centre, far])
        crossing = ray.intersection(city.exterior)
        # The outermost crossing along the ray, then a step further out.
        exit_point = max(shapely.get_parts(crossing), key=lambda p: centre.distance(p))
        step_deg = metres / 111_320.0
        outside = shapely.Point(
            exit_point.x + math.cos(bearing) * step_deg, exit_point.y + math.sin(bearing) * step_deg
        )
        assert not city.contains(outside)
        assert geodesic((exit_point.y, exit_point.x), (outside.y, outside.x)).m < metres * 1.1
        points.append(outside)
    return points


def test_points_just_outside_the_city_return_an_empty_collection(api, city_shape):
    for point in _points_just_outside(city_shape):
        response = _areas(api, point.x, point.y)
        assert response.status_code == 200
        assert response.json() == {"type": "FeatureCollection", "features": []}, (point.x, point.y)


def test_a_point_far_away_returns_an_empty_collection(api):
    # Monas, Jakarta
    body = _areas(api, 106.8272, -6.1754).json()
    assert body["features"] == []


def test_area_features_carry_geometry_and_names(api, desa_test_points):
    sisir = next(p for p in desa_test_points if p["properties"]["expected_desa"] == "Sisir")
    lon, lat = sisir["geometry"]["coordinates"]
    body = _areas(api, lon, lat).json()
    desa = body["features"][-1]
    assert desa["properties"]["name"] == "Sisir"
    assert desa["properties"]["kind"] == "kelurahan"
    assert desa["properties"]["parent_name"] == "Batu"
    assert desa["geometry"]["type"] == "MultiPolygon"
    assert shapely.geometry.shape(desa["geometry"]).contains(shapely.Point(lon, lat))


@pytest.mark.parametrize(
    ("params", "field", "indonesian", "english"),
    [
        ({"lat": "-7.87"}, "lon", "Bujur (lon) wajib diisi.", "Longitude (lon) is required."),
        ({"lon": "112.52"}, "lat", "Lintang (lat) wajib diisi.", "Latitude (lat) is required."),
        (
            {"lon": "abc", "lat": "-7.87"},
            "lon",
            "Bujur (lon) harus berupa angka, dalam derajat desimal.",
            "Longitude (lon) must be a number, in decimal degrees.",
        ),
        (
            {"lon": "112.52", "lat": "7,87"},
            "lat",
            "Lintang (lat) harus berupa angka, dalam derajat desimal.",
            "Latitude (lat) must be a number, in decimal degrees.",
        ),
        (
            {"lon": "212.52", "lat": "-7.87"},
            "lon",
            "Bujur (lon) harus di antara -180 dan 180.",
            "Longitude (lon) must be between -180 and 180.",
        ),
        (
            {"lon": "112.52", "lat": "-97.87"},
            "lat",
            "Lintang (lat) harus di antara -90 dan 90.",
            "Latitude (lat) must be between -90 and 90.",
        ),
        (
            {"lon": "nan", "lat": "-7.87"},
            "lon",
            "Bujur (lon) harus berupa angka, dalam derajat desimal.",
            "Longitude (lon) must be a number, in decimal degrees.",
        ),
        (
            {"lon": "112.52", "lat": "-inf"},
            "lat",
            "Lintang (lat) harus berupa angka, dalam derajat desimal.",
            "Latitude (lat) must be a number, in decimal degrees.",
        ),
    ],
)
def test_bad_coordinates_get_400_with_a_message_in_both_languages(api, params, field, indonesian, english):
    default = api.get("/api/areas/", params=params)
    assert default.status_code == 400
    body = default.json()
    assert body["errors"][field] == [indonesian]
    assert body["detail"] == indonesian

    in_english = api.get("/api/areas/", params=params, headers={"Accept-Language": "en"})
    assert in_english.status_code == 400
    assert in_english.json()["errors"][field] == [english]


def test_no_parameters_at_all_names_both_fields(api):
    body = api.get("/api/areas/").json()
    assert set(body["errors"]) == {"lon", "lat"}
