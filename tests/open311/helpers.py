"""Small helpers shared by the Open311 tests."""

import json
import xml.etree.ElementTree as ET

import httpx

PREFIX = "/open311/v2"
BATU = (112.5290, -7.8763)  # lon, lat inside Kelurahan Sisir
MALANG = (112.6302, -7.9666)  # Kota Malang, outside Kota Batu
FORMATS = ("json", "xml")
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# Distinctive, so that finding any part of them in an output is certain to be a leak.
CONTACT = {
    "first_name": "Wiryaningsih",
    "last_name": "Kusumawardhani-Unik",
    "name": "Wiryaningsih Kusumawardhani-Unik",
    "email": "wiryaningsih.rahasia@contoh-unik.id",
    "phone": "0813 5550 7788",
}

# The timeline of the `timeline_report` fixture.
INTERNAL_NOTE = "CATATAN-INTERNAL: pelapor tetangga kepala dinas."
INTERNAL_NOTE_2 = "CATATAN-INTERNAL-2: jangan dipublikasikan."
VERIFIED_MESSAGE = "Tim DLH sudah memverifikasi tumpukan sampah."
PUBLIC_REPLY = "Truk pengangkut dijadwalkan besok pagi."


def url(resource: str, fmt: str) -> str:
    return f"{PREFIX}/{resource}.{fmt}"


def request_form(service_code: str = "sampah", *, lon=BATU[0], lat=BATU[1], **fields) -> dict:
    """A POST form for a new request; `None` drops a field."""
    form = {
        "service_code": service_code,
        "lat": lat if lat is None else str(lat),
        "long": lon if lon is None else str(lon),
    }
    if service_code == "sampah":
        form["attribute[problem]"] = "dumping"
    form.update(fields)
    return {key: value for key, value in form.items() if value is not None}


def post_request(api: httpx.Client, fmt: str, form: dict, *, api_key: str | None, **kwargs) -> httpx.Response:
    data = dict(form)
    if api_key is not None:
        data["api_key"] = api_key
    return api.post(url("requests", fmt), data=data, **kwargs)


def created_id(response: httpx.Response, fmt: str) -> str:
    assert response.status_code == 201, response.text
    return parse(response, fmt)[0]["service_request_id"]


def xml_root(response: httpx.Response) -> ET.Element:
    assert response.content.startswith(XML_DECLARATION), response.content[:80]
    return ET.fromstring(response.content)


def parse(response: httpx.Response, fmt: str):
    """The body as plain data: JSON as is; XML lists of <request>/<error>/... as lists of dicts of
    the children's text (enough for flat records)."""
    assert response.headers["content-type"] == CONTENT_TYPES[fmt]
    if fmt == "json":
        return json.loads(response.content)
    root = xml_root(response)
    return [{child.tag: child.text or "" for child in record} for record in root]


def errors(response: httpx.Response, fmt: str) -> list[tuple[str, str]]:
    """The (code, description) pairs of an error document, checking its shape."""
    if fmt == "json":
        body = parse(response, fmt)
        assert isinstance(body, list)
        assert all(set(entry) == {"code", "description"} for entry in body)
        return [(str(entry["code"]), entry["description"]) for entry in body]
    root = xml_root(response)
    assert root.tag == "errors"
    assert all(child.tag == "error" for child in root)
    assert all([c.tag for c in child] == ["code", "description"] for child in root)
    return [(child.findtext("code"), child.findtext("description")) for child in root]
