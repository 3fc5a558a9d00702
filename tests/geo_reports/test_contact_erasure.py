"""What the privacy notice promises about a reporter's contact, made true: the reporter erases it
through the private link (POST /api/reports/<id>/reporter/ {"action": "erase_contact"}), and the
housekeeping job removes it LAPOR_CONTACT_RETENTION_DAYS after a report ended. Either way the report
stays, staff see why the contact is gone, and the copies in notifications go too."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from common import housekeeping
from geo_reports.models import Category, Report, ReporterContact, ReportUpdate, Status
from geo_reports.services.contact import CHAT_FIELDS, Reason, contacts_retention_erase, reporter_contacts_erase
from geo_reports.services.handling import report_transition
from geo_reports.services.intake import report_create
from geo_reports.services.reporter import ReporterError, report_contact_erase
from notifications.models import Notification
from tests.places import asset_where, beside

pytestmark = pytest.mark.django_db

NAME, PHONE, EMAIL = "Sulastri Hapus-Uji", "081255501234", "sulastri.hapus@contoh.id"


def staff(token: str) -> dict[str, str]:
    return {"Authorization": f"Token {token}"}


def file_with_contact(api, index: int) -> dict:
    light = asset_where("street_lights")
    pin = beside(light, 2.0 + index / 10, fraction=0)
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [pin.x, pin.y]},
        "properties": {
            "category": "pju-mati",
            "answers": {"problem": "out"},
            "description": "Lampu jalan mati sejak kemarin.",
            "reporter": {"name": NAME, "phone": PHONE, "email": EMAIL},
        },
    }
    created = api.post("/api/reports/", json=body)
    assert created.status_code == 201, created.text
    return created.json()["properties"]


def erase(api, report: dict, token: str):
    return api.post(f"/api/reports/{report['id']}/reporter/", json={"token": token, "action": "erase_contact"})


def test_the_reporter_erases_their_contact_through_the_private_link(api, staff_token):
    report = file_with_contact(api, 1)
    code, token = report["tracking_code"], report["reporter_token"]
    public_before = [
        api.get(f"/laporan/{code}/").text,
        api.get(f"/laporan/{code}/", params={"t": token}).text,  # the reporter's own page does not show it either
        api.get(f"/api/reports/{report['id']}/").text,
        api.get(f"/api/reports/track/{code}/", params={"t": token}).text,
    ]
    for text in public_before:
        assert NAME not in text and PHONE not in text and EMAIL not in text
    queued = Notification.objects.filter(report_id=report["id"], channel__startswith="reporter_")
    assert {n.channel for n in queued} == {"reporter_email", "reporter_webhook"}  # app_env: mail relay and gateway
    timeline = ReportUpdate.objects.filter(report_id=report["id"]).count()

    refused = erase(api, report, "not-the-private-token")
    assert refused.status_code == 403
    assert refused.json()["errors"] == {"token": ["Tautan pribadi ini tidak berlaku untuk laporan ini."]}
    contact = ReporterContact.objects.get(report_id=report["id"])
    assert (contact.name, contact.phone, contact.email) == (NAME, PHONE, EMAIL)
    assert ReportUpdate.objects.filter(report_id=report["id"]).count() == timeline

    done = erase(api, report, token)
    assert done.status_code == 200, done.text
    assert done.json()["properties"]["tracking_code"] == code
    assert not ReporterContact.objects.filter(report_id=report["id"]).exists()
    assert Report.objects.filter(pk=report["id"]).exists()  # the report stays
    note = ReportUpdate.objects.filter(report_id=report["id"]).latest("id")
    assert (note.kind, note.actor_role, note.is_internal) == ("note", "reporter", True)
    assert note.data == {"contact_erased": ["name", "phone", "email", "chat_platform", "chat_id"], "reason": "reporter"}
    assert note.message  # why the contact is gone, for staff

    # Staff see the entry and no contact; the public timeline never shows it.
    staff_view = api.get(f"/api/staff/reports/{report['id']}/", headers=staff(staff_token)).json()["properties"]
    assert staff_view["contact"] is None
    assert any(entry.get("data", {}).get("reason") == "reporter" for entry in staff_view["timeline"])
    public = api.get(f"/api/reports/{report['id']}/").json()["properties"]
    assert all(entry["kind"] != "note" for entry in public["timeline"])
    assert note.message not in api.get(f"/laporan/{code}/").text

    # The copies notifications held: no address left, nothing more sent to the reporter.
    for notification in Notification.objects.filter(report_id=report["id"]):
        stored = json.dumps(notification.payload)
        assert PHONE not in stored and EMAIL not in stored and NAME not in stored, notification.channel
    assert {n.state for n in queued.all()} == {"failed"}

    again = erase(api, report, token)  # asking twice changes nothing
    assert again.status_code == 200
    assert ReportUpdate.objects.filter(report_id=report["id"]).count() == timeline + 1


def test_an_unknown_action_is_refused_and_names_the_choices(api):
    report = file_with_contact(api, 2)
    response = api.post(
        f"/api/reports/{report['id']}/reporter/", json={"token": report["reporter_token"], "action": "forget_me"}
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["action"]
    assert ReporterContact.objects.filter(report_id=report["id"], email=EMAIL).exists()


@pytest.fixture
def light_category():
    return Category.objects.get(code="pju-mati")


def made(category, index: int, contact: dict | None = None, created_at=None):
    light = asset_where("street_lights")
    return report_create(
        category=category,
        geometry=beside(light, 5 + index, fraction=0),
        contact=contact if contact is not None else {"name": NAME, "phone": PHONE, "email": EMAIL},
        created_at=created_at,
    )


def test_erasing_takes_the_chat_id_too_and_needs_the_token(light_category):
    chat = {"phone": "6281255509876", "chat_platform": "whatsapp", "chat_id": "6281255509876"}
    created = made(light_category, 1, contact=chat)
    with pytest.raises(ReporterError) as refused:
        report_contact_erase(report_id=created.report.pk, token="wrong")
    assert refused.value.code == "bad_token"
    assert ReporterContact.objects.filter(report=created.report, chat_id=chat["chat_id"]).exists()
    assert report_contact_erase(report_id=created.report.pk, token=created.reporter_token) is True
    assert not ReporterContact.objects.filter(report=created.report).exists()
    assert report_contact_erase(report_id=created.report.pk, token=created.reporter_token) is False


def test_a_chat_erasure_keeps_what_the_chat_did_not_bring(light_category):
    """ "hapus data saya" in a chat removes the number and chat id; a name typed elsewhere stays."""
    created = made(light_category, 2, contact={"name": NAME, "chat_platform": "telegram", "chat_id": "777"})
    erased = reporter_contacts_erase(report_ids=[created.report.pk], reason=Reason.CHAT, fields=CHAT_FIELDS)
    assert erased == [created.report.pk]
    contact = ReporterContact.objects.get(report=created.report)
    assert (contact.name, contact.phone, contact.chat_platform, contact.chat_id) == (NAME, "", "", "")
    assert created.report.updates.filter(kind="note", is_internal=True, data__reason="chat").count() == 1


def _end(report: Report, status: str, at: dt.datetime, **extra) -> None:
    if status == Status.CLOSED:
        for step in (Status.VERIFIED, Status.RESOLVED):
            report_transition(report_id=report.pk, new_status=step, role="operator", expected_version=None, at=at)
        role = "system"
    else:
        role = "operator"
    report_transition(report_id=report.pk, new_status=status, role=role, expected_version=None, at=at, **extra)


def test_contacts_are_removed_the_set_number_of_days_after_a_report_ended(light_category, settings):
    settings.LAPOR_CONTACT_RETENTION_DAYS = 365
    now = timezone.now()
    long_ago = now - dt.timedelta(days=400)
    lately = now - dt.timedelta(days=20)
    reports = {
        name: made(light_category, i, created_at=long_ago - dt.timedelta(days=1)).report
        for i, name in enumerate(
            ["closed_long_ago", "rejected_long_ago", "duplicate_long_ago", "closed_lately", "open", "resolved_long_ago"]
        )
    }
    no_contact = made(light_category, 9, contact={}, created_at=long_ago).report
    _end(reports["closed_long_ago"], Status.CLOSED, long_ago)
    _end(no_contact, Status.CLOSED, long_ago)
    _end(reports["rejected_long_ago"], Status.REJECTED, long_ago, message="Bukan wewenang kota.")
    _end(reports["duplicate_long_ago"], Status.DUPLICATE, long_ago, duplicate_of=reports["open"])
    _end(reports["closed_lately"], Status.CLOSED, lately)
    for step in (Status.VERIFIED, Status.RESOLVED):  # waiting for the reporter: the agency may still need them
        report_transition(
            report_id=reports["resolved_long_ago"].pk,
            new_status=step,
            role="operator",
            expected_version=None,
            at=long_ago,
        )

    results = housekeeping.run(now=now, only=["contacts_expired"])  # registered like the other jobs
    assert results == {"contacts_expired": 3}
    kept = set(ReporterContact.objects.filter(report__in=reports.values()).values_list("report_id", flat=True))
    assert kept == {reports[name].pk for name in ("closed_lately", "open", "resolved_long_ago")}
    for name in ("closed_long_ago", "rejected_long_ago", "duplicate_long_ago"):
        note = reports[name].updates.get(kind="note")
        assert (note.actor_role, note.is_internal, note.data["reason"]) == ("system", True, "retention")
        assert "365" in note.message
    assert not no_contact.updates.filter(kind="note").exists()  # nothing to remove, nothing noted
    assert contacts_retention_erase(now) == 0  # a second round finds nothing

    settings.LAPOR_CONTACT_RETENTION_DAYS = 10  # the setting decides
    assert contacts_retention_erase(now) == 1
    assert not ReporterContact.objects.filter(report=reports["closed_lately"]).exists()
