"""Co-handling (tembusan): a report copied to other agencies, e.g. a road collapse over a PDAM main,
which DPUPR leads while the water utility must see it too. A copied agency reads the report and may
reply and note (geo_reports.policy); the leading agency alone changes its status and deadline.

Copies come from a routing rule naming co-handling agencies (at creation) or from the leading
agency's staff. Each is a public timeline entry naming the agency (the public sees who is
involved), an audit entry for staff's own copies, and the report_co_handling_added event, on which
the notifications app tells the agency by its own delivery.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from districts.models import Agency

from .. import events
from ..models import Report, ReportCoHandler, ReportUpdate
from ..models.reports import Channel
from ..routing import RoutingDecision
from ..workflow import TransitionError
from .base import Role, report_locked
from .handling import audit_record


def _entry(report: Report, *, kind: str, agency: Agency, actor, role: str, reason: str) -> None:
    ReportUpdate.objects.create(
        report=report,
        kind=kind,
        actor=actor,
        actor_role=role,
        agency=agency,  # the agency the entry is about: the public timeline names it
        data={"reason": reason} if reason else {},
    )


def _add(report: Report, agency: Agency, *, actor, role: str, reason: str) -> ReportCoHandler:
    try:
        with transaction.atomic():
            co_handler = ReportCoHandler.objects.create(report=report, agency=agency, added_by=actor, reason=reason)
    except IntegrityError:
        raise TransitionError(
            _("%(agency)s already co-handles this report.") % {"agency": agency.name}, "already_co_handling", "agency"
        ) from None
    _entry(report, kind=ReportUpdate.Kind.CO_HANDLING_ADDED, agency=agency, actor=actor, role=role, reason=reason)
    if report.channel != Channel.DEMO:  # demo data tells nobody
        events.report_co_handling_added.send(sender=__name__, report=report, agency=agency)
    return co_handler


def co_handlers_from_rule(report: Report, decision: RoutingDecision) -> list[ReportCoHandler]:
    """At creation: the co-handling agencies named by the routing rule that routed the report."""
    if decision.rule is None:
        return []
    agencies = [a for a in decision.rule.co_handlers.filter(is_active=True) if a.pk != report.agency_id]
    reason = decision.rule.note  # the rule's own note says why, if anything does
    return [_add(report, agency, actor=None, role=Role.SYSTEM, reason=reason) for agency in agencies]


@transaction.atomic
def report_co_handler_add(
    *, report_id: int, actor, role: str, actor_agency: Agency | None, agency: Agency, reason: str = ""
) -> ReportCoHandler:
    """Copy the report to another agency."""
    report = report_locked(report_id, None)
    if agency.pk == report.agency_id:
        raise TransitionError(_("This agency already leads the report."), "lead_agency", "agency")
    co_handler = _add(report, agency, actor=actor, role=role, reason=reason.strip())
    audit_record(report, actor, role, "co_handle:add", {}, agency=agency.code, reason=reason.strip())
    return co_handler


@transaction.atomic
def report_co_handler_remove(
    *, report_id: int, actor, role: str, actor_agency: Agency | None, agency: Agency, reason: str = ""
) -> None:
    """Stop copying the report to an agency: it no longer reads it (its earlier replies stay)."""
    report = report_locked(report_id, None)
    removed, _count = ReportCoHandler.objects.filter(report=report, agency=agency).delete()
    if not removed:
        raise TransitionError(
            _("%(agency)s does not co-handle this report.") % {"agency": agency.name}, "not_co_handling", "agency"
        )
    _entry(report, kind=ReportUpdate.Kind.CO_HANDLING_ENDED, agency=agency, actor=actor, role=role, reason=reason)
    audit_record(report, actor, role, "co_handle:remove", {"agency": agency.code}, reason=reason.strip())
