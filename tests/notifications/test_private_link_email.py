"""The private link sent to the reporter's e-mail on request: only with the link's token, only to the
address given with the report, a few times an hour, through the real worker and SMTP relay; the
outbox does not keep the token once the message is sent."""

import pytest

from notifications.models import Notification
from tests.conftest import run_worker
from tests.places import far_from_layer

pytestmark = pytest.mark.django_db


def _report(api, email: str | None) -> dict:
    point = far_from_layer("roads", "Pesanggrahan", 10)
    properties = {"category": "sampah", "answers": {"problem": "dumping"}}
    if email:
        properties["reporter"] = {"email": email}
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
        "properties": properties,
    }
    response = api.post("/api/reports/", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _ask(api, report: dict, token: str):
    return api.post(f"/api/reports/{report['id']}/reporter/", json={"action": "email_link", "token": token})


def test_the_reporter_gets_the_private_link_by_email(api, app_env, mail_relay):
    report = _report(api, "warga.tautan@contoh.id")
    token = report["properties"]["reporter_token"]
    code = report["properties"]["tracking_code"]
    run_worker(app_env)  # the "received" message goes first
    before = len(mail_relay.to("warga.tautan@contoh.id"))

    answer = _ask(api, report, token)
    assert answer.status_code == 200, answer.text
    queued = Notification.objects.get(report_id=report["id"], event="private_link")
    assert queued.payload["to"] == "warga.tautan@contoh.id"
    run_worker(app_env)

    messages = mail_relay.to("warga.tautan@contoh.id")[before:]
    assert [m["Subject"] for m in messages] == [f"[Lapor Batu] {code}: tautan pribadi / private link"]
    text = messages[0].get_payload()
    assert f"/laporan/{code}/?t={token}" in text
    assert "Jangan bagikan" in text and "Do not share it" in text
    # Sent, and the stored copy no longer holds the key to the report.
    queued.refresh_from_db()
    assert queued.state == Notification.State.SENT
    assert token not in str(queued.payload)
    assert f"/laporan/{code}/?t=[…]" in queued.payload["body"]


def test_a_wrong_token_or_no_email_sends_nothing(api):
    report = _report(api, "warga.salah@contoh.id")
    answer = _ask(api, report, "bukan-token-yang-benar")
    assert answer.status_code == 403
    assert answer.json()["errors"] == {"token": ["Tautan pribadi ini tidak berlaku untuk laporan ini."]}

    anonymous = _report(api, None)
    answer = _ask(api, anonymous, anonymous["properties"]["reporter_token"])
    assert answer.status_code == 400
    assert answer.json()["errors"] == {"action": ["Tidak ada alamat email yang diberikan bersama laporan ini."]}
    english = api.post(
        f"/api/reports/{anonymous['id']}/reporter/",
        json={"action": "email_link", "token": anonymous["properties"]["reporter_token"]},
        headers={"Accept-Language": "en"},
    )
    assert english.json()["errors"] == {"action": ["No e-mail address was given with this report."]}
    assert not Notification.objects.filter(report_id__in=[report["id"], anonymous["id"]], event="private_link").exists()


def test_the_link_is_sent_at_most_three_times_an_hour(api):
    report = _report(api, "warga.sering@contoh.id")
    token = report["properties"]["reporter_token"]
    assert [_ask(api, report, token).status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = _ask(api, report, token)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert Notification.objects.filter(report_id=report["id"], event="private_link").count() == 3
