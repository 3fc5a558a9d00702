"""The report core's periodic jobs (registered in GeoReportsConfig.ready(), run by `manage.py
housekeeping`): newly overdue reports are announced once (report_overdue: supervisors are told),
resolved reports close themselves after the confirmation window, rate counters of closed windows
are forgotten, and reporters' contacts are removed once the retention period after a report ended
has passed (services.contact)."""

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _

from .. import abuse, events
from ..models import Report, Status
from ..workflow import OPEN_STATUSES
from .base import Role
from .contact import contacts_retention_erase
from .handling import report_transition

BATCH = 500


def reports_overdue_announce(now: dt.datetime) -> int:
    announced = 0
    for report in Report.objects.filter(
        status__in=OPEN_STATUSES, resolve_due__lt=now, overdue_notified_at__isnull=True
    ).select_related("category", "agency", "desa", "kecamatan")[:BATCH]:
        Report.objects.filter(pk=report.pk).update(overdue_notified_at=now)
        events.report_overdue.send(sender=__name__, report=report)
        announced += 1
    return announced


def reports_auto_close(now: dt.datetime) -> int:
    window = dt.timedelta(days=settings.LAPOR_AUTO_CLOSE_DAYS)
    closed = 0
    for report_id in Report.objects.filter(status=Status.RESOLVED, resolved_at__lt=now - window).values_list(
        "pk", flat=True
    )[:BATCH]:
        report_transition(
            report_id=report_id,
            new_status=Status.CLOSED,
            role=Role.SYSTEM,
            expected_version=None,
            message=_("Closed automatically %(days)d days after it was resolved.")
            % {"days": settings.LAPOR_AUTO_CLOSE_DAYS},
        )
        closed += 1
    return closed


JOBS = {
    "overdue": reports_overdue_announce,
    "closed": reports_auto_close,
    "rate_counters_forgotten": abuse.forget_old_counters,
    "contacts_expired": contacts_retention_erase,
}
