"""How many requests 10,000 features take: pages of 1,000 unless the client asks otherwise, and the
next links walk them all."""

import json

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point

from districts.models import Agency, Asset, AssetLayer

from .conftest import gdal_traced, walk

pytestmark = pytest.mark.django_db

FEATURES = 10_000


@pytest.fixture(scope="module")
def ten_thousand_points(committed) -> str:
    """An asset layer of 10,000 points on a grid over Batu, committed for the server and removed
    after this module (the demo's largest layer has 1,289)."""
    with committed():
        owner = Agency.objects.get(code="dishub")
        layer = AssetLayer.objects.create(
            code="uji_halaman", name="Uji halaman", feature_noun="titik", geometry_type="point", default_owner=owner
        )
        Asset.objects.bulk_create(
            Asset(
                layer=layer,
                external_id=f"UJI-{number:05d}",
                geom=Point(112.50 + number % 100 * 0.0005, -7.90 + number // 100 * 0.0005, srid=settings.LAPOR_SRID),
                owner=owner,
            )
            for number in range(FEATURES)
        )
    yield layer.code
    with committed():
        AssetLayer.objects.filter(pk=layer.pk).delete()


def test_a_client_that_asks_no_page_size_reads_10000_features_in_10_requests(api, ten_thousand_points):
    features, pages = walk(api, f"/ogcapi/collections/{ten_thousand_points}/items")
    assert len(pages) == 10
    assert [page["numberReturned"] for page in pages] == [1000] * 10
    assert len({feature["properties"]["external_id"] for feature in features}) == FEATURES


def test_gdal_reads_10000_features_in_10_pages(server, ten_thousand_points, tmp_path):
    """GDAL 3.6 asks for 10 features a page unless told its PAGE_SIZE (newer GDAL and QGIS take the
    server's page size from the API definition); told 1000, it reads the 10,000 in 10 pages, after
    one request for the first page to learn the schema."""
    target = tmp_path / "points.geojson"
    _, fetched = gdal_traced(
        "ogr2ogr", "-f", "GeoJSON", str(target), f"OAPIF:{server}/ogcapi", ten_thousand_points, "-oo", "PAGE_SIZE=1000"
    )
    pages = [url for url in fetched if f"/collections/{ten_thousand_points}/items" in url]
    assert len(pages) == 11 and pages[0] == pages[1]  # the schema's request, then the 10 pages
    assert all("limit=1000" in url for url in pages)
    copied = json.loads(target.read_text())["features"]
    assert len({feature["properties"]["external_id"] for feature in copied}) == len(copied) == FEATURES
