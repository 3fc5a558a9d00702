"""What the reporter does through their private link (confirm the fix, reopen, rate, erase their
contact), and the public's "+1"."""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ApplicationError

from .. import abuse, events
from ..models import Report, ReportSupport, ReportUpdate, Status
from ..workflow import OPEN_STATUSES, TransitionError
from .base import Role, report_locked, reporter_token_matches
from .contact import Reason, reporter_contacts_erase
from .handling import report_transition


class ReporterError(ApplicationError):
    """The reporter's action cannot be done: a wrong private link (403), or a state that does not
    allow it (400)."""

    def __init__(self, message, code: str, field: str = "token"):
        super().__init__(message, code=code, field=field, status=403 if code == "bad_token" else 400)


def report_support(*, report: Report, supporter_key: str) -> bool:
    """A "+1" from a device or account; True when it counted, False when it had counted before."""
    if report.status not in OPEN_STATUSES:
        raise TransitionError(_("Only open reports can be supported."), "not_open", "report")
    supporter_hash = hashlib.sha256(f"{settings.SECRET_KEY}:{supporter_key}".encode()).hexdigest()
    try:
        with transaction.atomic():
            ReportSupport.objects.create(report=report, supporter_hash=supporter_hash)
            Report.objects.filter(pk=report.pk).update(support_count=F("support_count") + 1)
    except IntegrityError:
        return False
    return True


def _own_report(report_id: int, token: str) -> Report:
    report = report_locked(report_id, None)
    if not reporter_token_matches(report, token):
        raise ReporterError(_("This private link is not valid for this report."), "bad_token")
    return report


@transaction.atomic
def report_reporter_confirm(*, report_id: int, token: str, message: str = "") -> Report:
    report = _own_report(report_id, token)
    return report_transition(
        report_id=report.pk,
        new_status=Status.CLOSED,
        role=Role.REPORTER,
        expected_version=None,
        message=message,
    )


@transaction.atomic
def report_reporter_reopen(*, report_id: int, token: str, message: str) -> Report:
    report = _own_report(report_id, token)
    if report.status == Status.RESOLVED and report.resolved_at is not None:
        window = dt.timedelta(days=settings.LAPOR_REOPEN_DAYS)
        if timezone.now() - report.resolved_at > window:
            raise ReporterError(
                _("A report can be reopened only within %(days)d days of being resolved.")
                % {"days": settings.LAPOR_REOPEN_DAYS},
                "reopen_window_passed",
                "status",
            )
    if not message.strip():
        raise ReporterError(_("Say what is still wrong."), "message_required", "message")
    return report_transition(
        report_id=report.pk,
        new_status=Status.REOPENED,
        role=Role.REPORTER,
        expected_version=None,
        message=message,
    )


@transaction.atomic
def report_rate(*, report_id: int, token: str, rating: int) -> Report:
    report = _own_report(report_id, token)
    if report.status not in (Status.RESOLVED, Status.CLOSED):
        raise ReporterError(_("A report can be rated once it is resolved."), "not_resolved", "rating")
    if not 1 <= rating <= 5:
        raise ReporterError(_("Give a rating from 1 to 5."), "rating_range", "rating")
    report.rating = rating
    report.save(update_fields=["rating", "updated_at"])
    ReportUpdate.objects.create(
        report=report, kind=ReportUpdate.Kind.RATED, actor_role=Role.REPORTER, data={"rating": rating}
    )
    return report


@transaction.atomic
def report_contact_erase(*, report_id: int, token: str) -> bool:
    """The reporter takes their name, phone, e-mail and chat id off the report (the privacy notice's
    promise). True when something was erased; asking again changes nothing."""
    report = _own_report(report_id, token)
    return bool(reporter_contacts_erase(report_ids=[report.pk], reason=Reason.REPORTER))


# The private link may be e-mailed to the reporter this often per report and hour.
LINK_EMAILS_PER_HOUR = 3


@transaction.atomic
def report_private_link_email(*, report_id: int, token: str) -> None:
    """The reporter asks for the private link by e-mail (to the address they gave with the report):
    the notifications app sends it through the worker. The token proves the asker holds the link."""
    report = _own_report(report_id, token)
    contact = getattr(report, "contact", None)
    if contact is None or not contact.email:
        raise ReporterError(_("No e-mail address was given with this report."), "no_email", "action")
    abuse.count_and_check(key=f"link-email:{report.pk}", limit=LINK_EMAILS_PER_HOUR)
    events.reporter_link_requested.send(sender=__name__, report=report, token=token)
