"""A reporter's contact taken off reports, in one place for every way it happens: the reporter asks
through the private link, a chat asks ("hapus data saya", chat.services.erasure), or the retention
period after a report was closed has passed (housekeeping). The reports stay, without the contact.

Each report that loses something gets one internal timeline entry (staff see why the contact is
gone; the public timeline never shows it), and `events.report_contact_erased` lets the apps that
copied the contact (notifications) remove their copies in the same transaction."""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import translation
from django.utils.translation import gettext as _

from .. import events
from ..models import Report, ReporterContact, ReportUpdate, Status

Role = ReportUpdate.Role
CONTACT_FIELDS = ("name", "phone", "email", "chat_platform", "chat_id")
CHAT_FIELDS = ("phone", "chat_platform", "chat_id")  # what a chat brought; a name or e-mail was typed on the web
# A report whose handling has ended: its contact is kept LAPOR_CONTACT_RETENTION_DAYS after that.
ENDED_STATUSES = (Status.CLOSED, Status.REJECTED, Status.DUPLICATE)
BATCH = 500


class Reason:
    REPORTER = "reporter"  # through the private link
    CHAT = "chat"  # "hapus data saya" in a chat
    RETENTION = "retention"  # the retention period after the report ended passed


def _note(reason: str) -> str:
    """The timeline entry's text, in the city's language: staff read the timeline in it."""
    with translation.override(settings.LANGUAGE_CODE):
        if reason == Reason.REPORTER:
            return _("The reporter erased their contact details through the private link.")
        if reason == Reason.CHAT:
            return _('The reporter erased their chat contact ("hapus data saya").')
        return _("Contact details removed %(days)d days after the report was closed, as the privacy notice says.") % {
            "days": settings.LAPOR_CONTACT_RETENTION_DAYS
        }


def _holding(fields: Sequence[str]) -> Q:
    held = Q()
    for field in fields:
        held |= ~Q(**{field: ""})
    return held


def report_has_contact(report: Report) -> bool:
    """Whether anything of the reporter's contact is still kept with the report."""
    return ReporterContact.objects.filter(_holding(CONTACT_FIELDS), report_id=report.pk).exists()


@transaction.atomic
def reporter_contacts_erase(
    *, report_ids: Iterable[int], reason: str, fields: Sequence[str] = CONTACT_FIELDS, role: str = Role.REPORTER
) -> list[int]:
    """Blank `fields` of these reports' contacts (a contact left with nothing is deleted), note it on
    each report's timeline for staff, and tell the apps holding copies. Returns the reports that lost
    something: none when there was nothing left to erase, so asking twice changes nothing."""
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"not contact fields: {sorted(unknown)}")
    contacts = ReporterContact.objects.select_for_update().filter(_holding(fields), report_id__in=list(report_ids))
    erased = sorted(contacts.values_list("report_id", flat=True))
    if not erased:
        return []
    ReporterContact.objects.filter(report_id__in=erased).update(**dict.fromkeys(fields, ""))
    ReporterContact.objects.filter(report_id__in=erased, **dict.fromkeys(CONTACT_FIELDS, "")).delete()
    message = _note(reason)
    ReportUpdate.objects.bulk_create(
        ReportUpdate(
            report_id=report_id,
            kind=ReportUpdate.Kind.NOTE,
            actor_role=role,
            is_internal=True,  # a contact, and that there was one, is staff's business only
            message=message,
            data={"contact_erased": list(fields), "reason": reason},
        )
        for report_id in erased
    )
    events.report_contact_erased.send(sender=__name__, report_ids=erased)
    return erased


def contacts_retention_erase(now: dt.datetime) -> int:
    """Housekeeping: the contacts of reports that were closed, rejected or marked a duplicate more
    than LAPOR_CONTACT_RETENTION_DAYS ago. Open reports, and resolved ones still waiting for the
    reporter, keep theirs: the agency may need to reach the reporter."""
    cutoff = now - dt.timedelta(days=settings.LAPOR_CONTACT_RETENTION_DAYS)
    # A report enters an ended status once (nothing leads out of one): that entry dates the end.
    ended_before = ReportUpdate.objects.filter(
        report_id=OuterRef("report_id"), new_status=OuterRef("report__status"), created_at__lt=cutoff
    )
    due = (
        ReporterContact.objects.filter(
            _holding(CONTACT_FIELDS), Exists(ended_before), report__status__in=ENDED_STATUSES
        )
        .order_by("report_id")
        .values_list("report_id", flat=True)[:BATCH]
    )
    return len(reporter_contacts_erase(report_ids=list(due), reason=Reason.RETENTION, role=Role.SYSTEM))
