"""The reports API through the real server: create, preview, read, filter, +1, staff changes, 409,
idempotency, photos and privacy."""

import json
import re
import threading
import uuid

import httpx
import pytest
from PIL import Image

from districts.models import Asset
from geo_reports.models import Report, ReportPhoto, ReportUpdate
from tests import images

pytestmark = pytest.mark.django_db

NAME, PHONE, EMAIL = "Sulastri Wibisono-Unik", "0812 9876 5432", "sulastri.unik@contoh.id"


def feature(category: str, geometry: dict, **properties) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": {"category": category, **properties}}


def point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def light_pin(offset_m: float = 3.0, index: int = 0) -> tuple[dict, Asset]:
    """A pin a few metres north of a street light (a different light per test via `index`)."""
    from tests.places import beside

    light = Asset.objects.filter(layer__code="street_lights").order_by("external_id")[index]
    pin = beside(light, offset_m)
    return point(pin.x, pin.y), light


def create(api, body, **headers) -> httpx.Response:
    return api.post("/api/reports/", json=body, headers=headers)


def staff(token: str) -> dict:
    return {"Authorization": f"Token {token}"}


def test_create_returns_the_routed_report_as_a_feature(api):
    geometry, light = light_pin(3.0, index=10)
    response = create(
        api,
        feature(
            "pju-mati",
            geometry,
            description="Lampu mati sejak Senin.",
            answers={"problem": "out"},
            reporter={"name": NAME, "phone": PHONE, "email": EMAIL},
        ),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["type"] == "Feature"
    assert body["geometry"] == geometry
    props = body["properties"]
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", props["tracking_code"])
    assert props["id"] == body["id"]
    assert props["status"] == "submitted" and props["status_label"] == "Diterima"
    assert props["category"]["code"] == "pju-mati"
    assert props["agency"]["code"] == "dishub"
    assert props["areas"]["desa"]["code"].startswith("35.79.") and props["areas"]["kecamatan"]["kind"] == "kecamatan"
    assert props["asset"] == {
        "layer": "street_lights",
        "external_id": light.external_id,
        "distance_m": 3.0,
        "synthetic": True,
        "geometry": {"type": "Point", "coordinates": [round(light.geom.x, 7), round(light.geom.y, 7)]},
    }
    assert props["routing"]["reason"] == "asset"
    assert props["routing"]["explanation"].startswith(
        f"Diteruskan ke Dinas Perhubungan Kota Batu: lampu PJU {light.external_id} berjarak 3 m;"
    )
    assert props["routing"]["explanation_en"].startswith("Routed to Dinas Perhubungan Kota Batu: street light")
    assert props["answers"] == {"problem": "out"}
    assert props["duplicates"] == []
    assert len(props["reporter_token"]) >= 30
    assert props["timeline"][0]["kind"] == "created"
    assert props["acknowledge_due"] and props["resolve_due"]
    assert response.headers["Location"] == f"/api/reports/{props['id']}/"
    # The contact is stored, privately.
    stored = Report.objects.get(pk=props["id"])
    assert (stored.contact.name, stored.contact.phone, stored.contact.email) == (NAME, PHONE, EMAIL)


def test_the_reporter_contact_never_appears_in_public_output(api):
    geometry, _ = light_pin(2.0, index=11)
    created = create(
        api,
        feature(
            "pju-mati",
            geometry,
            answers={"problem": "out"},
            reporter={"name": NAME, "phone": PHONE, "email": EMAIL},
        ),
    )
    report = created.json()["properties"]
    outputs = [
        created.text,
        api.get(f"/api/reports/{report['id']}/").text,
        api.get(f"/api/reports/track/{report['tracking_code']}/").text,
        api.get("/api/reports/", params={"page_size": 1000}).text,
        api.get("/api/reports/", params={"q": report["tracking_code"]}).text,
        api.post("/api/routing/preview/", json=feature("pju-mati", geometry, answers={"problem": "out"})).text,
        api.get("/api/categories/").text,
        api.get("/api/schema/").text,
    ]
    for text in outputs:
        for secret in (NAME, PHONE, EMAIL, "Wibisono-Unik", "sulastri.unik", "reporter_token_hash"):
            assert secret not in text
    assert report["tracking_code"] in outputs[1]


def test_get_detail_and_track_return_the_public_timeline(api, staff_token):
    geometry, _ = light_pin(4.0, index=12)
    report = create(api, feature("pju-mati", geometry, answers={"problem": "flicker"})).json()["properties"]
    api.post(
        f"/api/reports/{report['id']}/transition/",
        json={"status": "verified", "version": 1, "message": "Laporan telah diterima."},
        headers=staff(staff_token),
    ).raise_for_status()
    detail = api.get(f"/api/reports/{report['id']}/").json()["properties"]
    tracked = api.get(f"/api/reports/track/{report['tracking_code'].lower().replace('-', ' ')}/").json()["properties"]
    assert detail == tracked
    assert [(e["kind"], e["status"]) for e in detail["timeline"]] == [
        ("created", "submitted"),
        ("status", "verified"),
    ]
    assert detail["timeline"][1]["message"] == "Laporan telah diterima."
    assert detail["timeline"][1]["status_label"] == "Diverifikasi"
    assert "actor" not in detail["timeline"][1]  # a role, never a person's name
    assert api.get("/api/reports/track/ZZZZ-ZZZZ/").status_code == 404


def test_preview_answers_like_create_and_saves_nothing(api):
    from tests.places import asset_where, beside

    pipe = asset_where("water_pipes", pipe_type="main")
    pin = beside(pipe, 6.0)
    before = Report.objects.count()
    response = api.post(
        "/api/routing/preview/", json=feature("pipa-bocor", point(pin.x, pin.y), answers={"flow": "gushing"})
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["agency"]["code"] == "pdam"
    assert body["asset"]["external_id"] == pipe.external_id and body["asset"]["distance_m"] == pytest.approx(
        6.0, abs=0.1
    )
    assert body["routing"]["explanation"].startswith("Diteruskan ke Perumda Air Minum Among Tirta Kota Batu: pipa")
    assert Report.objects.count() == before


def test_nearby_open_reports_of_the_same_category_are_offered_as_duplicates(api):
    geometry, light = light_pin(2.0, index=20)
    first = create(api, feature("pju-mati", geometry, answers={"problem": "out"})).json()["properties"]
    from tests.places import beside

    near = beside(light, 12.0)
    preview = api.post(
        "/api/routing/preview/", json=feature("pju-mati", point(near.x, near.y), answers={"problem": "out"})
    ).json()
    assert [d["tracking_code"] for d in preview["duplicates"]] == [first["tracking_code"]]
    assert preview["duplicates"][0]["distance_m"] == pytest.approx(10.0, abs=0.5)
    other = api.post(
        "/api/routing/preview/", json=feature("sampah", point(near.x, near.y), answers={"problem": "dumping"})
    ).json()
    assert other["duplicates"] == []
    second = create(api, feature("pju-mati", point(near.x, near.y), answers={"problem": "out"})).json()["properties"]
    assert [d["tracking_code"] for d in second["duplicates"]] == [first["tracking_code"]]


def test_plus_one_counts_once_per_device(api, server):
    """The device is the cookie the server issues with the first +1 (a client's own id is ignored)."""
    geometry, _ = light_pin(2.0, index=30)
    report = create(api, feature("pju-mati", geometry, answers={"problem": "out"})).json()["properties"]
    url = f"/api/reports/{report['id']}/support/"
    assert api.post(url, json={"device_id": "device-aaaa-1111"}).json() == {
        "counted": True,
        "support_count": 1,
    }
    again = api.post(url, json={"device_id": "device-bbbb-2222"})
    assert again.status_code == 200 and again.json() == {"counted": False, "support_count": 1}
    with httpx.Client(base_url=server, timeout=60) as other_device:
        assert other_device.post(url, json={}).json() == {"counted": True, "support_count": 2}
    assert api.post(url, json={"device_id": "x"}).status_code == 400
    assert api.get(f"/api/reports/{report['id']}/").json()["properties"]["support_count"] == 2


def test_an_idempotent_retry_returns_the_first_report(api):
    geometry, _ = light_pin(2.0, index=40)
    body = feature("pju-mati", geometry, answers={"problem": "out"}, description="sekali saja")
    key = str(uuid.uuid4())
    first = create(api, body, **{"Idempotency-Key": key})
    retry = create(api, body, **{"Idempotency-Key": key})
    assert first.status_code == 201 and retry.status_code == 200
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json()["id"] == first.json()["id"]
    # The key is the device's secret (a UUID): the retry learns the private link again, in case the
    # first answer never reached the device.
    token = first.json()["properties"]["reporter_token"]
    assert token and retry.json()["properties"]["reporter_token"] == token
    assert Report.objects.filter(description="sekali saja").count() == 1
    different = dict(body, properties={**body["properties"], "description": "lain"})
    assert create(api, different, **{"Idempotency-Key": key}).status_code == 422


def test_a_short_hand_made_key_never_gives_the_private_link_again(api):
    geometry, _ = light_pin(2.0, index=42)
    body = feature("pju-mati", geometry, answers={"problem": "out"}, description="kunci pendek")
    first = create(api, body, **{"Idempotency-Key": "kunci-1"})
    retry = create(api, body, **{"Idempotency-Key": "kunci-1"})
    assert retry.status_code == 200 and retry.json()["id"] == first.json()["id"]
    # Anyone could guess "kunci-1" and send the public content again: the link is told once only.
    assert first.json()["properties"]["reporter_token"] and retry.json()["properties"]["reporter_token"] is None
    # Tokens from two devices' keys differ, and each opens only its own report.
    other = create(
        api,
        dict(body, properties={**body["properties"], "description": "lain"}),
        **{"Idempotency-Key": str(uuid.uuid4())},
    )
    assert other.json()["properties"]["reporter_token"] != first.json()["properties"]["reporter_token"]
    wrong = {"action": "erase_contact", "token": other.json()["properties"]["reporter_token"]}
    assert api.post(f"/api/reports/{first.json()['id']}/reporter/", json=wrong).status_code == 403


def test_racing_retries_with_one_key_make_one_report(api, server):
    geometry, _ = light_pin(2.0, index=41)
    body = feature("pju-mati", geometry, answers={"problem": "out"}, description="balapan")
    key = str(uuid.uuid4())
    results = []

    def send():
        with httpx.Client(base_url=server, timeout=60) as client:
            results.append(client.post("/api/reports/", json=body, headers={"Idempotency-Key": key}))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in results) == [200] * 5 + [201]
    assert len({r.json()["id"] for r in results}) == 1
    assert Report.objects.filter(description="balapan").count() == 1


def test_two_staff_changing_at_once_one_gets_409_with_the_current_state(api, server, staff_token):
    geometry, _ = light_pin(2.0, index=50)
    report = create(api, feature("pju-mati", geometry, answers={"problem": "out"})).json()["properties"]
    url = f"/api/reports/{report['id']}/transition/"
    barrier = threading.Barrier(2)
    results = {}

    def change(status, message):
        with httpx.Client(base_url=server, timeout=60, headers=staff(staff_token)) as client:
            barrier.wait()
            results[status] = client.post(url, json={"status": status, "version": 1, "message": message})

    threads = [
        threading.Thread(target=change, args=("verified", "ok")),
        threading.Thread(target=change, args=("rejected", "bukan masalah")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(r.status_code for r in results.values())
    assert codes == [200, 409], {k: v.text for k, v in results.items()}
    winner = next(s for s, r in results.items() if r.status_code == 200)
    loser = next(r for r in results.values() if r.status_code == 409).json()
    assert loser["report"]["properties"]["status"] == winner
    assert loser["report"]["properties"]["version"] == 2
    assert "versi 2" in loser["detail"]
    assert ReportUpdate.objects.filter(report_id=report["id"], kind="status").count() == 1


def test_staff_transitions_allowed_and_refused(api, staff_token):
    geometry, _ = light_pin(2.0, index=60)
    report = create(api, feature("pju-mati", geometry, answers={"problem": "out"})).json()["properties"]
    url = f"/api/reports/{report['id']}/transition/"
    assert api.post(url, json={"status": "verified", "version": 1}).status_code in (401, 403)
    refused = api.post(url, json={"status": "closed", "version": 1}, headers=staff(staff_token))
    assert refused.status_code == 400
    assert refused.json()["errors"]["status"] == [
        "Laporan berstatus Diterima tidak dapat menjadi Ditutup. Status berikutnya yang diizinkan: "
        "Duplikat, Ditindaklanjuti, Dialihkan, Ditolak, Diverifikasi."
    ]
    no_reason = api.post(
        url,
        json={"status": "rejected", "version": 1},
        headers={**staff(staff_token), "Accept-Language": "en"},
    )
    assert no_reason.json()["errors"]["message"] == ["Give the reason for rejecting the report."]
    moved = api.post(url, json={"status": "in_progress", "version": 1}, headers=staff(staff_token))
    assert moved.status_code == 200 and moved.json()["properties"]["status"] == "in_progress"
    referral = api.post(
        url,
        json={"status": "referred", "version": 2, "agency": "pln", "message": "Kabel PLN"},
        headers=staff(staff_token),
    )
    assert referral.status_code == 200, referral.text
    props = referral.json()["properties"]
    assert props["agency"]["code"] == "pln"
    assert props["routing"]["reason"] == "referred"


def test_staff_moving_the_pin_reroutes_and_records_it(api, staff_token):
    from tests.places import asset_where, beside

    geometry, _ = light_pin(2.0, index=70)
    report = create(api, feature("jalan-rusak", geometry, answers={"severity": "minor"})).json()["properties"]
    road = asset_where("roads", road_class="national")
    pin = beside(road, 3.0)
    response = api.post(
        f"/api/reports/{report['id']}/reroute/",
        json={
            "version": report["version"],
            "geometry": point(pin.x, pin.y),
            "message": "Titik dipindah ke lokasi sebenarnya.",
        },
        headers=staff(staff_token),
    )
    assert response.status_code == 200, response.text
    props = response.json()["properties"]
    assert props["agency"]["code"] == "bbpjn"
    assert props["asset"]["external_id"] == road.external_id
    assert props["version"] == report["version"] + 1
    entry = props["timeline"][-1]
    assert entry["kind"] == "rerouted"
    assert entry["message"] == "Titik dipindah ke lokasi sebenarnya."
    assert entry["explanation"].startswith("Diteruskan ke Balai Besar Pelaksanaan Jalan Nasional")
    stale = api.post(
        f"/api/reports/{report['id']}/reroute/",
        json={"version": report["version"], "category": "sampah"},
        headers=staff(staff_token),
    )
    assert stale.status_code == 409


def test_multipart_with_photos_stores_clean_images(api, server):
    geometry, _ = light_pin(2.0, index=80)
    response = api.post(
        "/api/reports/",
        data={
            "category": "pju-mati",
            "geometry": json.dumps(geometry),
            "answers": json.dumps({"problem": "pole"}),
            "description": "Tiang miring",
            "reporter_name": NAME,
        },
        files=[
            ("photos", ("IMG_0001.jpg", images.phone_photo(), "image/jpeg")),
            ("photos", ("b.png", images.png(), "image/png")),
        ],
    )
    assert response.status_code == 201, response.text
    props = response.json()["properties"]
    assert len(props["photos"]) == 2
    first = props["photos"][0]
    assert (first["width"], first["height"]) == (480, 640)
    assert "IMG_0001" not in first["url"]
    served = httpx.get(first["url"], timeout=30)
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/jpeg"
    assert images.SERIAL.encode() not in served.content and images.OWNER.encode() not in served.content
    assert not Image.open(__import__("io").BytesIO(served.content)).getexif()
    assert httpx.get(first["thumbnail_url"], timeout=30).status_code == 200
    assert ReportPhoto.objects.filter(report_id=props["id"]).count() == 2
    assert Report.objects.get(pk=props["id"]).contact.name == NAME


def test_without_a_pin_the_photo_gps_position_is_the_location(api):
    response = api.post(
        "/api/reports/",
        data={"category": "sampah", "answers": json.dumps({"problem": "dumping"})},
        files=[("photos", ("gps.jpg", images.phone_photo(), "image/jpeg"))],
    )
    assert response.status_code == 201, response.text
    props = response.json()["properties"]
    assert props["location"] == pytest.approx([112.529, -7.8762667], abs=1e-6)
    assert "location_from_photo" in props["routing"]["flags"]
    assert props["areas"]["desa"]["name"] == "Sisir"
    no_gps = api.post(
        "/api/reports/",
        data={"category": "sampah", "answers": json.dumps({"problem": "dumping"})},
        files=[("photos", ("plain.png", images.png(), "image/png"))],
    )
    assert no_gps.status_code == 400
    assert no_gps.json()["errors"]["geometry"] == ["Lokasi (geometri) wajib diisi: tandai titik di peta."]


def test_the_list_is_a_paginated_feature_collection_with_filters(api):
    from tests.places import asset_where, beside

    road = asset_where("roads", road_class="provincial")
    pin = beside(road, 2.0, fraction=0.1)
    made = create(
        api,
        feature(
            "jalan-rusak",
            point(pin.x, pin.y),
            answers={"severity": "severe"},
            description="Filter-penanda-7731",
        ),
    ).json()
    code = made["properties"]["tracking_code"]
    desa = made["properties"]["areas"]["desa"]["code"]

    def codes(**params):
        response = api.get("/api/reports/", params={"page_size": 1000, **params})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["type"] == "FeatureCollection"
        return [f["properties"]["tracking_code"] for f in body["features"]]

    lon, lat = pin.x, pin.y
    assert code in codes()
    assert code in codes(bbox=f"{lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}")
    assert code not in codes(bbox=f"{lon + 0.001},{lat - 0.001},{lon + 0.002},{lat + 0.001}")
    assert code in codes(status="submitted") and code in codes(status="open")
    assert code not in codes(status="resolved,closed")
    assert code in codes(category="jalan-rusak,sampah") and code not in codes(category="sampah")
    assert code in codes(agency="pu-bina-marga-jatim") and code not in codes(agency="dpupr")
    assert code in codes(area=desa) and code in codes(area="35.79")
    assert code in codes(q="filter-penanda-7731") and code in codes(q=code)
    assert code in codes(since="2020-01-01T00:00:00+07:00") and code not in codes(until="2020-01-01T00:00:00+07:00")
    page = api.get("/api/reports/", params={"page_size": 1}).json()
    assert len(page["features"]) == 1 and page["count"] >= 1 and "next" in page


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"bbox": "112.6,-7.8,112.5,-7.9"}, "bbox", "bbox terbalik atau kosong"),
        ({"bbox": "1,2,3"}, "bbox", "bbox harus berupa empat angka"),
        ({"status": "lost"}, "status", "Status lost tidak dikenal."),
        ({"page_size": "100000"}, "page_size", "page_size harus di antara 1 dan 1000."),
        ({"since": "kemarin"}, "since", ""),
    ],
)
def test_bad_list_parameters_get_400(api, params, field, message):
    response = api.get("/api/reports/", params=params)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors
    assert message in errors[field][0]


def test_categories_list_their_questions_in_the_request_language(api):
    indonesian = {c["code"]: c for c in api.get("/api/categories/").json()}
    english = {c["code"]: c for c in api.get("/api/categories/", headers={"Accept-Language": "en"}).json()}
    assert len(indonesian) == 12  # ten complaints, and two service requests (a permit, a local-tax question)
    assert (
        indonesian["pipa-bocor"]["name"] == "Pipa PDAM bocor" and english["pipa-bocor"]["name"] == "Leaking water pipe"
    )
    assert (
        indonesian["pipa-bocor"]["asset_layer"] == "water_pipes" and indonesian["pipa-bocor"]["snap_distance_m"] == 25
    )
    flow = indonesian["pipa-bocor"]["questions"][0]
    assert flow["code"] == "flow" and flow["datatype"] == "singlevaluelist" and flow["required"] is True
    assert [v["name"] for v in flow["values"]] == ["Merembes", "Mengalir", "Menyembur"]
    assert [v["name"] for v in english["pipa-bocor"]["questions"][0]["values"]] == [
        "Seeping",
        "Flowing",
        "Gushing",
    ]


def test_schema_and_docs_are_served(api):
    schema = api.get("/api/schema/", headers={"Accept": "application/json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/reports/",
        "/api/routing/preview/",
        "/api/reports/{id}/",
        "/api/reports/track/{code}/",
        "/api/areas/",
    ):
        assert path in paths
    docs = api.get("/api/docs/")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert "cdn" not in docs.text.lower()
