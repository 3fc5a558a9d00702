"""An independent client, the `georeport` package, reads this server in JSON and in XML.

georeport has no method to post; requests are posted here as any Open311 client would (a
form-urlencoded body with api_key), then read back through georeport.
"""

import pytest
from georeport import GeoReport

from geo_reports.models import Category

from .helpers import FORMATS, created_id, post_request, request_form

pytestmark = pytest.mark.django_db


def listed(value) -> list:
    """xmltodict gives a dict, not a list, for a single repeated element."""
    return [value] if isinstance(value, dict) else value


@pytest.fixture(params=FORMATS)
def client(request, server, api_key) -> GeoReport:
    return GeoReport(
        f"{server}/open311/v2/", jurisdiction="batukota.go.id", api_key=api_key, output_format=request.param
    )


def test_georeport_lists_the_services(client):
    services = client.get_service_list()
    codes = [service["service_code"] for service in services]
    assert codes == list(
        Category.objects.filter(is_active=True).order_by("order", "code").values_list("code", flat=True)
    )
    sampah = services[codes.index("sampah")]
    assert sampah["service_name"] == "Sampah"
    assert str(sampah["metadata"]).lower() == "true"
    assert sampah["type"] == "realtime"


def test_georeport_reads_a_service_definition(client, multi_category):
    definition = client.get_service_definition(multi_category)
    assert definition["service_code"] == multi_category
    attributes = definition["attributes"]
    if client.output_format == "xml":  # xmltodict keeps the wrapper element
        attributes = attributes["attribute"]
    assert [a["code"] for a in attributes] == ["hazards", "count", "since"]
    assert attributes[0]["datatype"] == "multivaluelist"
    values = attributes[0]["values"]
    values = values["value"] if client.output_format == "xml" else values
    assert [v["key"] for v in values] == ["glass", "smoke", "water"]


def test_georeport_follows_a_posted_request(client, api, api_key, admin_token):
    form = request_form(description=f"Dibaca lewat georeport ({client.output_format}).")
    report_id = created_id(post_request(api, client.output_format, form, api_key=api_key), client.output_format)

    one = client.get_service_request(report_id)
    assert one["service_request_id"] == report_id
    assert one["service_code"] == "sampah"
    assert one["status"] == "open"
    assert one["description"] == form["description"]
    assert one["requested_datetime"].endswith("+07:00")
    assert float(one["lat"]) == -7.8763 and float(one["long"]) == 112.529

    found = listed(client.get_service_requests(service_request_id=report_id))
    assert [r["service_request_id"] for r in found] == [report_id]

    by_code = listed(client.get_service_requests(service_code="sampah", status="open"))
    assert report_id in [r["service_request_id"] for r in by_code]
    assert {r["status"] for r in by_code} == {"open"}
    window = listed(
        client.get_service_requests(
            service_code="sampah", start_date=one["requested_datetime"], end_date=one["requested_datetime"]
        )
    )
    assert report_id in [r["service_request_id"] for r in window]

    api.post(
        f"/api/reports/{report_id}/transition/",
        json={"status": "rejected", "version": 1, "message": "Di luar kewenangan."},
        headers={"Authorization": f"Token {admin_token}"},
    ).raise_for_status()
    closed = client.get_service_request(report_id)
    assert closed["status"] == "closed" and closed["status_notes"] == "Di luar kewenangan."
    # Another open request, so the list is not empty: georeport cannot read an empty XML list.
    created_id(post_request(api, "json", request_form(), api_key=api_key), "json")
    still_open = listed(client.get_service_requests(service_code="sampah", status="open"))
    assert report_id not in [r["service_request_id"] for r in still_open]
    assert report_id in [r["service_request_id"] for r in listed(client.get_service_requests(status="closed"))]
