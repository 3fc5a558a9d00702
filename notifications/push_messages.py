"""What a push says, and to whom: one notification row per subscription, written with the change it
announces (services.py queues them) and sent by the worker (delivery.PushDelivery).

The payload the service worker receives (JSON, in the subscriber's language):

    {"title": "...", "body": "...", "url": "https://…/laporan/ABCD-2345/", "tag": "report-ABCD-2345",
     "code": "ABCD-2345"}

The stored row holds the subscription's id and that message, never the endpoint or keys, nor the
private link's token: a reporter's push links the report's public page (a service request, never
public, links the track page) and tells them to open their private link to act.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from districts.models import Membership
from geo_reports.models import Report, ReportUpdate, Status
from geo_reports.selectors import report_readable_by_public

from .models import Notification, PushSubscription

Channel = Notification.Channel
BODY_MAX = 240  # what a notification shows before the system cuts it


def _clip(text: str, limit: int = BODY_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _place(report: Report) -> str:
    return ", ".join(a.label for a in (report.desa, report.kecamatan) if a) or "Kota Batu"


def _summary(report: Report) -> str:
    return f"{report.category.localized('name')} · {_place(report)}"


def _due(report: Report) -> str:
    return timezone.localtime(report.resolve_due).strftime("%d-%m-%Y %H:%M") if report.resolve_due else "-"


def reporter_url(report: Report) -> str:
    """The report's public page in the active language, or the track page for a request that is not
    public (the reporter opens it with their private link)."""
    if report_readable_by_public(report):
        return settings.LAPOR_PUBLIC_URL + reverse("web:report-detail", args=[report.tracking_code])
    return settings.LAPOR_PUBLIC_URL + reverse("web:track") + f"?kode={report.tracking_code}"


def staff_url(report: Report) -> str:
    return settings.LAPOR_PUBLIC_URL + reverse("staff:report", args=[report.tracking_code])


def _message(report: Report, title: str, body: str, url: str) -> dict:
    return {
        "title": _clip(title, 120),
        "body": _clip(body),
        "url": url,
        "tag": f"report-{report.tracking_code}",
        "code": report.tracking_code,
    }


def _reporter_message(update: ReportUpdate) -> dict:
    report = update.report
    said = f"{update.agency.short_name}: {update.message}" if update.agency and update.message else update.message
    if update.kind == ReportUpdate.Kind.COMMENT or not update.new_status:
        title = _("Reply about report %(code)s") % {"code": report.tracking_code}
        body = said
    else:
        title = _("Report %(code)s: %(status)s") % {
            "code": report.tracking_code,
            "status": Status(update.new_status).label,
        }
        body = said or _summary(report)
        if update.new_status == Status.RESOLVED:
            body = f"{_clip(body, 150)} " + _("Open your private link to confirm the fix or reopen the report.")
    return _message(report, title, body, reporter_url(report))


def _pushes(channel: str, report: Report, event: str, subscriptions, make) -> list[Notification]:
    made = []
    for subscription in subscriptions:
        with translation.override(subscription.language):
            message = make()
        made.append(
            Notification(
                channel=channel,
                report=report,
                agency=report.agency,
                event=event,
                payload={"subscription": subscription.pk, "message": message},
            )
        )
    return made


def reporter_pushes(update: ReportUpdate) -> list[Notification]:
    """A public change (status or reply) to every browser following the report: not the reporter's
    own doing (confirm, reopen), which they made in that browser."""
    if update.is_internal or update.actor_role == ReportUpdate.Role.REPORTER:
        return []
    subscriptions = PushSubscription.objects.filter(report=update.report)
    return _pushes(Channel.REPORTER_PUSH, update.report, update.kind, subscriptions, lambda: _reporter_message(update))


def assignee_pushes(report: Report, assignee, actor=None) -> list[Notification]:
    """The staff member a report was assigned to (unless they took it themselves)."""
    if assignee is None or (actor is not None and actor.pk == assignee.pk):
        return []

    def make() -> dict:
        title = _("Assigned to you: %(code)s") % {"code": report.tracking_code}
        body = _("%(summary)s. Resolve by %(due)s.") % {"summary": _summary(report), "due": _due(report)}
        return _message(report, title, body, staff_url(report))

    subscriptions = PushSubscription.objects.filter(user=assignee)
    return _pushes(Channel.STAFF_PUSH, report, "assigned", subscriptions, make)


def supervisor_pushes(report: Report) -> list[Notification]:
    """The supervisors of the agency handling a report that has just gone overdue."""
    if report.agency_id is None:
        return []
    supervisors = Membership.objects.filter(agency_id=report.agency_id, role=Membership.Role.SUPERVISOR)

    def make() -> dict:
        title = _("Overdue: %(code)s") % {"code": report.tracking_code}
        body = _("%(summary)s. Due by %(due)s, still %(status)s.") % {
            "summary": _summary(report),
            "due": _due(report),
            "status": Status(report.status).label,
        }
        return _message(report, title, body, staff_url(report))

    subscriptions = PushSubscription.objects.filter(user__in=supervisors.values("user"))
    return _pushes(Channel.STAFF_PUSH, report, "overdue", subscriptions, make)
