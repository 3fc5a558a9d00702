"""One renderer for every Open311 resource: plain data (dicts, lists, scalars) → XML or JSON.

XML is the format the spec requires; JSON follows the "Spark convention" it names: the root element
is dropped and repeated children become an array. So each resource is described once, as data, and
both formats come from it:

    render(fmt="xml", root="services", item="service", data=[{...}, {...}])
      → <services><service>…</service><service>…</service></services>   and   [{…}, {…}]
    render(fmt="xml", root="service_definition", data={...})
      → <service_definition>…</service_definition>                      and   {…}

Inside a record, a list under key K becomes <K><k>…</k>…</K> with the singular tag from ITEM_TAGS.
Values: text as is, booleans as true/false, datetimes in ISO 8601 with the city's offset (+07:00),
None as an empty element (JSON null).
"""

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

from .errors import Open311Error

FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

# The element name of one entry of each list that appears inside a record.
ITEM_TAGS = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "notes": "note",
    "photos": "photo",
}

# Characters XML 1.0 cannot carry at all, not even escaped. Inputs refuse them already; this keeps a
# document well-formed whatever older data holds.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def render(*, fmt: str, root: str, data, item: str | None = None, status: int = 200) -> HttpResponse:
    """`data` is a list of records when `item` names their element, otherwise one record."""
    if fmt == "json":
        body = json.dumps(_json_value(data), ensure_ascii=False).encode()
    else:
        element = ET.Element(root)
        if item is None:
            _fill(element, data)
        else:
            for record in data:
                _append(element, item, record)
        body = (XML_DECLARATION + ET.tostring(element, encoding="unicode")).encode()
    return HttpResponse(body, status=status, content_type=FORMATS.get(fmt, FORMATS["xml"]))


def render_error(*, fmt: str, error: Open311Error) -> HttpResponse:
    return render(fmt=fmt, root="errors", item="error", data=error.as_rows(), status=error.status)


def format_datetime(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def _scalar_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    return XML_ILLEGAL.sub("", str(value))


def _fill(element: ET.Element, record: dict) -> None:
    for key, value in record.items():
        _append(element, key, value)


def _append(parent: ET.Element, tag: str, value) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        _fill(element, value)
    elif isinstance(value, (list, tuple)):
        for entry in value:
            _append(element, ITEM_TAGS[tag], entry)
    elif value is not None:
        element.text = _scalar_text(value)


def _json_value(value):
    if isinstance(value, dict):
        return {key: _json_value(entry) for key, entry in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(entry) for entry in value]
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)  # lazy translations


def render_error_for_path(request, status: int, message: str) -> HttpResponse:
    """An error answered before a view ran (common.errors), in the format the address asks for."""
    fmt = "json" if request.path_info.endswith(".json") else "xml"
    return render_error(fmt=fmt, error=Open311Error(status, message))
