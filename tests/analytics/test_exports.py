"""GeoJSON and CSV exports through the real server: every field, the privacy rule, filters, streaming."""

import csv
import datetime as dt
import io
import json

import pytest
import shapely
from django.contrib.gis.gdal import DataSource

from geo_reports.models import Report
from tests.places import far_from_layer

pytestmark = pytest.mark.django_db
MARKER = "ekspor-uji-8841"
SECRET_NAME, SECRET_PHONE, SECRET_EMAIL = "Pelapor Ekspor Rahasia", "0813 5555 0101", "ekspor.rahasia@contoh.id"


def _post(api, category, answers, point, description):
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
        "properties": {
            "category": category,
            "answers": answers,
            "description": description,
            "reporter": {"name": SECRET_NAME, "phone": SECRET_PHONE, "email": SECRET_EMAIL},
        },
    }
    response = api.post("/api/reports/", json=body)
    assert response.status_code == 201, response.text
    return response.json()["properties"]


@pytest.fixture
def two_reports(api):
    light_report = _post(api, "pju-mati", {"problem": "out"}, far_from_layer("roads", "Temas", 5), f"{MARKER} lampu")
    waste_report = _post(
        api, "sampah", {"problem": "dumping"}, far_from_layer("roads", "Sisir", 5), f'=HYPERLINK("x") {MARKER}'
    )
    return light_report, waste_report


def _geojson(api, headers=None, **params):
    response = api.get("/api/reports/export.geojson", params={"q": MARKER, **params}, headers=headers or {})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/geo+json"
    assert "attachment" in response.headers["Content-Disposition"]
    return response, json.loads(response.text)


def test_the_geojson_export_is_rfc_7946_with_every_public_field(api, two_reports):
    light, waste = two_reports
    response, body = _geojson(api)
    assert "Content-Length" not in response.headers  # streamed
    assert body["type"] == "FeatureCollection"
    features = {f["properties"]["tracking_code"]: f for f in body["features"]}
    assert set(features) >= {light["tracking_code"], waste["tracking_code"]}
    feature = features[light["tracking_code"]]
    stored = Report.objects.select_related("category", "agency", "desa", "kecamatan").get(pk=light["id"])
    assert feature["id"] == stored.pk
    assert feature["geometry"]["type"] == "Point"
    assert feature["geometry"]["coordinates"] == pytest.approx([stored.geometry.x, stored.geometry.y], abs=1e-7)
    props = feature["properties"]
    assert (
        props["status"] == "submitted"
        and props["category"] == "pju-mati"
        and props["category_name"] == "Lampu PJU mati"
    )
    assert props["agency"] == "dishub" and props["agency_name"] == "Dinas Perhubungan Kota Batu"
    assert props["desa"] == "Temas" and props["desa_code"] == stored.desa.code and props["kecamatan"] == "Batu"
    assert props["description"] == f"{MARKER} lampu"
    assert props["routing"] == stored.routing_explanation
    # Times in WIB with the offset, as every page shows them: the same instants as stored.
    for name in ("created_at", "resolve_due"):
        assert props[name].endswith("+07:00"), name
        assert dt.datetime.fromisoformat(props[name]) == getattr(stored, name)
    assert {"support_count", "resolve_due", "first_response_at", "resolved_at", "closed_at", "asset"} <= set(props)
    assert "reporter" not in props and "assigned_to" not in props
    for secret in (SECRET_NAME, SECRET_PHONE, SECRET_EMAIL):
        assert secret not in response.text


def test_filters_apply_to_exports(api, two_reports):
    light, waste = two_reports
    _, only_waste = _geojson(api, category="sampah")
    codes = {f["properties"]["tracking_code"] for f in only_waste["features"]}
    assert waste["tracking_code"] in codes and light["tracking_code"] not in codes
    bad = api.get("/api/reports/export.geojson", params={"bbox": "1,2,3"})
    assert bad.status_code == 400 and "bbox" in bad.json()["errors"]


def test_private_fields_by_permission(api, staff_users, two_reports):
    light, waste = two_reports

    def reporter_by_code(who):
        _, body = _geojson(api, headers={"Authorization": f"Token {staff_users[who]}"})
        return {f["properties"]["tracking_code"]: f["properties"].get("reporter") for f in body["features"]}

    planner = reporter_by_code("planner-test")
    assert planner[light["tracking_code"]] == {"name": SECRET_NAME, "phone": SECRET_PHONE, "email": SECRET_EMAIL}
    assert planner[waste["tracking_code"]]["email"] == SECRET_EMAIL
    dishub = reporter_by_code("dishub-operator")
    assert dishub[light["tracking_code"]]["name"] == SECRET_NAME  # Dishub's own report
    assert dishub[waste["tracking_code"]] is None  # DLH's report: public fields only
    response = api.get(
        "/api/reports/export.geojson",
        params={"q": MARKER},
        headers={"Authorization": f"Token {staff_users['dlh-operator']}"},
    )
    assert "private" in response.headers["Cache-Control"]


def test_the_csv_export(api, staff_users, two_reports):
    light, waste = two_reports
    response = api.get("/api/reports/export.csv", params={"q": MARKER})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    by_code = {row["tracking_code"]: row for row in rows}
    row = by_code[light["tracking_code"]]
    stored = Report.objects.get(pk=light["id"])
    assert float(row["lon"]) == pytest.approx(stored.location.x, abs=1e-7)
    assert float(row["lat"]) == pytest.approx(stored.location.y, abs=1e-7)
    assert shapely.from_wkt(row["wkt"]).equals_exact(shapely.Point(stored.geometry.x, stored.geometry.y), 1e-7)
    assert row["agency"] == "dishub" and row["category"] == "pju-mati"
    assert row["created_at"].endswith("+07:00") and dt.datetime.fromisoformat(row["created_at"]) == stored.created_at
    assert "reporter_name" not in row
    # A description that a spreadsheet would run as a formula is written as text.
    assert by_code[waste["tracking_code"]]["description"].startswith("'=HYPERLINK")
    for secret in (SECRET_NAME, SECRET_PHONE, SECRET_EMAIL):
        assert secret not in response.text
    private = api.get(
        "/api/reports/export.csv",
        params={"q": MARKER},
        headers={"Authorization": f"Token {staff_users['planner-test']}"},
    )
    private_rows = {r["tracking_code"]: r for r in csv.DictReader(io.StringIO(private.text))}
    assert private_rows[light["tracking_code"]]["reporter_phone"] == SECRET_PHONE
    assert private_rows[light["tracking_code"]]["channel"] == "api"


def test_unknown_formats_are_404(api):
    assert api.get("/api/reports/export.xml").status_code == 404


def _geopackage(api, tmp_path, headers=None, **params):
    response = api.get("/api/reports/export.gpkg", params={"q": MARKER, **params}, headers=headers or {})
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"] == "application/geopackage+sqlite3"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="lapor-batu-reports-')
    assert response.headers["Content-Disposition"].endswith('.gpkg"')
    path = tmp_path / f"export-{len(list(tmp_path.iterdir()))}.gpkg"
    path.write_bytes(response.content)
    return response, DataSource(str(path))


def test_the_geopackage_export_holds_the_geojson_exports_features_and_fields(api, two_reports, tmp_path):
    light, waste = two_reports
    response, source = _geopackage(api, tmp_path)
    assert "public" in response.headers["Cache-Control"]
    assert len(source) == 1
    layer = source[0]
    assert layer.name == "reports"
    assert layer.srs.srid == 4326
    _, geojson = _geojson(api)
    assert layer.num_feat == len(geojson["features"])
    exported = {feature["properties"]["tracking_code"]: feature for feature in geojson["features"]}
    assert set(layer.fields) == set(next(iter(exported.values()))["properties"])  # the same fields
    by_code = {feature.get("tracking_code"): feature for feature in layer}
    assert set(by_code) == set(exported) >= {light["tracking_code"], waste["tracking_code"]}
    feature = by_code[light["tracking_code"]]
    stored = Report.objects.get(pk=light["id"])
    assert feature.fid == stored.pk  # the report's id
    assert feature.get("agency") == "dishub" and feature.get("support_count") == 0
    assert feature.get("created_at") == exported[light["tracking_code"]]["properties"]["created_at"]
    assert feature.get("created_at").endswith("+07:00")
    assert dt.datetime.fromisoformat(feature.get("created_at")) == stored.created_at
    assert feature.geom.coords == pytest.approx((stored.geometry.x, stored.geometry.y), abs=1e-7)
    for secret in (SECRET_NAME, SECRET_PHONE, SECRET_EMAIL):
        assert secret.encode() not in response.content


def test_the_geopackage_export_takes_the_filters_and_the_private_fields_by_permission(
    api, staff_users, two_reports, tmp_path
):
    light, waste = two_reports
    _, only_waste = _geopackage(api, tmp_path, category="sampah")
    assert waste["tracking_code"] in {feature.get("tracking_code") for feature in only_waste[0]}
    assert light["tracking_code"] not in {feature.get("tracking_code") for feature in only_waste[0]}

    response, planner = _geopackage(api, tmp_path, headers={"Authorization": f"Token {staff_users['planner-test']}"})
    assert "no-store" in response.headers["Cache-Control"]
    layer = planner[0]
    assert {"reporter_name", "reporter_phone", "reporter_email", "assigned_to"} <= set(layer.fields)
    row = next(feature for feature in layer if feature.get("tracking_code") == light["tracking_code"])
    assert (row.get("reporter_name"), row.get("reporter_phone"), row.get("reporter_email")) == (
        SECRET_NAME,
        SECRET_PHONE,
        SECRET_EMAIL,
    )
