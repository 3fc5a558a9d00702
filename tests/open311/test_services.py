"""Service discovery, the service list and service definitions, in XML and JSON, in both languages."""

import json

import pytest
from django.utils import translation

from geo_reports.models import Category

from .helpers import CONTENT_TYPES, FORMATS, url, xml_root

pytestmark = pytest.mark.django_db

SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
ATTRIBUTE_FIELDS = [
    "variable", "code", "datatype", "required", "datatype_description", "order", "description", "values",
]  # fmt: skip


def active_categories() -> list[Category]:
    return list(Category.objects.filter(is_active=True).order_by("order", "code").prefetch_related("questions"))


def test_discovery_names_this_endpoint_and_both_formats(api, server):
    xml = api.get(url("discovery", "xml"))
    assert xml.status_code == 200
    assert xml.headers["content-type"] == CONTENT_TYPES["xml"]
    root = xml_root(xml)
    assert root.tag == "discovery"
    assert [child.tag for child in root] == ["changeset", "contact", "key_service", "endpoints"]
    (endpoint,) = root.find("endpoints")
    assert endpoint.tag == "endpoint"
    assert [child.tag for child in endpoint] == ["specification", "url", "changeset", "type", "formats"]
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == f"{server}/open311/v2/"
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
    assert root.findtext("changeset").endswith("+07:00")
    assert root.findtext("key_service").startswith("Kunci API")

    body = api.get(url("discovery", "json"), headers={"Accept-Language": "en"}).json()
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    assert body["changeset"] == root.findtext("changeset")
    assert body["key_service"].startswith("API keys for posting requests")
    assert body["endpoints"] == [
        {
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": f"{server}/open311/v2/",
            "changeset": root.findtext("changeset"),
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }
    ]
    # The advertised root really serves the resources.
    assert api.get(body["endpoints"][0]["url"] + "services.xml").status_code == 200


def test_the_service_list_is_every_active_category_in_both_formats(api, multi_category, private_category):
    categories = active_categories()
    body = api.get(url("services", "json"))
    assert body.headers["content-type"] == CONTENT_TYPES["json"]
    services = body.json()
    assert isinstance(services, list)
    assert [s["service_code"] for s in services] == [c.code for c in categories]
    assert {multi_category, private_category} <= {s["service_code"] for s in services}
    for service, category in zip(services, categories, strict=True):
        assert list(service) == SERVICE_FIELDS
        with translation.override("id"):
            expected_group = str(category.get_group_display())
        assert service == {
            "service_code": category.code,
            "service_name": category.name,
            "description": category.description,
            "metadata": bool(category.questions.all()),
            "type": "realtime",
            "keywords": category.keywords,
            "group": expected_group,
        }
    by_code = {s["service_code"]: s for s in services}
    assert by_code["sampah"]["metadata"] is True and by_code["lainnya"]["metadata"] is False

    root = xml_root(api.get(url("services", "xml")))
    assert root.tag == "services"
    assert all(child.tag == "service" for child in root)
    as_text = [{field.tag: field.text or "" for field in child} for child in root]
    assert [list(s) for s in as_text] == [SERVICE_FIELDS] * len(services)
    expected = [{k: str(v).lower() if isinstance(v, bool) else v for k, v in s.items()} for s in services]
    assert as_text == expected


def test_the_service_list_speaks_english_when_asked(api):
    for params, headers in (({}, {"Accept-Language": "en"}), ({"lang": "en"}, {})):
        response = api.get(url("services", "json"), params=params, headers=headers)
        assert response.headers["content-language"] == "en"
        assert "Accept-Language" in response.headers["vary"]
        sampah = next(s for s in response.json() if s["service_code"] == "sampah")
        assert sampah["service_name"] == "Waste"
        assert sampah["group"] == "Environment and waste"
    default = api.get(url("services", "xml"))
    assert default.headers["content-language"] == "id"
    assert "<service_name>Sampah</service_name>" in default.text


def test_a_service_definition_is_an_object_in_json_and_a_document_in_xml(api):
    body = api.get(url("services/sampah", "json")).json()
    assert body == {
        "service_code": "sampah",
        "attributes": [
            {
                "variable": True,
                "code": "problem",
                "datatype": "singlevaluelist",
                "required": True,
                "datatype_description": "",
                "order": 1,
                "description": "Apa masalahnya?",
                "values": [
                    {"key": "dumping", "name": "Tumpukan sampah liar"},
                    {"key": "depot_full", "name": "TPS penuh"},
                    {"key": "not_collected", "name": "Belum diangkut"},
                ],
            }
        ],
    }
    root = xml_root(api.get(url("services/sampah", "xml")))
    assert root.tag == "service_definition"
    assert [child.tag for child in root] == ["service_code", "attributes"]
    (attribute,) = root.find("attributes")
    assert attribute.tag == "attribute"
    assert [child.tag for child in attribute] == ATTRIBUTE_FIELDS
    assert attribute.findtext("variable") == "true" and attribute.findtext("required") == "true"
    assert attribute.findtext("order") == "1"
    values = [(v.tag, v.findtext("key"), v.findtext("name")) for v in attribute.find("values")]
    assert values == [
        ("value", "dumping", "Tumpukan sampah liar"),
        ("value", "depot_full", "TPS penuh"),
        ("value", "not_collected", "Belum diangkut"),
    ]


def test_a_service_definition_with_several_datatypes_in_english(api, multi_category):
    body = api.get(url(f"services/{multi_category}", "json"), params={"lang": "en"}).json()
    assert body["service_code"] == multi_category
    assert [(a["order"], a["code"], a["datatype"], a["required"]) for a in body["attributes"]] == [
        (1, "hazards", "multivaluelist", True),
        (2, "count", "number", False),
        (3, "since", "datetime", False),
    ]
    hazards = body["attributes"][0]
    assert hazards["description"] == "Which hazards?"
    assert hazards["datatype_description"] == "Choose one or more."
    assert hazards["values"][0] == {"key": "glass", "name": "Broken glass"}
    assert body["attributes"][1]["values"] == []
    root = xml_root(api.get(url(f"services/{multi_category}", "xml")))
    assert [a.findtext("datatype") for a in root.find("attributes")] == ["multivaluelist", "number", "datetime"]
    assert root.find("attributes")[1].find("values") is not None  # an empty <values/>, as every attribute has


def test_a_service_without_questions_has_an_empty_definition(api):
    assert api.get(url("services/lainnya", "json")).json() == {"service_code": "lainnya", "attributes": []}
    root = xml_root(api.get(url("services/lainnya", "xml")))
    assert [child.tag for child in root] == ["service_code", "attributes"] and len(root.find("attributes")) == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_jurisdiction_may_be_named_or_left_out(api, fmt):
    for params in (
        {},
        {"jurisdiction_id": "batukota.go.id"},
        {"jurisdiction_id": "BatuKota.go.id"},
        {"jurisdiction_id": ""},
    ):
        response = api.get(url("services", fmt), params=params)
        assert response.status_code == 200, (params, response.text)
    reference = api.get(url("services", "json")).json()
    assert json.loads(api.get(url("services", "json"), params={"jurisdiction_id": "batukota.go.id"}).text) == reference
