"""A reporter's contact erased (geo_reports.events.report_contact_erased): the copies notifications
hold go too. Messages to the reporter still waiting are not sent (there is nobody to tell); what
was sent keeps its record without the address; an agency's webhook or Open311 copy waiting to be
sent goes without the reporter's name, phone and e-mail. The browsers following the reports by Web
Push are forgotten (their subscriptions deleted)."""

from django.db import transaction

from .models import Notification
from .push import push_report_subscriptions_delete

Channel = Notification.Channel
TO_REPORTER = (Channel.REPORTER_EMAIL, Channel.REPORTER_WEBHOOK, Channel.REPORTER_PUSH)


def _without_contact(notification: Notification) -> dict:
    payload = dict(notification.payload)
    if notification.channel == Channel.REPORTER_EMAIL:
        payload["to"] = ""
    elif notification.channel == Channel.REPORTER_WEBHOOK:
        payload["body"] = {**payload.get("body", {}), "phone": ""}
    elif notification.channel == Channel.AGENCY_WEBHOOK:
        body = dict(payload.get("body", {}))
        if isinstance(body.get("report"), dict) and body["report"].get("reporter"):
            body["report"] = {**body["report"], "reporter": None}
        payload["body"] = body
    elif notification.channel == Channel.AGENCY_OPEN311:
        payload["form"] = {**payload.get("form", {}), "first_name": "", "email": "", "phone": ""}
    return payload


@transaction.atomic
def notifications_contact_erase(*, report_ids: list[int]) -> int:
    """Take the reporter's contact out of these reports' notifications; how many were changed."""
    changed = 0
    holding = (*TO_REPORTER, Channel.AGENCY_WEBHOOK, Channel.AGENCY_OPEN311)
    for notification in Notification.objects.select_for_update().filter(report_id__in=report_ids, channel__in=holding):
        fields = ["payload"]
        notification.payload = _without_contact(notification)
        if notification.channel in TO_REPORTER and notification.state == Notification.State.QUEUED:
            notification.state = Notification.State.FAILED
            notification.last_error = "Not sent: the reporter's contact was erased."
            fields += ["state", "last_error"]
        notification.save(update_fields=fields)
        changed += 1
    return changed


def on_report_contact_erased(sender, *, report_ids, **kwargs) -> None:
    notifications_contact_erase(report_ids=report_ids)
    push_report_subscriptions_delete(report_ids=report_ids)
