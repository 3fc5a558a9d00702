"""HTML pages for people, JSON for programs: `?f=` first, then the Accept header."""

import pytest
from django.utils import translation

from districts.models import Asset, AssetLayer
from ogcapi.catalogue import AREAS_TITLE, REPORTS_TITLE

pytestmark = pytest.mark.django_db

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
GDAL_ITEMS = "application/geo+json, application/json"

PAGES = [
    "/ogcapi/",
    "/ogcapi/conformance",
    "/ogcapi/api",
    "/ogcapi/collections",
    "/ogcapi/collections/reports",
    "/ogcapi/collections/reports/queryables",
    "/ogcapi/collections/areas/items",
    "/ogcapi/collections/roads/items",
]


def titles() -> dict[str, str]:
    with translation.override("id"):
        found = {"reports": str(REPORTS_TITLE), "areas": str(AREAS_TITLE)}
    found.update(dict(AssetLayer.objects.values_list("code", "name")))
    return found


def assert_html(response) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "<html" in response.text and "</html>" in response.text
    return response.text


@pytest.mark.parametrize("path", PAGES)
def test_every_resource_is_a_page_with_f_html_and_for_a_browser(api, path):
    by_parameter = assert_html(api.get(path, params={"f": "html"}))
    by_accept = assert_html(api.get(path, headers={"Accept": BROWSER}))
    assert 'class="site-header"' in by_parameter and 'class="site-header"' in by_accept  # the site layout


@pytest.mark.parametrize("path", PAGES)
def test_programs_get_json(api, path):
    for headers in ({}, {"Accept": "*/*"}, {"Accept": "application/json"}, {"Accept": GDAL_ITEMS}):
        response = api.get(path, headers=headers)
        assert response.status_code == 200
        assert "json" in response.headers["content-type"], headers
        response.json()
    forced = api.get(path, params={"f": "json"}, headers={"Accept": BROWSER})
    assert "json" in forced.headers["content-type"]
    assert "Accept" in forced.headers["vary"]
    assert forced.headers["access-control-allow-origin"] == "*"  # open data, readable from any web page


def test_the_collections_page_lists_every_collection_with_links(api, server):
    page = assert_html(api.get("/ogcapi/collections", params={"f": "html"}))
    for collection_id, title in titles().items():
        assert title in page
        assert f'href="{server}/ogcapi/collections/{collection_id}/items?f=html"' in page


def test_the_items_page_is_a_table_with_a_link_per_feature_and_paging(api, server):
    page = assert_html(api.get("/ogcapi/collections/street_lights/items", params={"f": "html", "limit": 5}))
    lights = Asset.objects.filter(layer__code="street_lights").order_by("external_id")[:5]
    assert titles()["street_lights"] in page
    assert "<table" in page
    for light in lights:
        assert f'href="{server}/ogcapi/collections/street_lights/items/{light.pk}?f=html"' in page
        assert light.external_id in page
    assert 'rel="next"' in page and "offset=5&amp;f=html" in page


def test_the_item_page_shows_the_properties(api, filed_reports):
    filed = filed_reports[1]
    page = assert_html(api.get(f"/ogcapi/collections/reports/items/{filed['id']}", headers={"Accept": BROWSER}))
    assert filed["properties"]["tracking_code"] in page
    assert "pju-mati" in page and "Point" in page


def test_the_api_documentation_page_lists_the_paths(api):
    page = assert_html(api.get("/ogcapi/api", params={"f": "html"}))
    for path in (
        "/collections/reports/items",
        "/collections/water_pipes/items/{featureId}",
        "/collections/reports/queryables",
        "bbox",
        "datetime",
        "filter",
        "limit",  # a reference to components/parameters, shown like the others
    ):
        assert path in page


def test_the_openapi_media_type_gets_the_openapi_document(api):
    response = api.get("/ogcapi/api", headers={"Accept": "application/vnd.oai.openapi+json;version=3.0"})
    assert response.headers["content-type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert response.json()["openapi"].startswith("3.0")


@pytest.mark.parametrize("value", ["xml", "csv", ""])
def test_an_unknown_format_is_a_400(api, value):
    response = api.get("/ogcapi/collections", params={"f": value})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "InvalidParameterValue" and "json" in body["description"]
