"""The landing page, conformance, the OpenAPI definition and the collections, through the real server."""

import pytest
from django.contrib.gis.db.models import Extent
from django.utils import translation

from districts.models import Area, Asset, AssetLayer
from geo_reports.selectors import report_public
from ogcapi.catalogue import AREAS_TITLE, REPORTS_TITLE

from .conftest import get_json, link

pytestmark = pytest.mark.django_db

CONFORMANCE = {
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
}
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"


def layer_codes() -> list[str]:
    return list(AssetLayer.objects.order_by("code").values_list("code", flat=True))


def test_landing_page_links_to_everything_a_client_needs(api, server):
    response = api.get("/ogcapi/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["title"] and body["description"]
    rels = {(item["rel"], item["type"]): item["href"] for item in body["links"]}
    assert rels[("self", "application/json")] == f"{server}/ogcapi/?f=json"
    assert rels[("alternate", "text/html")] == f"{server}/ogcapi/?f=html"
    assert rels[("conformance", "application/json")] == f"{server}/ogcapi/conformance?f=json"
    assert rels[("data", "application/json")] == f"{server}/ogcapi/collections?f=json"
    assert rels[("service-desc", OPENAPI)] == f"{server}/ogcapi/api?f=json"
    assert rels[("service-doc", "text/html")] == f"{server}/ogcapi/api?f=html"
    for href in rels.values():
        assert api.get(href).status_code == 200, href


def test_conformance_declares_core_geojson_html_openapi_and_filtering(api):
    body = get_json(api, "/ogcapi/conformance")
    assert set(body["conformsTo"]) == CONFORMANCE


def test_the_openapi_definition_describes_every_collection_and_its_parameters(api, server):
    response = api.get("/ogcapi/api")
    assert response.status_code == 200
    assert response.headers["content-type"] == OPENAPI
    body = response.json()
    assert body["openapi"].startswith("3.0.")
    assert body["servers"] == [{"url": f"{server}/ogcapi"}]
    for path in ("/", "/conformance", "/api", "/collections"):
        assert "get" in body["paths"][path]
    # limit is where QGIS (and GDAL from 3.8) look for the server's page size: components/parameters.
    limit = body["components"]["parameters"]["limit"]
    assert limit["schema"] == {"type": "integer", "minimum": 1, "maximum": 10000, "default": 1000}
    for collection_id in ["reports", "areas", *layer_codes()]:
        assert f"/collections/{collection_id}" in body["paths"]
        items = body["paths"][f"/collections/{collection_id}/items"]["get"]
        parameters = {
            parameter["name"]: parameter
            for parameter in items["parameters"]
            if "$ref" not in parameter  # the others are inline, for clients that do not resolve references
        }
        assert set(parameters) == {"bbox", "datetime", "filter", "filter-lang", "filter-crs", "offset", "f"}
        assert {"$ref": "#/components/parameters/limit"} in items["parameters"]
        # GDAL's OAPIF driver sends its filters as CQL text when filter-lang offers "cql-text".
        assert parameters["filter-lang"]["schema"]["enum"] == ["cql2-text", "cql-text"]
        assert "application/geo+json" in items["responses"]["200"]["content"]
        assert f"/collections/{collection_id}/items/{{featureId}}" in body["paths"]
        queryables = body["paths"][f"/collections/{collection_id}/queryables"]["get"]
        assert set(queryables["responses"]["200"]["content"]) == {
            "application/schema+json",
            "application/json",
            "text/html",
        }


def test_collections_are_reports_areas_and_one_per_asset_layer(api, server):
    body = get_json(api, "/ogcapi/collections")
    assert link(body, "self") == f"{server}/ogcapi/collections?f=json"
    ids = [collection["id"] for collection in body["collections"]]
    assert ids == ["reports", "areas", *layer_codes()]
    titles = {collection["id"]: collection["title"] for collection in body["collections"]}
    with translation.override("id"):
        assert titles["reports"] == str(REPORTS_TITLE)
        assert titles["areas"] == str(AREAS_TITLE)
    for layer in AssetLayer.objects.all():
        assert titles[layer.code] == layer.name
    for collection in body["collections"]:
        assert collection["itemType"] == "feature"
        assert collection["crs"] == [CRS84]
        assert collection["extent"]["spatial"]["crs"] == CRS84
        items = link(collection, "items", "application/geo+json")
        assert items == f"{server}/ogcapi/collections/{collection['id']}/items?f=json"
        assert link(collection, "items", "text/html") == f"{server}/ogcapi/collections/{collection['id']}/items?f=html"
        queryables = f"{server}/ogcapi/collections/{collection['id']}/queryables?f=json"
        assert link(collection, "http://www.opengis.net/def/rel/ogc/1.0/queryables", "application/schema+json") == (
            queryables
        )
        assert link(collection, "queryables", "application/json") == queryables  # the drafts' relation: GDAL's


def assert_bbox_equals(served: list, stored: tuple) -> None:
    assert len(served) == 4
    for a, b in zip(served, stored, strict=True):
        assert a == pytest.approx(b, abs=1e-9)


def test_extents_are_those_of_the_data(api, filed_reports):
    body = get_json(api, "/ogcapi/collections")
    extents = {collection["id"]: collection["extent"] for collection in body["collections"]}
    assert_bbox_equals(extents["areas"]["spatial"]["bbox"][0], Area.objects.aggregate(e=Extent("geom"))["e"])
    for code in layer_codes():
        stored = Asset.objects.filter(layer__code=code).aggregate(e=Extent("geom"))["e"]
        assert_bbox_equals(extents[code]["spatial"]["bbox"][0], stored)
    reports = report_public()
    assert_bbox_equals(extents["reports"]["spatial"]["bbox"][0], reports.aggregate(e=Extent("location"))["e"])
    first, last = extents["reports"]["temporal"]["interval"][0]
    assert first.endswith("Z") and last.endswith("Z")
    assert first == reports.earliest("created_at").created_at.isoformat().replace("+00:00", "Z")
    assert last == reports.latest("created_at").created_at.isoformat().replace("+00:00", "Z")
    assert extents["reports"]["temporal"]["trs"] == "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
    assert "temporal" not in extents["areas"]


def test_one_collection_is_the_same_document_as_in_the_list(api):
    listed = {c["id"]: c for c in get_json(api, "/ogcapi/collections")["collections"]}
    for collection_id in ("reports", "areas", "water_pipes"):
        assert get_json(api, f"/ogcapi/collections/{collection_id}") == listed[collection_id]


@pytest.mark.parametrize(
    "path",
    ["/ogcapi/collections/nope", "/ogcapi/collections/nope/items", "/ogcapi/collections/nope/items/1"],
)
def test_an_unknown_collection_is_a_404_with_a_json_message(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "NotFound"
    assert "nope" in body["description"]


def test_only_get_and_head_are_allowed(api):
    assert api.head("/ogcapi/collections").status_code == 200
    assert api.post("/ogcapi/collections").status_code == 405
