"""Web Push end to end: browsers subscribe through the real server (a reporter with the private link's
token, staff with their token), changes made through the real API are queued with them, the real
worker sends them with pywebpush to a push service on loopback (tests/push_service.py), which checks
the VAPID signature and decrypts each message with the browser's own keys, as the browser would.
A push service answering 404 or 410 makes the subscription go; a 500 is retried."""

import datetime as dt
import json
import os
import stat
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from districts.models import Agency
from geo_reports.models import Report, Status
from notifications import push, vapid
from notifications.models import Notification, PushSubscription
from tests.conftest import ARTIFACTS, BASE_DIR, run_worker
from tests.places import far_from_layer

pytestmark = pytest.mark.django_db
ENGLISH = {"Accept-Language": "en"}
INDONESIAN = {"Accept-Language": "id"}


def token_of(staff_users, username: str) -> dict:
    return {"Authorization": f"Token {staff_users[username]}"}


def file_report(api, desa: str = "Ngaglik", **reporter) -> dict:
    """A street light out (Dishub's), away from the mapped lights; the answer's properties."""
    point = far_from_layer("street_lights", desa, 60)
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
        "properties": {"category": "pju-mati", "answers": {"problem": "out"}, "reporter": reporter},
    }
    response = api.post("/api/reports/", json=body)
    assert response.status_code == 201, response.text
    properties = response.json()["properties"]
    assert properties["agency"]["code"] == "dishub"
    return properties


def opt_in(api, report: dict, browser, language: str = "en", token: str | None = None):
    body = {"token": token or report["reporter_token"], "subscription": browser.subscription(), "language": language}
    return api.post(f"/api/reports/{report['id']}/push/", json=body)


def staff_opt_in(api, staff_users, username: str, browser, language: str = "en"):
    body = {"subscription": browser.subscription(), "language": language}
    response = api.post("/api/push/subscriptions/", json=body, headers=token_of(staff_users, username))
    assert response.status_code in (200, 201), response.text
    return response


def pushes_about(push_service, browser, code: str) -> list:
    found = [p for p in push_service.to(browser) if p.message is None or p.message.get("code") == code]
    assert all(not p.problems for p in found), [p.problems for p in found]
    return found


def page_url(name: str, code: str, language: str) -> str:
    with translation.override(language):
        return settings.LAPOR_PUBLIC_URL + reverse(name, args=[code])


def transition(api, staff_users, report: dict, status: str, version: int, message: str = "") -> None:
    response = api.post(
        f"/api/reports/{report['id']}/transition/",
        json={"status": status, "version": version, "message": message},
        headers=token_of(staff_users, "dishub-operator"),
    )
    assert response.status_code == 200, response.text


# --- the server's key -----------------------------------------------------------------------------


def test_the_server_key_is_made_once_kept_private_and_served(api):
    answer = api.get("/api/push/key/")
    assert answer.status_code == 200
    point = vapid.b64url_decode(answer.json()["public_key"])
    assert len(point) == 65 and point[0] == 4  # an uncompressed P-256 point, as browsers take it
    kept = ARTIFACTS / "push" / "vapid_private.pem"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert kept.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert api.get("/api/push/key/").json() == answer.json()  # every worker process reads the same key


def test_processes_making_the_key_at_once_end_with_one(tmp_path):
    path = tmp_path / "var" / "vapid_private.pem"
    script = (
        "import sys; from pathlib import Path; from notifications import vapid\n"
        "from cryptography.hazmat.primitives import serialization as s\n"
        "key = vapid.key_from_file(Path(sys.argv[1]))\n"
        "print(vapid.b64url(key.public_key().public_bytes(s.Encoding.X962, s.PublicFormat.UncompressedPoint)))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(BASE_DIR)}
    processes = [
        subprocess.Popen([sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(6)
    ]
    keys = {process.communicate(timeout=60)[0].strip() for process in processes}
    assert len(keys) == 1 and all(keys)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["vapid_private.pem"]  # no temporary file left


def test_a_key_given_in_the_environment_is_used(settings, tmp_path):
    from cryptography.hazmat.primitives.asymmetric import ec

    raw = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value.to_bytes(32, "big")
    settings.LAPOR_VAPID_PRIVATE_KEY = vapid.b64url(raw)
    settings.LAPOR_VAPID_PRIVATE_KEY_FILE = tmp_path / "unused.pem"
    expected = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1()).public_key()
    assert vapid.vapid_key().public_key.public_numbers() == expected.public_numbers()
    assert not (tmp_path / "unused.pem").exists()


# --- subscribing ---------------------------------------------------------------------------------


def test_the_reporter_opts_in_with_the_private_token_once(api, push_service):
    report = file_report(api)
    browser = push_service.browser("opt-in")
    first = opt_in(api, report, browser, "en")
    assert (first.status_code, first.json()) == (201, {"subscribed": True, "language": "en"})
    again = opt_in(api, report, browser, "id")
    assert (again.status_code, again.json()) == (200, {"subscribed": True, "language": "id"})
    stored = PushSubscription.objects.get(report_id=report["id"])
    assert (stored.endpoint, stored.p256dh, stored.auth, stored.language) == (
        browser.endpoint,
        browser.p256dh,
        browser.auth,
        "id",
    )
    assert stored.user_id is None


def test_a_wrong_token_is_refused_and_stores_nothing(api, push_service):
    report = file_report(api)
    browser = push_service.browser("wrong-token")
    english = opt_in(api, report, browser, token="bukan-token-yang-benar")
    assert english.status_code == 403
    body = {"token": "bukan-token", "subscription": browser.subscription()}
    indonesian = api.post(f"/api/reports/{report['id']}/push/", json=body, headers=INDONESIAN)
    assert indonesian.json()["errors"] == {"token": ["Tautan pribadi ini tidak berlaku untuk laporan ini."]}
    english = api.post(f"/api/reports/{report['id']}/push/", json=body, headers=ENGLISH)
    assert english.json()["errors"] == {"token": ["This private link is not valid for this report."]}
    assert not PushSubscription.objects.filter(report_id=report["id"]).exists()


def bad_subscriptions(push_service) -> list[tuple[dict, str, str, str]]:
    """(subscription, the field at fault, its message in English, in Indonesian)."""
    good = push_service.browser("template").subscription()
    endpoint_messages = {
        "https": (
            "The push endpoint must be an https:// address of a push service.",
            "Endpoint push harus alamat https:// dari layanan push.",
        ),
        "private": (
            "The push endpoint must not point to a local or private network address.",
            "Endpoint push tidak boleh menunjuk ke alamat jaringan lokal atau privat.",
        ),
        "port": (
            "The push endpoint must use the standard https port.",
            "Endpoint push harus memakai port https standar.",
        ),
        "invalid": ("The push endpoint is not a valid address.", "Endpoint push bukan alamat yang sah."),
    }
    p256dh = (
        "The key p256dh must be a P-256 public key (65 bytes in URL-safe base64).",
        "Kunci p256dh harus kunci publik P-256 (65 byte dalam base64 aman-URL).",
    )
    auth = ("The secret auth must be 16 bytes in URL-safe base64.", "Rahasia auth harus 16 byte dalam base64 aman-URL.")
    cases = []
    for endpoint, kind in (
        ("http://push.example.com/push/abc", "https"),
        ("ftp://push.example.com/push/abc", "https"),
        ("https://10.0.0.7/push/abc", "private"),
        ("https://192.168.1.20/push/abc", "private"),
        ("https://169.254.169.254/latest/meta-data", "private"),
        ("https://[::ffff:10.0.0.7]/push/abc", "private"),
        ("https://[fd00::1]/push/abc", "private"),
        ("https://intranet/push/abc", "private"),
        ("https://printer.local/push/abc", "private"),
        ("https://push.example.com:8443/push/abc", "port"),
        ("https://user:secret@push.example.com/push/abc", "invalid"),
        ("https://push.example.com/ä", "invalid"),
    ):
        cases.append(({**good, "endpoint": endpoint}, "endpoint", *endpoint_messages[kind]))
    short_point = vapid.b64url(vapid.b64url_decode(good["keys"]["p256dh"])[:33])
    off_curve = vapid.b64url(b"\x04" + b"\x01" * 64)
    for value in (short_point, off_curve, "not base64!", 12):
        cases.append(({**good, "keys": {**good["keys"], "p256dh": value}}, "keys", *p256dh))
    for value in (vapid.b64url(b"\x00" * 8), ""):
        cases.append(({**good, "keys": {**good["keys"], "auth": value}}, "keys", *auth))
    return cases


def test_bad_endpoints_and_keys_are_refused_with_clear_messages(api, push_service):
    report = file_report(api)
    for subscription, field, english, indonesian in bad_subscriptions(push_service):
        body = {"token": report["reporter_token"], "subscription": subscription}
        for headers, message in ((ENGLISH, english), (INDONESIAN, indonesian)):
            answer = api.post(f"/api/reports/{report['id']}/push/", json=body, headers=headers)
            assert answer.status_code == 400, (subscription, answer.text)
            assert answer.json()["errors"] == {"subscription": {field: [message]}}, subscription
            assert answer.json()["detail"] == message
    assert not PushSubscription.objects.filter(report_id=report["id"]).exists()


@pytest.mark.parametrize(
    ("endpoint", "allowed_locally", "refused"),
    [
        ("https://fcm.googleapis.com/fcm/send/abc", False, False),
        ("https://updates.push.services.mozilla.com/wpush/v2/abc", False, False),
        ("https://web.push.apple.com/QGx", False, False),
        ("https://127.0.0.1/push/abc", False, True),
        ("https://localhost/push/abc", False, True),
        ("http://127.0.0.1:8123/push/abc", False, True),
        ("https://[::1]/push/abc", False, True),
        ("http://127.0.0.1:8123/push/abc", True, False),
        ("http://localhost:8123/push/abc", True, False),
        ("http://10.0.0.7:8123/push/abc", True, True),  # local means loopback, never a private network
        ("http://push.example.com/push/abc", True, True),
    ],
)
def test_loopback_is_refused_unless_local_endpoints_are_allowed(settings, endpoint, allowed_locally, refused):
    settings.DEBUG = False
    settings.LAPOR_PUSH_ALLOW_LOCAL_ENDPOINTS = allowed_locally
    assert (push.endpoint_refusal(endpoint) is not None) == refused


def test_the_reporter_unsubscribes(api, push_service):
    report = file_report(api)
    browser = push_service.browser("unsubscribe")
    assert opt_in(api, report, browser).status_code == 201
    path = f"/api/reports/{report['id']}/push/"
    wrong = api.request("DELETE", path, json={"token": "bukan-token", "endpoint": browser.endpoint})
    assert wrong.status_code == 403
    assert PushSubscription.objects.filter(report_id=report["id"]).count() == 1
    gone = api.request("DELETE", path, json={"token": report["reporter_token"], "endpoint": browser.endpoint})
    assert gone.status_code == 204
    assert not PushSubscription.objects.filter(report_id=report["id"]).exists()
    again = api.request("DELETE", path, json={"token": report["reporter_token"], "endpoint": browser.endpoint})
    assert again.status_code == 204


def test_staff_subscribe_with_their_login_and_a_browser_serves_one_of_them(api, push_service, staff_users):
    browser = push_service.browser("staff-shared")
    anonymous = api.post("/api/push/subscriptions/", json={"subscription": browser.subscription()})
    assert anonymous.status_code == 401
    assert staff_opt_in(api, staff_users, "dishub-operator", browser).status_code == 201
    assert staff_opt_in(api, staff_users, "dishub-crew", browser).status_code == 200  # the browser changed hands
    assert list(
        PushSubscription.objects.filter(endpoint=browser.endpoint).values_list("user__username", flat=True)
    ) == ["dishub-crew"]
    removed = api.request(
        "DELETE",
        "/api/push/subscriptions/",
        json={"endpoint": browser.endpoint},
        headers=token_of(staff_users, "dishub-crew"),
    )
    assert removed.status_code == 204
    assert not PushSubscription.objects.filter(endpoint=browser.endpoint).exists()


# --- what is pushed ------------------------------------------------------------------------------


def test_a_public_status_change_reaches_the_browser_once(api, app_env, push_service, staff_users):
    report = file_report(api, email="warga.push@contoh.id")
    code = report["tracking_code"]
    browser = push_service.browser("status-en")
    assert opt_in(api, report, browser, "en").status_code == 201
    transition(api, staff_users, report, "verified", 1, "Petugas datang Kamis.")
    queued = Notification.objects.get(report_id=report["id"], channel="reporter_push")
    assert set(queued.payload) == {"subscription", "message"}  # never the endpoint or the keys
    run_worker(app_env)

    pushes = pushes_about(push_service, browser, code)
    assert len(pushes) == 1
    dishub = Agency.objects.get(code="dishub").short_name
    assert pushes[0].message == {
        "title": f"Report {code}: Verified",
        "body": f"{dishub}: Petugas datang Kamis.",
        "url": page_url("web:report-detail", code, "en"),
        "tag": f"report-{code}",
        "code": code,
    }
    # Signed with the key browsers subscribe with, for this push service, by the site.
    assert pushes[0].vapid_key == api.get("/api/push/key/").json()["public_key"]
    assert pushes[0].claims["aud"] == push_service.url
    assert pushes[0].claims["sub"] == settings.LAPOR_PUBLIC_URL
    assert pushes[0].headers["urgency"] == "normal" and pushes[0].headers["ttl"] == "86400"
    assert pushes[0].headers["topic"] == f"report-{code}"
    queued.refresh_from_db()
    assert (queued.state, queued.attempts) == ("sent", 1)
    assert PushSubscription.objects.get(endpoint=browser.endpoint).last_used_at is not None
    run_worker(app_env)
    assert len(pushes_about(push_service, browser, code)) == 1  # sent once


def test_the_push_speaks_the_subscribers_language(api, app_env, push_service, staff_users):
    """Needs the Indonesian catalogue with the push texts (push_translations_draft.po merged)."""
    report = file_report(api)
    code = report["tracking_code"]
    browser = push_service.browser("status-id")
    assert opt_in(api, report, browser, "id").status_code == 201
    transition(api, staff_users, report, "verified", 1)
    transition(api, staff_users, report, "in_progress", 2)
    transition(api, staff_users, report, "resolved", 3, "Lampu sudah diganti.")
    run_worker(app_env)
    messages = [p.message for p in pushes_about(push_service, browser, code)]
    place = Report.objects.select_related("desa", "kecamatan").get(pk=report["id"])
    summary = f"Lampu PJU mati · {place.desa.label}, {place.kecamatan.label}"
    dishub = Agency.objects.get(code="dishub").short_name
    assert [(m["title"], m["body"]) for m in messages] == [
        (f"Laporan {code}: Diverifikasi", summary),
        (f"Laporan {code}: Ditindaklanjuti", summary),
        (
            f"Laporan {code}: Selesai",
            f"{dishub}: Lampu sudah diganti. "
            "Buka tautan pribadi Anda untuk mengonfirmasi perbaikan atau membuka kembali laporan.",
        ),
    ]
    assert {m["url"] for m in messages} == {page_url("web:report-detail", code, "id")}


def test_a_public_reply_is_pushed_and_an_internal_note_is_not(api, app_env, push_service, staff_users):
    report = file_report(api)
    code = report["tracking_code"]
    browser = push_service.browser("reply")
    assert opt_in(api, report, browser, "en").status_code == 201
    operator = token_of(staff_users, "dishub-operator")
    for message, internal in (("Catatan internal: tiang miring.", True), ("Kami cek besok pagi.", False)):
        response = api.post(
            f"/api/reports/{report['id']}/comments/", json={"message": message, "internal": internal}, headers=operator
        )
        assert response.status_code == 200, response.text
    run_worker(app_env)
    pushes = pushes_about(push_service, browser, code)
    dishub = Agency.objects.get(code="dishub").short_name
    assert [(p.message["title"], p.message["body"]) for p in pushes] == [
        (f"Reply about report {code}", f"{dishub}: Kami cek besok pagi.")
    ]
    assert Notification.objects.filter(report_id=report["id"], channel="reporter_push").count() == 1


def test_an_assignment_reaches_the_assignees_browser(api, app_env, push_service, staff_users):
    crew_browser = push_service.browser("crew")
    operator_browser = push_service.browser("operator")
    staff_opt_in(api, staff_users, "dishub-crew", crew_browser, "en")
    staff_opt_in(api, staff_users, "dishub-operator", operator_browser, "en")
    report = file_report(api)
    code = report["tracking_code"]
    assigned = api.post(
        f"/api/reports/{report['id']}/assign/",
        json={"version": 1, "assignee": "dishub-crew"},
        headers=token_of(staff_users, "dishub-operator"),
    )
    assert assigned.status_code == 200, assigned.text
    run_worker(app_env)
    pushes = pushes_about(push_service, crew_browser, code)
    assert len(pushes) == 1
    message = pushes[0].message
    assert message["title"] == f"Assigned to you: {code}"
    assert message["body"].startswith("Street light out · ") and ". Resolve by " in message["body"]
    assert message["url"] == page_url("staff:report", code, "en")
    assert pushes_about(push_service, operator_browser, code) == []  # the one who assigned it is not told


def test_an_overdue_report_reaches_the_supervisors_browser(api, app_env, push_service, staff_users):
    browser = push_service.browser("supervisor")
    staff_opt_in(api, staff_users, "dishub-supervisor", browser, "en")
    report = file_report(api, desa="Songgokerto")
    code = report["tracking_code"]
    due = Report.objects.get(pk=report["id"]).resolve_due
    command = [sys.executable, "manage.py", "housekeeping", "--now", (due + dt.timedelta(hours=1)).isoformat()]
    subprocess.run(command, cwd=BASE_DIR, env={**os.environ, **app_env}, capture_output=True, text=True, check=True)
    run_worker(app_env)
    pushes = pushes_about(push_service, browser, code)
    assert len(pushes) == 1
    assert pushes[0].message["title"] == f"Overdue: {code}"
    assert ", still Received." in pushes[0].message["body"]
    assert pushes[0].message["url"] == page_url("staff:report", code, "en")


# --- when the push service says no ---------------------------------------------------------------


@pytest.mark.parametrize("gone", [410, 404])
def test_a_gone_subscription_is_removed_and_not_retried(api, app_env, push_service, staff_users, gone):
    report = file_report(api)
    browser = push_service.browser(f"gone-{gone}")
    assert opt_in(api, report, browser).status_code == 201
    push_service.answer(browser.name, gone)
    transition(api, staff_users, report, "verified", 1)
    run_worker(app_env)
    notification = Notification.objects.get(report_id=report["id"], channel="reporter_push")
    assert (notification.state, notification.attempts) == ("failed", 1)
    assert f"answered {gone}" in notification.last_error and browser.endpoint not in notification.last_error
    assert not PushSubscription.objects.filter(endpoint=browser.endpoint).exists()
    time.sleep(1.2)  # past any retry delay: nothing is tried again
    run_worker(app_env)
    assert len(push_service.to(browser)) == 1


def test_a_failing_push_service_is_retried(api, app_env, push_service, staff_users):
    report = file_report(api)
    code = report["tracking_code"]
    browser = push_service.browser("flaky")
    assert opt_in(api, report, browser).status_code == 201
    push_service.answer(browser.name, 500)
    transition(api, staff_users, report, "verified", 1)
    run_worker(app_env)
    notification = Notification.objects.get(report_id=report["id"], channel="reporter_push")
    assert (notification.state, notification.attempts) == ("queued", 1)
    assert "500" in notification.last_error and browser.endpoint not in notification.last_error
    assert PushSubscription.objects.filter(endpoint=browser.endpoint).exists()
    push_service.answer(browser.name, 201)
    time.sleep(1.2)
    run_worker(app_env)
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == ("sent", 2)
    delivered = [p for p in pushes_about(push_service, browser, code) if p.status == 201]
    assert [p.message["title"] for p in delivered] == [f"Report {code}: Verified"]


# --- privacy -------------------------------------------------------------------------------------


def test_erasing_the_contact_deletes_the_subscriptions(api, app_env, push_service, staff_users):
    report = file_report(api, email="warga.hapus.push@contoh.id")
    browsers = [push_service.browser("erase-1"), push_service.browser("erase-2")]
    for browser in browsers:
        assert opt_in(api, report, browser).status_code == 201
    transition(api, staff_users, report, "verified", 1)  # a push waiting for the worker
    erased = api.post(
        f"/api/reports/{report['id']}/reporter/", json={"action": "erase_contact", "token": report["reporter_token"]}
    )
    assert erased.status_code == 200, erased.text
    assert not PushSubscription.objects.filter(report_id=report["id"]).exists()
    run_worker(app_env)
    assert all(push_service.to(browser) == [] for browser in browsers)
    waiting = Notification.objects.filter(report_id=report["id"], channel="reporter_push")
    assert set(waiting.values_list("state", flat=True)) == {"failed"}


def test_a_subscription_is_in_no_public_output(api, push_service, staff_users):
    report = file_report(api)
    code = report["tracking_code"]
    browser = push_service.browser("private-7731")
    answer = opt_in(api, report, browser)
    secrets = [browser.endpoint, "private-7731", browser.p256dh, browser.auth]
    staff = token_of(staff_users, "dishub-operator")
    outputs = [
        answer,
        api.get(f"/api/reports/{report['id']}/"),
        api.get(f"/api/reports/track/{code}/"),
        api.get(f"/api/reports/track/{code}/?t={report['reporter_token']}"),
        api.get("/api/reports/?page_size=1000"),
        api.get("/api/reports/export.geojson"),
        api.get(f"/laporan/{code}/"),
        api.get(f"/en/laporan/{code}/?t={report['reporter_token']}"),
        api.get(f"/api/staff/reports/{report['id']}/", headers=staff),
    ]
    for output in outputs:
        assert output.status_code in (200, 201), output.url
        for secret in secrets:
            assert secret not in output.text, (output.url, secret)


def test_subscriptions_of_ended_reports_go_and_no_new_ones_come():
    from geo_reports.models import Category
    from geo_reports.services.handling import report_transition
    from geo_reports.services.intake import report_create

    category = Category.objects.get(code="sampah")
    made = [
        report_create(category=category, geometry=far_from_layer("roads", "Sisir", 10), answers={"problem": "dumping"})
        for _ in range(2)
    ]
    ended, still_open = (m.report for m in made)
    for report in (ended, still_open):
        PushSubscription.objects.create(
            report=report, endpoint=f"https://push.example.com/{report.pk}", p256dh="x", auth="y"
        )
    report_transition(
        report_id=ended.pk,
        new_status=Status.REJECTED,
        role="operator",
        expected_version=None,
        message="Bukan wewenang kami.",
    )
    now = dt.datetime.now(dt.UTC)
    waiting = Notification.objects.filter(report=ended, channel="reporter_push", state="queued")
    assert waiting.count() == 1  # the rejection's own push leaves first
    assert push.push_subscriptions_ended(now) == 0
    waiting.update(state="sent")
    assert push.push_subscriptions_ended(now) == 1
    remaining = PushSubscription.objects.filter(report__in=[ended, still_open]).values_list("report", flat=True)
    assert list(remaining) == [still_open.pk]
    with pytest.raises(push.PushRefused):
        push.push_reporter_subscribe(
            report_id=ended.pk,
            token=made[0].reporter_token,
            endpoint="https://push.example.com/x",
            p256dh="x",
            auth="y",
            language="id",
        )


def test_subscribing_counts_against_the_hourly_limit(settings, client):
    from geo_reports.models import Category
    from geo_reports.services.intake import report_create

    settings.LAPOR_RATE_REPORTS = 2
    report = report_create(
        category=Category.objects.get(code="sampah"),
        geometry=far_from_layer("roads", "Temas", 10),
        answers={"problem": "dumping"},
    ).report
    body = json.dumps({"token": "bukan-token", "endpoint": "https://push.example.com/x"})
    answers = [
        # From an address of its own: the suite's other requests this hour count for 127.0.0.1.
        client.delete(
            f"/api/reports/{report.pk}/push/", body, content_type="application/json", REMOTE_ADDR="203.0.113.71"
        ).status_code
        for _ in range(3)
    ]
    assert answers == [403, 403, 429]
