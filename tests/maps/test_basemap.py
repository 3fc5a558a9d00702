"""The app's basemap tiles: what each zoom holds, what the public never gets (water pipes), names as
a map shows them, and tiles that browsers may keep (a version in the address, ETag)."""

import httpx
import pytest
from django.contrib.gis.geos import Point

from districts.models import Area, Asset
from maps import basemap
from tests.mvt import decode_layers

pytestmark = pytest.mark.django_db

TOWN = Point(112.5246, -7.8712, srid=4326)  # Alun-alun Batu


def tile_at(point: Point, z: int) -> tuple[int, int, int]:
    import math

    n = 2**z
    x = int((point.x + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(point.y))) / math.pi) / 2 * n)
    return z, x, y


def layers_at(point: Point, z: int, staff: bool = False) -> dict:
    z, x, y = tile_at(point, z)
    return decode_layers(basemap.basemap_tile(z=z, x=x, y=y, staff=staff), z, x, y)


def test_a_tile_at_zoom_15_holds_roads_by_class_names_and_outlines():
    village = Asset.objects.filter(layer__code="roads", attributes__road_class="village").order_by("external_id")[3]
    layers = layers_at(village.geom.point_on_surface, 15)
    assert {"boundary", "road"} <= set(layers)
    classes = {row["class"] for row in layers["road"]}
    assert classes <= {"national", "provincial", "city", "village"} and "village" in classes
    assert all(row["geom_type"] in ("LineString", "MultiLineString") for row in layers["road"])
    assert {row["kind"] for row in layers["boundary"]} >= {"desa"}
    assert "light" not in layers and "pipe" not in layers


def test_a_road_is_named_once_in_the_tile_holding_its_middle():
    from django.contrib.gis.geos import LineString

    road = Asset.objects.filter(layer__code="roads", attributes__road_class="city").order_by("external_id")[3]
    line = road.geom if road.geom.geom_type == "LineString" else max(road.geom, key=lambda part: part.length)
    middle = line.interpolate_normalized(0.5)
    labels = layers_at(middle, 16)["road_label"]
    mine = [row for row in labels if row["name"] == road.name.rsplit(" (", 1)[0]]
    assert len(mine) == 1 and "(" not in mine[0]["name"]  # the internal id is not part of the name
    label = mine[0]["geom"].geos
    assert isinstance(label, LineString) and label.length < line.length  # just long enough for the name
    assert label.distance(middle) < 1e-6
    elsewhere = layers_at(line.interpolate_normalized(0.02), 16).get("road_label", [])
    assert tile_at(line.interpolate_normalized(0.02), 16) == tile_at(middle, 16) or not any(
        row["name"] == mine[0]["name"] for row in elsewhere
    )
    village = Asset.objects.filter(layer__code="roads", attributes__road_class="village").order_by("external_id")[3]
    # A village road of 341 m is named where its name fits: from zoom 17, not at 16 (it would need 345 m).
    assert "road_label" not in layers_at(village.geom.interpolate_normalized(0.5), 16) or not any(
        row["class"] == "village" for row in layers_at(village.geom.interpolate_normalized(0.5), 16)["road_label"]
    )
    assert any(
        row["class"] == "village" for row in layers_at(village.geom.interpolate_normalized(0.5), 17)["road_label"]
    )


def test_a_desa_is_named_once_at_its_label_point():
    sisir = Area.objects.get(name="Sisir")
    point = sisir.geom.point_on_surface
    labels = layers_at(point, 14).get("label", [])
    assert [row["name"] for row in labels if row["kind"] == "desa"].count("Sisir") == 1
    kecamatan = layers_at(sisir.parent.geom.point_on_surface, 12)["label"]
    assert "Batu" in [row["name"] for row in kecamatan if row["kind"] == "kecamatan"]


def test_zoomed_out_only_main_roads_and_no_desa():
    layers = layers_at(TOWN, 11)
    assert {row["class"] for row in layers.get("road", [])} <= {"national", "provincial"}
    assert "desa" not in {row["kind"] for row in layers["boundary"]}


def test_street_lights_from_zoom_16():
    light = Asset.objects.filter(layer__code="street_lights").order_by("external_id").first()
    assert "light" not in layers_at(light.geom, 15)
    lights = layers_at(light.geom, 16)["light"]
    assert any(row["geom"].geos.distance(light.geom) < 1e-5 for row in lights)


def test_water_pipes_are_drawn_for_staff_only():
    pipe = Asset.objects.filter(layer__code="water_pipes").order_by("external_id").first()
    middle = pipe.geom.interpolate_normalized(0.5) if pipe.geom.geom_type == "LineString" else pipe.geom.centroid
    assert "pipe" not in layers_at(middle, 16)
    assert layers_at(middle, 16, staff=True)["pipe"]


def test_outside_the_zooms_a_tile_is_empty():
    assert basemap.basemap_tile(z=9, x=418, y=265) == b""


def test_the_version_changes_with_the_data():
    before = basemap.basemap_version()
    road = Asset.objects.filter(layer__code="roads").order_by("external_id").first()
    road.name = road.name + " Baru"
    road.save()
    assert basemap.basemap_version() != before


def test_tiles_over_http_are_cacheable_and_pipes_stay_private(api, staff_users):
    version = basemap.basemap_version()
    z, x, y = tile_at(TOWN, 15)
    url = f"/api/tiles/basemap/{version}/{z}/{x}/{y}.pbf"
    first = api.get(url)
    assert first.status_code == 200 and first.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    assert first.headers["cache-control"] == "public, max-age=31536000, immutable"
    again = api.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    stale = api.get(f"/api/tiles/basemap/0000stale000/{z}/{x}/{y}.pbf")
    assert stale.status_code == 200 and stale.headers["cache-control"] == "public, max-age=60"
    assert api.get(f"/api/tiles/basemap-staff/{version}/{z}/{x}/{y}.pbf").status_code == 404
    assert api.get(f"/api/tiles/basemap/{version}/25/0/0.pbf").status_code == 404


def test_the_staff_basemap_needs_a_signed_in_staff_member(server, staff_users):
    from tests.conftest import STAFF_PASSWORD

    version = basemap.basemap_version()
    pipe = Asset.objects.filter(layer__code="water_pipes").order_by("external_id").first()
    z, x, y = tile_at(pipe.geom.centroid, 16)
    with httpx.Client(base_url=server) as client:
        client.get("/masuk/")
        signed_in = client.post(
            "/masuk/",
            data={
                "username": "dishub-crew",
                "password": STAFF_PASSWORD,
                "csrfmiddlewaretoken": client.cookies["csrftoken"],
            },
            headers={"Referer": server + "/masuk/"},
        )
        assert signed_in.status_code == 302
        response = client.get(f"/api/tiles/basemap-staff/{version}/{z}/{x}/{y}.pbf")
    assert response.status_code == 200
    assert response.headers["cache-control"].startswith("private")
    assert "pipe" in decode_layers(response.content, z, x, y)


def test_attribution_names_what_is_drawn():
    credits = basemap.attribution()
    assert credits[0].startswith("Batas wilayah") or credits[0].startswith("Boundaries")
    assert any("sintetis" in credit or "synthetic" in credit for credit in credits)
    assert not any("OpenStreetMap" in credit for credit in credits)
    assert Area.objects.filter(kind="kota").exists()
