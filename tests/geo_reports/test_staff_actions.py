"""Staff actions through the real server: each leaves a timeline entry and an audit entry, public
ones show on the report page at once, internal ones never do."""

import io

import pytest
from geopy.distance import geodesic
from PIL import Image

from geo_reports.models import AuditEntry, Report, ReportUpdate
from tests import images
from tests.places import asset_where, beside, moved

from .test_permissions import new_report

pytestmark = pytest.mark.django_db


def auth(staff_users, who):
    return {"Authorization": f"Token {staff_users[who]}"}


def test_each_action_is_on_the_timeline_and_in_the_audit_log(api, staff_users):
    operator = auth(staff_users, "dishub-operator")
    report = new_report(api)
    url = f"/api/reports/{report['id']}"

    verified = api.post(
        f"{url}/transition/",
        json={"status": "verified", "version": 1, "message": "Laporan telah diterima."},
        headers=operator,
    )
    assert verified.status_code == 200
    api.post(
        f"{url}/comments/", json={"message": "Tim dijadwalkan besok pagi.", "internal": False}, headers=operator
    ).raise_for_status()
    api.post(
        f"{url}/comments/", json={"message": "Catatan internal: kabel dicuri?", "internal": True}, headers=operator
    ).raise_for_status()
    assigned = api.post(f"{url}/assign/", json={"version": 2, "assignee": "dishub-crew"}, headers=operator)
    assert assigned.status_code == 200 and assigned.json()["properties"]["assigned_to"] == "dishub-crew"
    wrong_person = api.post(f"{url}/assign/", json={"version": 3, "assignee": "dlh-operator"}, headers=operator)
    assert wrong_person.status_code == 400 and "assignee" in wrong_person.json()["errors"]

    staff_view = api.get(f"/api/staff/reports/{report['id']}/", headers=operator).json()["properties"]
    kinds = [(e["kind"], e["status"], e["is_internal"], e["actor"]) for e in staff_view["timeline"]]
    assert kinds == [
        ("created", "submitted", False, None),
        ("status", "verified", False, "dishub-operator"),
        ("comment", "", False, "dishub-operator"),
        ("note", "", True, "dishub-operator"),
        ("assigned", "", True, "dishub-operator"),
    ]
    public = api.get(f"/api/reports/{report['id']}/").json()["properties"]
    assert [e["kind"] for e in public["timeline"]] == ["created", "status", "comment"]
    assert "kabel dicuri" not in api.get(f"/api/reports/{report['id']}/").text
    page = api.get(f"/laporan/{report['tracking_code']}/").text
    assert "Tim dijadwalkan besok pagi." in page and "Laporan telah diterima." in page
    assert "kabel dicuri" not in page and "dishub-crew" not in page and "dishub-operator" not in page

    audit = list(
        AuditEntry.objects.filter(report_id=report["id"])
        .order_by("id")
        .values_list("action", "actor__username", "actor_role")
    )
    assert audit == [
        ("status:verified", "dishub-operator", "operator"),
        ("reply", "dishub-operator", "operator"),
        ("note", "dishub-operator", "operator"),
        ("assign", "dishub-operator", "operator"),
    ]
    entry = AuditEntry.objects.filter(report_id=report["id"], action="assign").get()
    assert entry.before["assigned_to"] is None and entry.after["assigned_to"] == "dishub-crew"
    assert entry.before["version"] == 2 and entry.after["version"] == 3


def test_resolving_with_an_after_photo_shows_it_to_the_citizen(api, staff_users, server):
    crew = auth(staff_users, "dishub-crew")
    report = new_report(api)
    url = f"/api/reports/{report['id']}/transition/"
    api.post(url, json={"status": "in_progress", "version": 1}, headers=crew).raise_for_status()
    resolved = api.post(
        url,
        data={"status": "resolved", "version": "2", "message": "Lampu sudah diganti."},
        files={"photo": ("sesudah.jpg", images.phone_photo(), "image/jpeg")},
        headers=crew,
    )
    assert resolved.status_code == 200, resolved.text
    public = api.get(f"/api/reports/track/{report['tracking_code']}/").json()["properties"]
    assert public["status"] == "resolved" and public["resolved_at"]
    last = public["timeline"][-1]
    assert last["status"] == "resolved" and last["message"] == "Lampu sudah diganti."
    assert len(last["photos"]) == 1
    served = api.get(last["photos"][0]["url"].replace(server, ""))
    assert served.status_code == 200 and images.SERIAL.encode() not in served.content
    assert not Image.open(io.BytesIO(served.content)).getexif()
    page = api.get(f"/laporan/{report['tracking_code']}/").text
    assert "Selesai" in page and last["photos"][0]["thumbnail_url"].replace(server, "") in page


def test_a_bad_after_photo_is_refused_and_nothing_changes(api, staff_users):
    crew = auth(staff_users, "dishub-crew")
    report = new_report(api)
    url = f"/api/reports/{report['id']}/transition/"
    api.post(url, json={"status": "in_progress", "version": 1}, headers=crew).raise_for_status()
    refused = api.post(
        url,
        data={"status": "resolved", "version": "2"},
        files={"photo": ("x.jpg", b"not a photo", "image/jpeg")},
        headers=crew,
    )
    assert refused.status_code == 400
    assert refused.json()["errors"]["photo"] == [
        "Berkas ini bukan foto yang dapat dibaca. Kirim gambar JPEG, PNG, atau WebP."
    ]
    assert Report.objects.get(pk=report["id"]).status == "in_progress"


def test_referral_reroutes_and_hands_the_report_over(api, staff_users):
    operator = auth(staff_users, "dishub-operator")
    report = new_report(api)
    referred = api.post(
        f"/api/reports/{report['id']}/transition/",
        json={"status": "referred", "version": 1, "agency": "pln", "message": "Lampu milik jaringan PLN."},
        headers=operator,
    ).json()["properties"]
    assert referred["agency"]["code"] == "pln"
    assert referred["routing"]["reason"] == "referred"
    assert referred["routing"]["explanation"].startswith("Dialihkan ke PT PLN (Persero)")
    # Dishub no longer holds it: its staff can read it no more, nor act on it.
    assert api.get(f"/api/staff/reports/{report['id']}/", headers=operator).status_code == 403
    again = api.post(f"/api/reports/{report['id']}/comments/", json={"message": "x"}, headers=operator)
    assert again.status_code == 403


def test_moving_the_pin_reroutes_and_is_recorded(api, staff_users):
    operator = auth(staff_users, "dishub-operator")
    report = new_report(api)
    road = asset_where("roads", road_class="national")
    pin = beside(road, 3.0, fraction=0.8)
    response = api.post(
        f"/api/reports/{report['id']}/reroute/",
        json={"version": 1, "category": "jalan-rusak", "geometry": {"type": "Point", "coordinates": [pin.x, pin.y]}},
        headers=operator,
    )
    assert response.status_code == 200, response.text
    props = response.json()["properties"]
    assert props["category"]["code"] == "jalan-rusak" and props["agency"]["code"] == "bbpjn"
    entry = ReportUpdate.objects.filter(report_id=report["id"], kind="rerouted").get()
    assert entry.data["before"]["agency"] == "dishub" and entry.data["after"]["agency"] == "bbpjn"
    assert AuditEntry.objects.filter(report_id=report["id"], action="reroute").exists()


def test_the_audit_log_is_append_only_and_in_the_admin(api, staff_users):
    from django.contrib.auth import get_user_model
    from django.db import IntegrityError, transaction
    from django.test import Client

    report = new_report(api)
    api.post(
        f"/api/reports/{report['id']}/transition/",
        json={"status": "verified", "version": 1},
        headers=auth(staff_users, "dishub-operator"),
    ).raise_for_status()
    entry = AuditEntry.objects.filter(report_id=report["id"]).get()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="nothing happened")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    admin = get_user_model().objects.create_superuser("audit-admin", "a@contoh.go.id", "x-pass-123")
    client = Client()
    client.force_login(admin)
    listing = client.get("/admin/geo_reports/auditentry/")
    assert listing.status_code == 200 and "status:verified" in listing.content.decode()
    assert client.get(f"/admin/geo_reports/auditentry/{entry.pk}/delete/").status_code == 403


def test_nearby_lists_my_agencys_open_tickets_nearest_first(api, staff_users):
    from districts.models import Asset

    lights = list(Asset.objects.filter(layer__code="street_lights").order_by("external_id")[1200:1204])
    centre = beside(lights[0], 0.0)
    made = []
    for index, light in enumerate(lights):
        pin = beside(light, 1.5)
        body = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [pin.x, pin.y]},
            "properties": {
                "category": "pju-mati",
                "answers": {"problem": "out"},
                "description": f"tiket-dekat-{index}",
            },
        }
        made.append(api.post("/api/reports/", json=body).json()["properties"])
    far = moved(centre, 3000, 45)
    crew = auth(staff_users, "dishub-crew")
    response = api.get("/api/reports/nearby/", params={"lon": centre.x, "lat": centre.y, "radius": 2000}, headers=crew)
    assert response.status_code == 200
    tickets = response.json()["reports"]
    distances = [t["distance_m"] for t in tickets]
    assert distances == sorted(distances)
    ours = {t["tracking_code"]: t for t in tickets if t["tracking_code"] in {m["tracking_code"] for m in made}}
    assert len(ours) == 4
    for ticket in ours.values():
        lon, lat = ticket["location"]
        assert ticket["distance_m"] == pytest.approx(geodesic((centre.y, centre.x), (lat, lon)).m, abs=0.5)
        assert ticket["distance_m"] <= 2000
    assert tickets[0]["distance_m"] <= ours[made[0]["tracking_code"]]["distance_m"]
    # Far away: none of these; another agency: none of these.
    far_codes = {
        t["tracking_code"]
        for t in api.get(
            "/api/reports/nearby/", params={"lon": far.x, "lat": far.y, "radius": 100}, headers=crew
        ).json()["reports"]
    }
    assert not far_codes & set(ours)
    dlh = api.get(
        "/api/reports/nearby/",
        params={"lon": centre.x, "lat": centre.y, "radius": 2000},
        headers=auth(staff_users, "dlh-operator"),
    )
    assert not {t["tracking_code"] for t in dlh.json()["reports"]} & set(ours)


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"lat": "-7.87"}, "lon", "Bujur (lon) wajib diisi."),
        ({"lon": "112.52", "lat": "abc"}, "lat", "Lintang (lat) harus berupa angka, dalam derajat desimal."),
        ({"lon": "112.52", "lat": "-7.87", "radius": "-5"}, "radius", "radius harus di antara 1 dan 20.000 meter."),
        ({"lon": "112.52", "lat": "-7.87", "radius": "1e9"}, "radius", "radius harus di antara 1 dan 20.000 meter."),
        ({"lon": "112.52", "lat": "-7.87", "radius": "jauh"}, "radius", "radius harus berupa angka (meter)."),
    ],
)
def test_nearby_refuses_bad_coordinates_and_radius(api, staff_users, params, field, message):
    response = api.get("/api/reports/nearby/", params=params, headers=auth(staff_users, "dishub-crew"))
    assert response.status_code == 400
    assert response.json()["errors"][field] == [message]


def test_nearby_needs_a_signed_in_staff_member(api):
    assert api.get("/api/reports/nearby/", params={"lon": 112.52, "lat": -7.87}).status_code == 401
