"""Who hears of what: notifications are written as rows in the same transaction as the change they
report (the report core's events, see receivers.py), and handed to the worker only once that
transaction has committed."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from districts.models import Agency, Membership
from geo_reports.models import Report, ReportUpdate, Status

from . import push_messages
from .models import Notification
from .tasks import send_notification

Channel = Notification.Channel


def _public_url(report: Report) -> str:
    with translation.override("id"):
        return settings.LAPOR_PUBLIC_URL + reverse("web:report-detail", args=[report.tracking_code])


def _staff_url(report: Report) -> str:
    return settings.LAPOR_PUBLIC_URL + reverse("staff:report", args=[report.tracking_code])


def _place(report: Report) -> str:
    return ", ".join(a.label for a in (report.desa, report.kecamatan) if a) or "Kota Batu"


def report_document(report: Report, *, with_contact: bool) -> dict:
    """The report as agencies' systems receive it (webhook JSON)."""
    document = {
        "id": report.pk,
        "tracking_code": report.tracking_code,
        "url": _staff_url(report),
        "public_url": _public_url(report),
        "category": report.category.code,
        "status": report.status,
        "agency": report.agency.code if report.agency else None,
        "description": report.staff_description,  # agencies read the reporter's own words
        "answers": report.staff_answers,
        "location": [report.location.x, report.location.y],
        "geometry": {"type": report.geometry.geom_type, "coordinates": report.geometry.coords},
        "areas": {
            "desa": report.desa.code if report.desa else None,
            "kecamatan": report.kecamatan.code if report.kecamatan else None,
        },
        "routing": {"explanation": report.routing_explanation, "explanation_en": report.routing_explanation_en},
        "created_at": report.created_at.isoformat(),
        "acknowledge_due": report.acknowledge_due.isoformat() if report.acknowledge_due else None,
        "resolve_due": report.resolve_due.isoformat() if report.resolve_due else None,
    }
    if with_contact:
        contact = getattr(report, "contact", None)
        document["reporter"] = (
            {"name": contact.name, "phone": contact.phone, "email": contact.email} if contact else None
        )
    return document


def _agency_notification(report: Report, agency: Agency, event: str) -> Notification | None:
    method = agency.send_method
    if method == Agency.SendMethod.EMAIL and agency.email:
        with translation.override("id"):
            names = {"code": report.tracking_code, "category": report.category.name}
            if event == "co_handling":
                subject = _("[Lapor Batu] Copy for your agency: %(code)s %(category)s") % names
                lead = _("%(agency)s leads this report; your agency co-handles it and may reply.") % {
                    "agency": report.agency.name if report.agency else "-"
                }
            else:
                subject = _("[Lapor Batu] New report %(code)s: %(category)s") % names
                lead = report.routing_explanation
            lines = [
                f"{report.category.name} · {_place(report)}",
                lead,
                "",
                report.staff_description or "-",
                "",
                _("Resolve by: %(due)s")
                % {"due": report.resolve_due.strftime("%Y-%m-%d %H:%M") if report.resolve_due else "-"},
                _staff_url(report),
            ]
        payload = {"to": agency.email, "subject": subject, "body": "\n".join(lines)}
        channel = Channel.AGENCY_EMAIL
    elif method == Agency.SendMethod.WEBHOOK and agency.endpoint_url:
        payload = {
            "url": agency.endpoint_url,
            "body": {"event": event, "report": report_document(report, with_contact=True)},
        }
        channel = Channel.AGENCY_WEBHOOK
    elif method == Agency.SendMethod.OPEN311 and agency.endpoint_url:
        contact = getattr(report, "contact", None)
        form = {
            "service_code": report.category.code,
            "lat": f"{report.location.y:.7f}",
            "long": f"{report.location.x:.7f}",
            "description": report.staff_description or report.category.name,
            "api_key": agency.endpoint_api_key,
            "first_name": contact.name if contact else "",
            "email": contact.email if contact else "",
            "phone": contact.phone if contact else "",
        }
        for code, value in report.staff_answers.items():
            form[f"attribute[{code}]"] = ",".join(value) if isinstance(value, list) else str(value)
        payload = {"url": agency.endpoint_url.rstrip("/") + "/requests.json", "form": form}
        channel = Channel.AGENCY_OPEN311
    else:
        return None  # the in-app inbox is the delivery
    return Notification(channel=channel, report=report, agency=agency, event=event, payload=payload)


def _reporter_notifications(report: Report, event: str, update: ReportUpdate | None) -> list[Notification]:
    contact = getattr(report, "contact", None)
    if contact is None:
        return []
    status_id = _status_label(report.status, "id")
    status_en = _status_label(report.status, "en")
    message = update.message if update else ""
    link = _public_url(report)
    made = []
    if contact.email:
        body = "\n".join(
            [
                f"Laporan {report.tracking_code} ({report.category.name}): {status_id}.",
                *(
                    [f"Pesan dari {update.agency.name}: {message}" if update and update.agency else message]
                    if message
                    else []
                ),
                link,
                "",
                f"Report {report.tracking_code} ({report.category.name_en}): {status_en}.",
                link,
            ]
        )
        made.append(
            Notification(
                channel=Channel.REPORTER_EMAIL,
                report=report,
                event=event,
                payload={
                    "to": contact.email,
                    "subject": f"[Lapor Batu] {report.tracking_code}: {status_id}",
                    "body": body,
                },
            )
        )
    # A report filed in a chat hears of its changes in that chat (the chat app), not also by SMS.
    if contact.phone and not contact.chat_id and settings.LAPOR_REPORTER_WEBHOOK_URL:
        text = (
            f"Lapor Batu {report.tracking_code}: {status_id}." + (f" {message[:300]}" if message else "") + f" {link}"
        )
        made.append(
            Notification(
                channel=Channel.REPORTER_WEBHOOK,
                report=report,
                event=event,
                payload={
                    "url": settings.LAPOR_REPORTER_WEBHOOK_URL,
                    "body": {
                        "event": event,
                        "phone": contact.phone,
                        "text": text,
                        "tracking_code": report.tracking_code,
                        "status": report.status,
                        "url": link,
                    },
                },
            )
        )
    return made


def _status_label(status: str, language: str) -> str:
    with translation.override(language):
        return str(Status(status).label)


def _queue(notifications: list[Notification]) -> list[Notification]:
    notifications = [n for n in notifications if n is not None]
    if not notifications:
        return []
    Notification.objects.bulk_create(notifications)
    ids = [n.pk for n in notifications]

    def hand_to_worker():
        for pk in ids:
            send_notification.enqueue(pk)

    transaction.on_commit(hand_to_worker)
    return notifications


def notify_received(report: Report) -> list[Notification]:
    queued = [_agency_notification(report, report.agency, "received")] if report.agency else []
    queued += _reporter_notifications(report, "received", None)
    return _queue(queued)


def notify_update(update: ReportUpdate) -> list[Notification]:
    """A public change (status or reply) reaches the reporter; a referral also reaches the new agency."""
    if update.is_internal:
        return []
    report = update.report
    queued = _reporter_notifications(report, update.kind, update) + push_messages.reporter_pushes(update)
    if update.new_status == Status.REFERRED and report.agency:
        queued.append(_agency_notification(report, report.agency, "referred"))
    return _queue(queued)


def notify_co_handling(report: Report, agency: Agency) -> list[Notification]:
    """An agency copied on a report hears of it by its own delivery, like the agency leading it."""
    return _queue([_agency_notification(report, agency, "co_handling")])


def notify_overdue(report: Report) -> list[Notification]:
    supervisors = (
        Membership.objects.filter(agency=report.agency, role=Membership.Role.SUPERVISOR)
        .exclude(user__email="")
        .select_related("user")
    )
    with translation.override("id"):
        subject = _("[Lapor Batu] Overdue: %(code)s %(category)s") % {
            "code": report.tracking_code,
            "category": report.category.name,
        }
        body = _("The report %(code)s was due by %(due)s and is still %(status)s.\n%(url)s") % {
            "code": report.tracking_code,
            "due": report.resolve_due.strftime("%Y-%m-%d %H:%M"),
            "status": _status_label(report.status, "id"),
            "url": _staff_url(report),
        }
    return _queue(
        [
            Notification(
                channel=Channel.SUPERVISOR_EMAIL,
                report=report,
                agency=report.agency,
                event="overdue",
                payload={"to": m.user.email, "subject": subject, "body": body},
            )
            for m in supervisors
        ]
        + push_messages.supervisor_pushes(report)
    )


def notify_assigned(report: Report, assignee, actor=None) -> list[Notification]:
    """The staff member given a report hears of it on the devices where they turned pushes on."""
    return _queue(push_messages.assignee_pushes(report, assignee, actor))


def notify_private_link(report: Report, token: str) -> list[Notification]:
    """The private link, e-mailed to the reporter who asked for it (both languages, like every message
    to reporters). The link's secret is in the message only until it is sent (delivery.EmailDelivery
    takes it out of the stored copy)."""
    link = _public_url(report) + "?t=" + token
    body = "\n".join(
        [
            f"Tautan pribadi laporan {report.tracking_code} ({report.category.name}):",
            link,
            "Simpan tautan ini untuk mengikuti laporan, mengonfirmasi perbaikan atau membuka kembali laporan. "
            "Jangan bagikan kepada orang lain.",
            "",
            f"The private link of report {report.tracking_code} ({report.category.name_en}):",
            link,
            "Keep it to follow the report, confirm the fix or reopen it. Do not share it with others.",
        ]
    )
    notification = Notification(
        channel=Channel.REPORTER_EMAIL,
        report=report,
        event="private_link",
        payload={
            "to": report.contact.email,
            "subject": f"[Lapor Batu] {report.tracking_code}: tautan pribadi / private link",
            "body": body,
            "secrets": [token],
        },
    )
    return _queue([notification])
