"""Answers have a visibility: a PDAM customer number, a PLN customer id or a tax object number
identifies a household, so only staff and the reporter see it; every public output leaves it out.
Number answers keep to the limits of what they measure."""

import pytest

from tests.places import asset_where, beside

pytestmark = pytest.mark.django_db

CUSTOMER = "PDAM-0077-3311"


def leak_body() -> dict:
    pipe = asset_where("water_pipes")
    pin = beside(pipe, 3.0)
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [pin.x, pin.y]},
        "properties": {
            "category": "pipa-bocor",
            "answers": {"flow": "gushing", "customer_number": CUSTOMER},
            "description": "Pipa bocor di depan rumah.",
        },
    }


def test_a_staff_only_answer_reaches_staff_and_the_reporter_and_no_one_else(api, staff_token):
    created = api.post("/api/reports/", json=leak_body())
    assert created.status_code == 201, created.text
    report = created.json()["properties"]
    assert report["answers"]["customer_number"] == CUSTOMER  # the reporter's own answer, with their token
    code, token = report["tracking_code"], report["reporter_token"]

    public = [
        api.get(f"/api/reports/{report['id']}/"),
        api.get(f"/api/reports/track/{code}/"),
        api.get("/api/reports/", params={"q": code}),
        api.get(f"/laporan/{code}/"),
        api.get(f"/en/laporan/{code}/"),
        api.get("/open311/v2/requests.json", params={"service_request_id": report["id"], "extensions": "true"}),
        api.get("/open311/v2/requests.xml", params={"service_request_id": report["id"], "extensions": "true"}),
        api.get("/api/reports/export.geojson", params={"q": code}),
        api.get("/ogcapi/collections/reports/items", params={"limit": 10000}),
    ]
    for response in public:
        assert response.status_code == 200, response.url
        assert CUSTOMER not in response.text, response.url
    detail = api.get(f"/api/reports/{report['id']}/").json()["properties"]
    assert detail["answers"] == {"flow": "gushing"}  # the public answer stays
    page = api.get(f"/laporan/{code}/").text
    assert "Nomor pelanggan PDAM" not in page and "Seberapa deras airnya?" in page

    assert (
        api.get(f"/api/reports/track/{code}/", params={"t": token}).json()["properties"]["answers"]["customer_number"]
        == CUSTOMER
    )
    assert CUSTOMER in api.get(f"/laporan/{code}/", params={"t": token}).text
    staff = api.get(f"/api/staff/reports/{report['id']}/", headers={"Authorization": f"Token {staff_token}"})
    assert staff.json()["properties"]["answers"]["customer_number"] == CUSTOMER


@pytest.mark.parametrize(
    ("width", "message"),
    [(-5, "Masukkan angka dari 0 sampai 100."), (150, "Masukkan angka dari 0 sampai 100.")],
)
def test_a_number_beyond_its_limits_is_refused_and_nothing_is_written(api, width, message):
    from geo_reports.models import Report

    road = asset_where("roads", road_class="city")
    pin = beside(road, 2.0)
    before = Report.objects.count()
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [pin.x, pin.y]},
        "properties": {"category": "jalan-rusak", "answers": {"severity": "minor", "width_m": width}},
    }
    response = api.post("/api/reports/", json=body)
    assert response.status_code == 400
    assert response.json()["errors"] == {"answers.width_m": [message]}
    assert Report.objects.count() == before
    body["properties"]["answers"]["width_m"] = 2.5
    assert api.post("/api/reports/", json=body).status_code == 201
