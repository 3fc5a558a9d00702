"""The permission matrix, through the real server: every role against every write action and every
private read, on a report of the role's own agency (Dishub) and of another (for DLH's operator)."""

import itertools

import httpx
import pytest

from geo_reports.models import Report, ReportUpdate
from tests.conftest import STAFF
from tests.places import beside

pytestmark = pytest.mark.django_db

ALL = {
    "read_private",
    "verify",
    "start",
    "resolve",
    "reject",
    "duplicate",
    "refer",
    "assign",
    "reply",
    "note",
    "reroute",
    "moderate",
    "co_handle",
}
# Written out from the issue, independently of geo_reports.policy.
ALLOWED = {
    "admin-test": ALL,
    "planner-test": {"read_private"},
    "dishub-operator": ALL,
    "dishub-supervisor": ALL,
    "dishub-crew": {"read_private", "start", "resolve", "reply", "note"},  # neither moderates nor copies
    "dlh-operator": set(),  # another agency's report
    None: set(),  # not signed in
}
_counter = itertools.count(400, 7)


def new_report(api) -> dict:
    """A street-light report (routed to Dishub), at a light (or a spot beside one) nobody else uses."""
    from districts.models import Asset

    lights = Asset.objects.filter(layer__code="street_lights").order_by("external_id")
    turn, index = divmod(next(_counter), lights.count())
    pin = beside(lights[index], 2 + turn)
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [pin.x, pin.y]},
        "properties": {"category": "pju-mati", "answers": {"problem": "out"}},
    }
    created = api.post("/api/reports/", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["properties"]["agency"]["code"] == "dishub"
    return created.json()["properties"]


def attempt(api, action: str, report: dict, headers: dict, admin: dict) -> httpx.Response:
    base = f"/api/reports/{report['id']}"
    if action == "read_private":
        return api.get(f"/api/staff/reports/{report['id']}/", headers=headers)
    if action == "resolve":  # resolving needs work started first
        api.post(f"{base}/transition/", json={"status": "in_progress", "version": 1}, headers=admin).raise_for_status()
        return api.post(
            f"{base}/transition/", json={"status": "resolved", "version": 2, "message": "Beres"}, headers=headers
        )
    transitions = {
        "verify": {"status": "verified"},
        "start": {"status": "in_progress"},
        "reject": {"status": "rejected", "message": "Bukan PJU milik kota"},
        "refer": {"status": "referred", "agency": "pln", "message": "Jaringan PLN"},
    }
    if action in transitions:
        return api.post(f"{base}/transition/", json={**transitions[action], "version": 1}, headers=headers)
    if action == "duplicate":
        original = new_report(api)
        return api.post(
            f"{base}/transition/",
            json={"status": "duplicate", "version": 1, "duplicate_of": original["tracking_code"]},
            headers=headers,
        )
    if action == "assign":
        return api.post(f"{base}/assign/", json={"version": 1, "assignee": "dishub-crew"}, headers=headers)
    if action in ("reply", "note"):
        return api.post(
            f"{base}/comments/", json={"message": "Sedang dicek", "internal": action == "note"}, headers=headers
        )
    if action == "reroute":
        return api.post(f"{base}/reroute/", json={"version": 1, "category": "lalu-lintas"}, headers=headers)
    if action == "moderate":
        return api.post(f"{base}/visibility/", json={"version": 1, "hidden": True, "reason": "test"}, headers=headers)
    if action == "co_handle":
        return api.post(f"{base}/co-handlers/", json={"agency": "pln", "reason": "Tiang PLN"}, headers=headers)
    raise AssertionError(action)


@pytest.mark.parametrize("who", list(ALLOWED), ids=lambda w: w or "anonymous")
@pytest.mark.parametrize("action", sorted(ALL))
def test_the_permission_matrix(api, staff_users, who, action):
    assert set(ALLOWED) - {None} == set(STAFF)
    admin = {"Authorization": f"Token {staff_users['admin-test']}"}
    headers = {"Authorization": f"Token {staff_users[who]}"} if who else {}
    report = new_report(api)
    before = Report.objects.get(pk=report["id"])
    entries = ReportUpdate.objects.filter(report_id=report["id"]).count()

    response = attempt(api, action, report, headers, admin)

    if action in ALLOWED[who]:
        assert response.status_code == 200, (who, action, response.text)
        assert response.json()["properties"]["id"] == report["id"]
        if action != "read_private":
            assert ReportUpdate.objects.filter(report_id=report["id"]).count() > entries
        return
    assert response.status_code == (401 if who is None else 403), (who, action, response.text)
    assert "detail" in response.json()
    after = Report.objects.get(pk=report["id"])
    expected_version = before.version + (1 if action == "resolve" else 0)  # the admin's own setup step
    assert after.version == expected_version
    assert after.agency_id == before.agency_id and after.assigned_to_id is None
    setup_entries = 1 if action == "resolve" else 0
    assert ReportUpdate.objects.filter(report_id=report["id"]).count() == entries + setup_entries


def test_private_fields_only_for_staff_of_the_agency(api, staff_users):
    name = "Warga Rahasia Matriks"
    created = api.post(
        "/api/reports/",
        json={
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [112.5290, -7.8763]},
            "properties": {"category": "pju-mati", "answers": {"problem": "out"}, "reporter": {"name": name}},
        },
    ).json()["properties"]
    for who in ("dishub-operator", "dishub-crew", "planner-test", "admin-test"):
        body = api.get(f"/api/staff/reports/{created['id']}/", headers={"Authorization": f"Token {staff_users[who]}"})
        assert body.json()["properties"]["contact"]["name"] == name, who
    refused = api.get(
        f"/api/staff/reports/{created['id']}/", headers={"Authorization": f"Token {staff_users['dlh-operator']}"}
    )
    assert refused.status_code == 403 and name not in refused.text
    assert name not in api.get(f"/api/reports/{created['id']}/").text


def test_inboxes_hold_their_own_agency_only(api, staff_users):
    report = new_report(api)

    def codes(who):
        response = api.get("/api/staff/inbox/", headers={"Authorization": f"Token {staff_users[who]}"})
        assert response.status_code == 200
        return {r["properties"]["tracking_code"] for r in response.json()["reports"]["features"]}, response.json()[
            "counts"
        ]

    for who in ("dishub-operator", "dishub-crew", "dishub-supervisor", "planner-test", "admin-test"):
        assert report["tracking_code"] in codes(who)[0], who
    dlh_codes, _ = codes("dlh-operator")
    assert report["tracking_code"] not in dlh_codes
    dishub_counts = codes("dishub-operator")[1]
    assert dishub_counts["submitted"] >= 1
    assert api.get("/api/staff/inbox/").status_code == 401


def test_staff_pages_refuse_other_agencies_and_ask_strangers_to_sign_in(server, staff_users):
    from tests.conftest import STAFF_PASSWORD

    report = new_report(httpx.Client(base_url=server))

    def signed_in(username):
        client = httpx.Client(base_url=server, follow_redirects=False)
        page = client.get("/masuk/")
        token = client.cookies["csrftoken"]
        login = client.post(
            "/masuk/",
            data={"username": username, "password": STAFF_PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": server + "/masuk/"},
        )
        assert page.status_code == 200 and login.status_code == 302, login.text[:500]
        return client

    url = f"/petugas/laporan/{report['tracking_code']}/"
    stranger = httpx.get(server + url, follow_redirects=False)
    assert stranger.status_code == 302 and "/masuk/" in stranger.headers["Location"]
    refused = signed_in("dlh-operator").get(url)
    assert refused.status_code == 403 and 'id="refusal"' in refused.text
    allowed = signed_in("dishub-crew").get(url)
    assert allowed.status_code == 200 and report["tracking_code"] in allowed.text
