"""Notifications end to end: queued in the database with the change, sent by the real worker
(django-tasks' db_worker) to a real SMTP server and a real HTTP receiver on loopback, retried when
those are down, and nothing lost."""

import datetime as dt
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time

import pytest
from django.utils import timezone

from common import housekeeping
from districts.models import Agency, Area
from geo_reports.models import Report, Status
from notifications.models import Notification
from tests.conftest import BASE_DIR, run_worker
from tests.places import far_from_layer

pytestmark = pytest.mark.django_db
EMAIL_AGENCY = "bpbd@contoh.go.id"


@pytest.fixture(scope="session")
def notifying_agencies(committed, webhooks):
    """BPBD takes reports by email, PLN by a signed webhook (committed before any test)."""
    with committed():
        Agency.objects.filter(code="bpbd").update(send_method="email", email=EMAIL_AGENCY)
        Agency.objects.filter(code="pln").update(send_method="webhook", endpoint_url=webhooks.url + "/pln")


def post_report(api, category: str, point, answers: dict, **reporter) -> dict:
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
        "properties": {"category": category, "answers": answers, "reporter": reporter},
    }
    response = api.post("/api/reports/", json=body)
    assert response.status_code == 201, response.text
    return response.json()["properties"]


def test_a_new_report_reaches_an_email_agency_and_the_reporter(api, app_env, mail_relay, webhooks, notifying_agencies):
    point = far_from_layer("roads", "Bumiaji", 10)
    report = post_report(
        api, "pohon-tumbang", point, {"blocking": "yes"}, email="warga.pohon@contoh.id", phone="0812 1111 2222"
    )
    assert report["agency"]["code"] == "bpbd"
    queued = Notification.objects.filter(report_id=report["id"])
    assert set(queued.values_list("channel", "state")) == {
        ("agency_email", "queued"),
        ("reporter_email", "queued"),
        ("reporter_webhook", "queued"),
    }
    run_worker(app_env)
    assert set(queued.values_list("state", flat=True)) == {"sent"}
    to_agency = [m for m in mail_relay.to(EMAIL_AGENCY) if report["tracking_code"] in m["Subject"]]
    assert len(to_agency) == 1
    assert to_agency[0]["Subject"] == f"[Lapor Batu] Laporan baru {report['tracking_code']}: Pohon tumbang"
    assert "Badan Penanggulangan Bencana Daerah" in to_agency[0].get_payload()
    assert f"/petugas/laporan/{report['tracking_code']}/" in to_agency[0].get_payload()
    to_reporter = [m for m in mail_relay.to("warga.pohon@contoh.id") if report["tracking_code"] in m["Subject"]]
    assert [m["Subject"] for m in to_reporter] == [f"[Lapor Batu] {report['tracking_code']}: Diterima"]
    sms = [json.loads(r["body"]) for r in webhooks.received if r["path"] == "/sms"]
    assert any(s["tracking_code"] == report["tracking_code"] and s["phone"] == "0812 1111 2222" for s in sms)


def test_each_public_status_change_reaches_the_reporter_with_the_agency_message(api, app_env, mail_relay, staff_users):
    point = far_from_layer("roads", "Sisir", 10)
    report = post_report(api, "sampah", point, {"problem": "dumping"}, email="warga.sampah@contoh.id")
    admin = {"Authorization": f"Token {staff_users['admin-test']}"}
    url = f"/api/reports/{report['id']}"
    api.post(
        f"{url}/transition/", json={"status": "verified", "version": 1, "message": "Truk datang Kamis."}, headers=admin
    ).raise_for_status()
    api.post(
        f"{url}/comments/", json={"message": "Catatan rahasia petugas", "internal": True}, headers=admin
    ).raise_for_status()
    run_worker(app_env)
    mails = [m for m in mail_relay.to("warga.sampah@contoh.id") if report["tracking_code"] in m["Subject"]]
    assert [m["Subject"] for m in mails] == [
        f"[Lapor Batu] {report['tracking_code']}: Diterima",
        f"[Lapor Batu] {report['tracking_code']}: Diverifikasi",
    ]
    assert "Truk datang Kamis." in mails[1].get_payload()
    assert "Report " in mails[1].get_payload() and "Verified" in mails[1].get_payload()  # and in English
    assert all("Catatan rahasia" not in m.get_payload() for m in mails)


def test_an_agency_webhook_is_signed_and_carries_the_report(api, app_env, webhooks, notifying_agencies):
    point = far_from_layer("roads", "Pesanggrahan", 10)
    report = post_report(api, "listrik-padam", point, {"scope": "street"}, name="Pak Listrik")
    assert report["agency"]["code"] == "pln"
    run_worker(app_env)
    delivery = next(
        r for r in webhooks.received if r["path"] == "/pln" and report["tracking_code"].encode() in r["body"]
    )
    expected = "sha256=" + hmac.new(b"test-webhook-secret", delivery["body"], hashlib.sha256).hexdigest()
    assert delivery["headers"]["X-Lapor-Signature"] == expected
    document = json.loads(delivery["body"])
    assert document["event"] == "received"
    assert document["report"]["tracking_code"] == report["tracking_code"]
    assert document["report"]["reporter"]["name"] == "Pak Listrik"  # the agency handling it may know
    assert document["report"]["location"] == pytest.approx([point.x, point.y], abs=1e-6)


def test_a_failed_send_is_retried_with_growing_delays_and_nothing_is_lost(api, app_env, webhooks, notifying_agencies):
    point = far_from_layer("roads", "Oro-oro Ombo", 10)
    webhooks.fail_next = 2  # the agency's system answers 503 twice
    report = post_report(api, "listrik-padam", point, {"scope": "village"})
    notification = Notification.objects.get(report_id=report["id"], channel="agency_webhook")
    run_worker(app_env)
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == ("queued", 1)
    assert "503" in notification.last_error
    first_delay = notification.next_attempt_at - timezone.now()
    assert dt.timedelta(0) < first_delay <= dt.timedelta(seconds=1)
    time.sleep(1.2)
    run_worker(app_env)
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == ("queued", 2)
    second_delay = notification.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=1) < second_delay <= dt.timedelta(seconds=2)  # doubled
    time.sleep(2.2)
    run_worker(app_env)
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == ("sent", 3)
    assert sum(report["tracking_code"].encode() in r["body"] for r in webhooks.received if r["path"] == "/pln") == 1


def test_mail_waits_while_the_mail_server_is_down(api, app_env, mail_relay):
    from tests.conftest import free_port

    point = far_from_layer("roads", "Temas", 10)
    report = post_report(api, "sampah", point, {"problem": "not_collected"}, email="warga.sabar@contoh.id")
    down = {**app_env, "LAPOR_SMTP_PORT": str(free_port())}  # nothing listens there
    run_worker(down)
    mail = Notification.objects.get(report_id=report["id"], channel="reporter_email")
    assert (mail.state, mail.attempts) == ("queued", 1)
    assert "refused" in mail.last_error.lower() or "connect" in mail.last_error.lower()
    assert not mail_relay.to("warga.sabar@contoh.id")
    time.sleep(1.2)
    run_worker(app_env)
    mail.refresh_from_db()
    assert mail.state == "sent"
    assert len(mail_relay.to("warga.sabar@contoh.id")) == 1


def _job_counts(printed: str) -> dict[str, int]:
    """`manage.py housekeeping`'s line ("overdue: 3, closed: 0, ...") as counts per job."""
    return {name: int(count) for name, count in (part.split(": ") for part in printed.strip().split(", "))}


def test_supervisors_hear_of_overdue_reports_once(api, app_env, mail_relay, staff_users):
    point = far_from_layer("street_lights", "Ngaglik", 60)
    report = post_report(api, "pju-mati", point, {"problem": "out"})
    due = Report.objects.get(pk=report["id"]).resolve_due
    later = (due + dt.timedelta(hours=1)).isoformat()
    command = [sys.executable, "manage.py", "housekeeping", "--now", later]
    first = subprocess.run(
        command, cwd=BASE_DIR, env={**os.environ, **app_env}, capture_output=True, text=True, check=True
    )
    assert _job_counts(first.stdout)["overdue"] > 0
    second = subprocess.run(
        command, cwd=BASE_DIR, env={**os.environ, **app_env}, capture_output=True, text=True, check=True
    )
    assert _job_counts(second.stdout)["overdue"] == 0
    run_worker(app_env)
    notices = [m for m in mail_relay.to("dishub-supervisor@contoh.go.id") if report["tracking_code"] in m["Subject"]]
    assert len(notices) == 1
    assert notices[0]["Subject"] == f"[Lapor Batu] Terlambat: {report['tracking_code']} Lampu PJU mati"
    assert Report.objects.get(pk=report["id"]).overdue_notified_at is not None


def test_resolved_reports_close_by_themselves_after_the_window(settings):
    from geo_reports.models import Category
    from geo_reports.services.handling import report_transition
    from geo_reports.services.intake import report_create

    point = far_from_layer("roads", "Sidomulyo", 10)
    report = report_create(
        category=Category.objects.get(code="sampah"), geometry=point, answers={"problem": "dumping"}
    ).report
    for status in (Status.VERIFIED, Status.RESOLVED):
        report_transition(report_id=report.pk, new_status=status, role="operator", expected_version=None)
    report.refresh_from_db()
    just_before = report.resolved_at + dt.timedelta(days=settings.LAPOR_AUTO_CLOSE_DAYS) - dt.timedelta(minutes=1)
    housekeeping.run(now=just_before)
    assert Report.objects.get(pk=report.pk).status == Status.RESOLVED
    housekeeping.run(now=just_before + dt.timedelta(minutes=2))
    closed = Report.objects.get(pk=report.pk)
    assert closed.status == Status.CLOSED
    last = closed.updates.order_by("-id").first()
    assert last.actor_role == "system" and last.message.startswith("Ditutup otomatis 10 hari")


def test_desa_name_helper_finds_real_places():
    # The helpers above pick real desa; a misspelt name would make those tests vacuous.
    for name in ("Bumiaji", "Sisir", "Pesanggrahan", "Oro-oro Ombo", "Temas", "Ngaglik", "Sidomulyo"):
        assert Area.objects.filter(name=name, kind__in=("desa", "kelurahan")).exists(), name
