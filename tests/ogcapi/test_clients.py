"""Real clients against the real server: GDAL's OGC API driver (ogrinfo, ogr2ogr) and OWSLib."""

import json
import re

import pytest
from owslib.ogcapi.features import Features

from districts.models import Area, Asset, AssetLayer
from geo_reports.selectors import report_public

from .conftest import assert_same_coordinates, box, gdal, gdal_traced, get_json, wib

pytestmark = pytest.mark.django_db


def api_ids(api, filter_text: str) -> set[int]:
    body = get_json(api, "/ogcapi/collections/reports/items", filter=filter_text, limit=10000)
    assert body["numberMatched"] == len(body["features"])
    return {feature["id"] for feature in body["features"]}


def copied_ids(path) -> list[int]:
    return [feature["properties"]["id"] for feature in json.loads(path.read_text())["features"]]


def feature_count(server: str, layer: str) -> int:
    output = gdal("ogrinfo", "-ro", "-al", "-so", f"OAPIF:{server}/ogcapi", layer)
    return int(re.search(r"^Feature Count: (\d+)$", output, re.MULTILINE).group(1))


def test_ogrinfo_lists_every_collection_as_a_layer(server):
    output = gdal("ogrinfo", "-ro", "-so", f"OAPIF:{server}/ogcapi")
    layers = re.findall(r"^\d+: (\S+)", output, re.MULTILINE)
    assert layers == ["reports", "areas", *AssetLayer.objects.order_by("code").values_list("code", flat=True)]


def test_ogrinfo_counts_the_features_of_the_database(server, filed_reports):
    assert feature_count(server, "areas") == Area.objects.count() == 28
    assert feature_count(server, "reports") == report_public().count() >= len(filed_reports)
    for code in ("roads", "street_lights"):
        assert feature_count(server, code) == Asset.objects.filter(layer__code=code).count()


def test_ogr2ogr_copies_a_layer_with_the_database_geometry(server, tmp_path):
    target = tmp_path / "water_pipes.geojson"
    gdal("ogr2ogr", "-f", "GeoJSON", str(target), f"OAPIF:{server}/ogcapi", "water_pipes")
    copied = json.loads(target.read_text())["features"]
    stored = {
        asset.external_id: asset for asset in Asset.objects.filter(layer__code="water_pipes").select_related("owner")
    }
    assert len(copied) == len(stored) > 200
    assert {feature["properties"]["external_id"] for feature in copied} == set(stored)
    for feature in copied:
        asset = stored[feature["properties"]["external_id"]]
        assert feature["properties"]["owner_code"] == asset.owner.code
        assert feature["properties"]["diameter_mm"] == asset.attributes["diameter_mm"]
        assert feature["geometry"]["type"] == asset.geom.geom_type
        assert_same_coordinates(feature["geometry"]["coordinates"], json.loads(asset.geom.geojson)["coordinates"])


def test_ogr2ogr_with_a_spatial_filter_uses_bbox(server, tmp_path):
    target = tmp_path / "lights.geojson"
    bounds = ("112.515", "-7.89", "112.535", "-7.87")
    gdal("ogr2ogr", "-f", "GeoJSON", "-spat", *bounds, str(target), f"OAPIF:{server}/ogcapi", "street_lights")
    copied = {feature["properties"]["external_id"] for feature in json.loads(target.read_text())["features"]}
    expected = set(
        Asset.objects.filter(layer__code="street_lights", geom__intersects=box(*map(float, bounds))).values_list(
            "external_id", flat=True
        )
    )
    assert copied == expected and len(expected) > 0


@pytest.mark.parametrize(
    ("where", "cql2"),
    [
        # The case: before, GDAL sent any date comparison as `datetime` (created_at).
        ("updated_at >= '2025-06-10'", "updated_at >= DATE('2025-06-10')"),
        # A date alone, which GDAL writes as '2025-06-10T': the whole day in WIB.
        ("updated_at = '2025-06-10'", "updated_at = DATE('2025-06-10')"),
        (
            "resolved_at < '2025-06-10' OR status = 'in_progress'",
            "resolved_at < DATE('2025-06-10') OR status = 'in_progress'",
        ),
        ("updated_at >= '2025-06-10T17:00:00'", "updated_at >= TIMESTAMP('2025-06-10T17:00:00Z')"),  # GDAL: UTC
        ("overdue = 1 AND agency_code = 'dishub'", "overdue = TRUE AND agency_code = 'dishub'"),
    ],
)
def test_gdal_sends_its_filter_to_the_server_and_gets_the_rows_the_api_counts(
    server, api, timeline_reports, tmp_path, where, cql2
):
    target = tmp_path / "filtered.geojson"
    debug, fetched = gdal_traced(
        "ogr2ogr", "-f", "GeoJSON", str(target), f"OAPIF:{server}/ogcapi", "reports", "-where", where
    )
    expected = api_ids(api, cql2)
    copied = copied_ids(target)
    assert sorted(copied) == sorted(expected) and expected
    # Every page was asked for with the filter (after GDAL's first request, which reads the schema),
    # and GDAL did not filter anything again on its side.
    pages = [url for url in fetched if "/collections/reports/items" in url]
    assert len(pages) >= 2 and all("filter=" in url and "filter-lang=cql-text" in url for url in pages[1:])
    assert "evaluated on client side" not in debug


def test_ogrinfo_counts_what_the_api_counts_for_a_date(server, api, timeline_reports):
    output = gdal(
        "ogrinfo", "-ro", "-al", "-so", "-where", "updated_at = '2025-06-10'", f"OAPIF:{server}/ogcapi", "reports"
    )
    counted = int(re.search(r"^Feature Count: (\d+)$", output, re.MULTILINE).group(1))
    on_the_day = api_ids(api, "updated_at = DATE('2025-06-10')")
    assert counted == len(on_the_day) >= 2
    assert {timeline_reports["first_moment"], timeline_reports["last_moment"]} <= on_the_day
    assert (
        set(
            report_public()
            .filter(updated_at__range=(wib(2025, 6, 10), wib(2025, 6, 10, 23, 59, 59, 999999)))
            .values_list("pk", flat=True)
        )
        == on_the_day
    )


def test_owslib_reads_the_service(server, filed_reports):
    service = Features(f"{server}/ogcapi")
    assert set(service.conformance()["conformsTo"]) >= {
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    }
    assert service.api()["openapi"].startswith("3.0")
    codes = list(AssetLayer.objects.order_by("code").values_list("code", flat=True))
    assert service.feature_collections() == ["reports", "areas", *codes]
    assert service.collection("areas")["id"] == "areas"

    areas = service.collection_items("areas", limit=100)
    assert areas["numberMatched"] == areas["numberReturned"] == Area.objects.count()
    kota = next(feature for feature in areas["features"] if feature["properties"]["kind"] == "kota")
    stored = Area.objects.get(pk=kota["id"])
    assert_same_coordinates(kota["geometry"]["coordinates"], stored.geom.coords)

    roads = service.collection_items("roads", bbox=[112.515, -7.89, 112.535, -7.87], limit=1000)
    assert {f["id"] for f in roads["features"]} == set(
        Asset.objects.filter(layer__code="roads", geom__intersects=box(112.515, -7.89, 112.535, -7.87)).values_list(
            "pk", flat=True
        )
    )

    filed = filed_reports[0]
    report = service.collection_item("reports", str(filed["id"]))
    assert report["properties"]["tracking_code"] == filed["properties"]["tracking_code"]
    recent = service.collection_items("reports", datetime_=f"{filed['properties']['created_at']}/..", limit=1000)
    assert filed["id"] in {feature["id"] for feature in recent["features"]}

    queryables = service.collection_queryables("reports")["properties"]
    assert (queryables["updated_at"]["type"], queryables["updated_at"]["format"]) == ("string", "date-time")
    matched = service.collection_items("reports", filter=f"tracking_code = '{filed['properties']['tracking_code']}'")
    assert [feature["id"] for feature in matched["features"]] == [filed["id"]]
