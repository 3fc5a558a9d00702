"""The one renderer: the same data as XML (the spec's element shapes) and as JSON (Spark convention)."""

import datetime as dt
import json
import xml.etree.ElementTree as ET

from open311.errors import Open311Error
from open311.render import render, render_error

RECORD = {
    "service_request_id": "7",
    "description": 'Pipa "bocor" <b>di sini</b> & di sana\x0b\x00.',
    "requested_datetime": dt.datetime(2026, 11, 27, 1, 30, 5, 123456, tzinfo=dt.UTC),
    "expected_datetime": None,
    "lat": -7.8763,
    "metadata": True,
    "order": 2,
    "attributes": [{"code": "a", "values": [{"key": "k1", "name": "satu"}]}],
    "extended_attributes": {"photos": [], "duplicate": False},
}


def test_xml_has_the_declaration_escapes_markup_and_drops_what_xml_cannot_hold():
    response = render(fmt="xml", root="service_requests", item="request", data=[RECORD, {"service_request_id": "8"}])
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<service_requests><request>')
    root = ET.fromstring(response.content)
    assert [child.tag for child in root] == ["request", "request"]
    first = root[0]
    assert [child.tag for child in first] == list(RECORD)
    assert first.findtext("description") == 'Pipa "bocor" <b>di sini</b> & di sana.'
    assert first.findtext("requested_datetime") == "2026-11-27T08:30:05+07:00"
    assert first.find("expected_datetime").text is None
    assert (first.findtext("lat"), first.findtext("metadata"), first.findtext("order")) == ("-7.8763", "true", "2")
    (attribute,) = first.find("attributes")
    assert attribute.tag == "attribute"
    (value,) = attribute.find("values")
    assert (value.tag, value.findtext("key"), value.findtext("name")) == ("value", "k1", "satu")
    extended = first.find("extended_attributes")
    assert len(extended.find("photos")) == 0 and extended.findtext("duplicate") == "false"


def test_json_drops_the_root_and_keeps_types():
    response = render(fmt="json", root="service_requests", item="request", data=[RECORD])
    assert response["Content-Type"] == "application/json; charset=utf-8"
    (record,) = json.loads(response.content)
    assert record["description"] == RECORD["description"]
    assert record["requested_datetime"] == "2026-11-27T08:30:05+07:00"
    assert record["expected_datetime"] is None
    assert (record["lat"], record["metadata"], record["order"]) == (-7.8763, True, 2)
    assert record["attributes"] == [{"code": "a", "values": [{"key": "k1", "name": "satu"}]}]
    assert record["extended_attributes"] == {"photos": [], "duplicate": False}
    one = render(fmt="json", root="service_definition", data={"service_code": "x", "attributes": []})
    assert json.loads(one.content) == {"service_code": "x", "attributes": []}


def test_errors_list_every_description_with_the_status():
    error = Open311Error(400, "satu", "dua")
    xml = render_error(fmt="xml", error=error)
    assert xml.status_code == 400
    root = ET.fromstring(xml.content)
    assert root.tag == "errors"
    assert [(e.tag, e.findtext("code"), e.findtext("description")) for e in root] == [
        ("error", "400", "satu"),
        ("error", "400", "dua"),
    ]
    assert json.loads(render_error(fmt="json", error=error).content) == [
        {"code": 400, "description": "satu"},
        {"code": 400, "description": "dua"},
    ]
