"""Co-handling (tembusan): a report copied to other agencies, by a routing rule at creation or by the
leading agency's staff. The copied agency reads it, replies and notes; the leading agency alone changes
its status, deadline, assignee and public text. The public sees who is involved."""

import pytest
from django.contrib.auth import get_user_model

from districts.models import Agency, Membership
from geo_reports import policy
from geo_reports.models import Category, ReportCoHandler, ReportUpdate, RoutingRule
from geo_reports.services.intake import report_create
from notifications.models import Notification
from tests.places import beside

from .test_permissions import new_report

pytestmark = pytest.mark.django_db
BATU = (112.5290, -7.8763)


def auth(staff_users, who):
    return {"Authorization": f"Token {staff_users[who]}"}


def test_a_routing_rule_copies_the_agencies_it_names_and_tells_them():
    """In one transaction, rolled back: a rule for waste naming DPUPR and PLN as co-handlers."""
    from django.contrib.gis.geos import Point

    waste = Category.objects.get(code="sampah")
    dlh, dpupr, pln = (Agency.objects.get(code=code) for code in ("dlh", "dpupr", "pln"))
    Agency.objects.filter(pk=pln.pk).update(send_method="webhook", endpoint_url="http://127.0.0.1:9/pln")
    rule = RoutingRule.objects.create(category=waste, agency=dlh, priority=50, note="Sampah menyumbat saluran")
    rule.co_handlers.set([dpupr, pln, dlh])  # the leading agency itself is not copied

    report = report_create(
        category=waste, geometry=Point(*BATU, srid=4326), answers={"problem": "dumping"}, description="Sampah"
    ).report

    assert report.agency == dlh and report.routing["rule"]["id"] == rule.pk
    copied = ReportCoHandler.objects.filter(report=report)
    assert {c.agency.code for c in copied} == {"dpupr", "pln"}
    assert {c.reason for c in copied} == {"Sampah menyumbat saluran"}
    entries = ReportUpdate.objects.filter(report=report, kind=ReportUpdate.Kind.CO_HANDLING_ADDED)
    assert {(e.agency.code, e.is_internal) for e in entries} == {("dpupr", False), ("pln", False)}
    # PLN hears of it by its own delivery (a webhook); DPUPR's is the in-app inbox.
    told = Notification.objects.filter(report=report, event="co_handling")
    assert [(n.agency.code, n.channel) for n in told] == [("pln", "agency_webhook")]
    assert told[0].payload["body"]["report"]["tracking_code"] == report.tracking_code


def test_the_policy_gives_a_co_handling_agency_reading_and_replying_only():
    from django.contrib.gis.geos import Point

    waste = Category.objects.get(code="sampah")
    report = report_create(category=waste, geometry=Point(*BATU, srid=4326), answers={"problem": "dumping"}).report
    dpupr = Agency.objects.get(code="dpupr")
    ReportCoHandler.objects.create(report=report, agency=dpupr)
    staff = {}
    for role in ("operator", "crew"):
        user = get_user_model().objects.create(username=f"dpupr-{role}-uji")
        Membership.objects.create(user=user, agency=dpupr, role=role)
        staff[role] = user
    report = type(report).objects.prefetch_related("co_handlers").get(pk=report.pk)
    operator_may = {a for a in policy.Action if policy.can(staff["operator"], report, a)}
    crew_may = {a for a in policy.Action if policy.can(staff["crew"], report, a)}
    assert operator_may == crew_may == {policy.Action.READ_PRIVATE, policy.Action.REPLY, policy.Action.NOTE}
    acting = policy.authorize(staff["operator"], report, policy.Action.REPLY)
    assert (acting.role, acting.agency, acting.co_handling) == ("operator", dpupr, True)


def test_a_copied_agency_reads_and_replies_but_does_not_lead(api, staff_users):
    dishub, dlh = auth(staff_users, "dishub-operator"), auth(staff_users, "dlh-operator")
    report = new_report(api)
    base = f"/api/reports/{report['id']}"
    assert api.get(f"/api/staff/reports/{report['id']}/", headers=dlh).status_code == 403

    copied = api.post(f"{base}/co-handlers/", json={"agency": "dlh", "reason": "Pohon menimpa tiang"}, headers=dishub)
    assert copied.status_code == 200, copied.text
    assert [c["agency"]["code"] for c in copied.json()["properties"]["co_handlers"]] == ["dlh"]
    again = api.post(f"{base}/co-handlers/", json={"agency": "dlh"}, headers=dishub)
    assert again.status_code == 400 and "agency" in again.json()["errors"]
    lead = api.post(f"{base}/co-handlers/", json={"agency": "dishub"}, headers=dishub)
    assert lead.status_code == 400

    inbox = api.get("/api/staff/inbox/", headers=dlh).json()
    assert report["tracking_code"] in {f["properties"]["tracking_code"] for f in inbox["reports"]["features"]}
    assert api.get(f"/api/staff/reports/{report['id']}/", headers=dlh).status_code == 200
    for body in (
        {"message": "DLH akan memotong dahan.", "internal": False},
        {"message": "Jadwal Kamis", "internal": True},
    ):
        assert api.post(f"{base}/comments/", json=body, headers=dlh).status_code == 200
    refused = [
        api.post(f"{base}/transition/", json={"status": "verified", "version": 1}, headers=dlh),
        api.post(f"{base}/assign/", json={"version": 1, "assignee": "dlh-operator"}, headers=dlh),
        api.post(f"{base}/visibility/", json={"version": 1, "hidden": True, "reason": "test"}, headers=dlh),
        api.post(f"{base}/co-handlers/", json={"agency": "pln"}, headers=dlh),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403, 403]

    staff_view = api.get(f"/api/staff/reports/{report['id']}/", headers=dishub).json()["properties"]
    reply = next(e for e in staff_view["timeline"] if e["kind"] == "comment")
    assert reply["agency"]["code"] == "dlh" and reply["actor"] == "dlh-operator"  # DLH acted for itself
    public = api.get(f"/api/reports/{report['id']}/").json()["properties"]
    assert [a["code"] for a in public["co_handling_agencies"]] == ["dlh"]
    added = next(e for e in public["timeline"] if e["kind"] == "co_handling_added")
    assert added["agency"]["code"] == "dlh" and "Pohon menimpa tiang" not in str(public)  # the why is staff's
    assert "DLH akan memotong dahan." in str(public) and "Jadwal Kamis" not in str(public)

    ended = api.delete(f"{base}/co-handlers/dlh/", headers=dishub)
    assert ended.status_code == 200 and ended.json()["properties"]["co_handlers"] == []
    assert api.get(f"/api/staff/reports/{report['id']}/", headers=dlh).status_code == 403
    public = api.get(f"/api/reports/{report['id']}/").json()["properties"]
    assert public["co_handling_agencies"] == [] and public["timeline"][-1]["kind"] == "co_handling_ended"


def test_a_referral_files_the_report_under_the_receiving_agencys_category(api, staff_users):
    """PJU on a PLN pole: referred to PLN as a power cut, with that category's deadlines."""
    from geo_reports.models import Report

    report = new_report(api)
    referred = api.post(
        f"/api/reports/{report['id']}/transition/",
        json={"status": "referred", "version": 1, "agency": "pln", "category": "listrik-padam", "message": "Tiang PLN"},
        headers=auth(staff_users, "dishub-operator"),
    )
    assert referred.status_code == 200, referred.text
    properties = referred.json()["properties"]
    assert properties["agency"]["code"] == "pln" and properties["category"]["code"] == "listrik-padam"
    stored = Report.objects.get(pk=report["id"])
    entry = stored.updates.get(new_status="referred")
    assert entry.data["category"] == {"before": "pju-mati", "after": "listrik-padam"}
    power = Category.objects.get(code="listrik-padam")
    assert stored.category == power
    # The street light no longer explains a power cut: the report keeps no asset of the old layer.
    assert stored.asset is None and properties["asset"] is None and stored.routing["asset"] is None
    # Not by a status change other than a referral.
    other = new_report(api)
    wrong = api.post(
        f"/api/reports/{other['id']}/transition/",
        json={"status": "verified", "version": 1, "category": "listrik-padam"},
        headers=auth(staff_users, "dishub-operator"),
    )
    assert wrong.status_code == 400 and "category" in wrong.json()["errors"]


def test_a_planners_inbox_names_the_agency_and_filters_by_it(api, staff_users):
    planner = auth(staff_users, "planner-test")
    report = new_report(api)
    answer = api.get("/api/staff/inbox/", params={"agency": "dishub", "order": "newest"}, headers=planner).json()
    agencies = {f["properties"]["agency"]["code"] for f in answer["reports"]["features"]}
    assert agencies == {"dishub"}
    assert report["tracking_code"] in {f["properties"]["tracking_code"] for f in answer["reports"]["features"]}


def test_the_inbox_opens_on_open_work(api, staff_users):
    operator = auth(staff_users, "dishub-operator")
    report = new_report(api)
    rejected = api.post(
        f"/api/reports/{report['id']}/transition/",
        json={"status": "rejected", "version": 1, "message": "Bukan PJU kota"},
        headers=operator,
    )
    assert rejected.status_code == 200

    def codes(**params):
        answer = api.get("/api/staff/inbox/", params={"order": "newest", **params}, headers=operator).json()
        return {f["properties"]["tracking_code"] for f in answer["reports"]["features"]}, answer["counts"]

    open_codes, counts = codes()
    assert report["tracking_code"] not in open_codes
    assert report["tracking_code"] in codes(status="finished")[0] and report["tracking_code"] in codes(status="all")[0]
    assert counts["open_work"] + counts["finished"] == sum(
        counts[s] for s in ("submitted", "verified", "in_progress", "resolved", "closed", "rejected", "duplicate",
                            "referred", "reopened") if s in counts
    )  # fmt: skip


def test_nearby_marks_and_filters_my_tickets(api, staff_users):
    from districts.models import Asset

    crew = auth(staff_users, "dishub-crew")
    light = Asset.objects.filter(layer__code="street_lights").order_by("external_id")[960]
    mine, other = (new_report_at(api, beside(light, metres)) for metres in (1.0, 3.0))
    assigned = api.post(
        f"/api/reports/{mine['id']}/assign/",
        json={"version": 1, "assignee": "dishub-crew"},
        headers=auth(staff_users, "dishub-operator"),
    )
    assert assigned.status_code == 200
    # One name for staff everywhere: the person, their role and their agency (Indonesian by default).
    assert assigned.json()["properties"]["assigned_to_name"] == "dishub-crew (Petugas lapangan Dishub)"
    params = {"lon": light.geom.x, "lat": light.geom.y, "radius": 30}
    tickets = {
        t["tracking_code"]: t for t in api.get("/api/reports/nearby/", params=params, headers=crew).json()["reports"]
    }
    assert tickets[mine["tracking_code"]]["assigned_to_me"] is True
    assert tickets[other["tracking_code"]]["assigned_to_me"] is False
    only_mine = api.get("/api/reports/nearby/", params={**params, "mine": "true"}, headers=crew).json()["reports"]
    assert [t["tracking_code"] for t in only_mine] == [mine["tracking_code"]]


def new_report_at(api, pin) -> dict:
    created = api.post(
        "/api/reports/",
        json={
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [pin.x, pin.y]},
            "properties": {"category": "pju-mati", "answers": {"problem": "out"}},
        },
    )
    assert created.status_code == 201, created.text
    return created.json()["properties"]
