"""What a reader may take out of the platform."""

from django.db.models import Q, QuerySet

from districts.models import Area
from districts.selectors import is_staff_member, staff_agencies
from geo_reports.models import Report, Status
from geo_reports.selectors import PUBLIC_REPORTS, report_public


def report_export_scope(user) -> tuple[QuerySet[Report], object]:
    """What a reader may export: (reports, agencies whose reports they may see privately).

    Anyone: public reports, no private fields. Agency staff: also their agencies' reports, with the
    private fields of those. Planners and administrators: everything, private fields included.
    """
    agencies = staff_agencies(user) if is_staff_member(user) else []
    if agencies is None:
        return Report.objects.all(), "all"
    if agencies:
        return Report.objects.filter(PUBLIC_REPORTS | Q(agency__in=agencies)), agencies
    return report_public(), None


def report_resolved_recent(*, area: Area | None = None) -> QuerySet[Report]:
    """Public reports resolved (closed ones included), latest resolution first; `area`: in that desa or
    kelurahan, or kecamatan."""
    reports = report_public().filter(status__in=[Status.RESOLVED, Status.CLOSED], resolved_at__isnull=False)
    if area is not None:
        reports = reports.filter(Q(desa=area) | Q(kecamatan=area))
    return reports.select_related("category", "desa").order_by("-resolved_at", "-id")
