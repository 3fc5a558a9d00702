"""Staff's changes to a report: status (with an after-photo), re-routing, replies and notes,
assignment. Each is one transaction on the locked report, checked against its version, leaving a
timeline entry and an audit entry (before and after); public changes are announced by the
report_updated event."""

import datetime as dt

from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.models import Agency, Membership

from .. import events
from ..models import AuditEntry, Category, Report, ReportUpdate, Status
from ..personal_data import mask
from ..photos import ProcessedPhoto
from ..routing import RoutingDecision, explain, route
from ..selectors import report_readable_by_public
from ..workflow import TransitionError, check_transition
from .base import STAFF_ROLES, Role, category_set, deadlines_set, decision_apply, photo_store, report_locked


def masked_message(message: str) -> tuple[str, dict]:
    """A reporter's message for the public timeline, and the data that keeps its original for staff."""
    result = mask(message)
    if not result.found:
        return message, {}
    return result.text, {"message_original": message, "masked": list(result.kinds)}


def _snapshot(report: Report) -> dict:
    return {
        "status": report.status,
        "agency": report.agency.code if report.agency_id else None,
        "category": report.category.code,
        "assigned_to": report.assigned_to.get_username() if report.assigned_to_id else None,
        "location": [round(report.location.x, 7), round(report.location.y, 7)],
        "version": report.version,
    }


def audit_record(report: Report, actor, role: str, action: str, before: dict, **extra) -> None:
    """Staff actions only: citizens and the system leave the timeline, not the audit log."""
    if role not in STAFF_ROLES:
        return
    AuditEntry.objects.create(
        report=report, actor=actor, actor_role=role, action=action, before=before, after={**_snapshot(report), **extra}
    )


@transaction.atomic
def report_transition(
    *,
    report_id: int,
    new_status: str,
    actor=None,
    role: str,
    actor_agency: Agency | None = None,
    expected_version: int | None,
    message: str = "",
    duplicate_of: Report | None = None,
    refer_to: Agency | None = None,
    category: Category | None = None,
    photo: ProcessedPhoto | None = None,
    at: dt.datetime | None = None,
) -> Report:
    """Move the report to `new_status`. A referral goes to `refer_to`, under `category` when the
    receiving agency files it under another one (its deadlines then follow that category)."""
    report = report_locked(report_id, expected_version)
    check_transition(report.status, new_status, by_reporter=role == Role.REPORTER, by_system=role == Role.SYSTEM)
    before = _snapshot(report)
    data = {}
    if new_status == Status.REJECTED and not message.strip():
        raise TransitionError(_("Give the reason for rejecting the report."), "reason_required", "message")
    if new_status == Status.DUPLICATE:
        if duplicate_of is None:
            raise TransitionError(
                _("Name the original report this one duplicates."), "original_required", "duplicate_of"
            )
        if duplicate_of.pk == report.pk:
            raise TransitionError(_("A report cannot duplicate itself."), "original_is_self", "duplicate_of")
        if not (report_readable_by_public(duplicate_of) or duplicate_of.agency_id == report.agency_id):
            # Its id would be shown as the public parent (Open311's extensions): another agency's
            # private request, or one hidden by staff, cannot be named.
            raise TransitionError(
                _("The original must be a report the public can see, or one of the same agency."),
                "original_not_public",
                "duplicate_of",
            )
        report.duplicate_of = duplicate_of
        data["duplicate_of"] = duplicate_of.tracking_code
    if new_status == Status.REFERRED:
        if refer_to is None:
            raise TransitionError(_("Choose the agency to refer the report to."), "agency_required", "agency")
        if refer_to.pk == report.agency_id:
            raise TransitionError(_("The report is already with this agency."), "same_agency", "agency")
        if category is not None and category.pk != report.category_id:
            if report.geometry.geom_type not in category.geometry_kinds:
                raise TransitionError(
                    _("The category %(category)s does not take this kind of location.") % {"category": category.label},
                    "geometry_type_not_allowed",
                    "category",
                )
            data["category"] = {"before": report.category.code, "after": category.code}
            category_set(report, category)
            deadlines_set(report)
            if report.asset_id and report.asset.layer_id != category.asset_layer_id:
                # The asset belongs to the old category's layer: it no longer explains where the report is.
                report.asset, report.asset_distance_m = None, None
        data.update(_refer(report, refer_to))
    elif category is not None and category.pk != report.category_id:
        raise TransitionError(
            _("Change the category with a referral, or by routing the report again."), "category_not_here", "category"
        )

    if role == Role.REPORTER:  # a reporter's words reach the public timeline: personal data masked first
        message, kept = masked_message(message)
        data.update(kept)
    now = at or timezone.now()
    old_status = report.status
    report.status = new_status
    if role in STAFF_ROLES and report.first_response_at is None:
        report.first_response_at = now
    if new_status == Status.RESOLVED:
        report.resolved_at = now
    elif new_status == Status.CLOSED:
        report.closed_at = now
    elif new_status == Status.REOPENED:
        report.resolved_at = None
    report.version += 1
    report.save()
    update = ReportUpdate.objects.create(
        report=report,
        kind=ReportUpdate.Kind.STATUS,
        actor=actor,
        actor_role=role,
        agency=actor_agency,
        old_status=old_status,
        new_status=new_status,
        message=message.strip(),
        data=data,
        created_at=now,
    )
    if photo is not None:
        photo_store(report, photo, update=update)
    audit_record(report, actor, role, f"status:{new_status}", before, message=update.message)
    events.report_updated.send(sender=__name__, update=update)
    return report


def _refer(report: Report, agency: Agency) -> dict:
    """Re-route to another agency by a person's decision, keeping the spatial facts."""
    previous = report.agency
    decision = RoutingDecision(
        category=report.category,
        geometry=report.geometry,
        point=report.location,
        agency=agency,
        reason="referred",
        desa=report.desa,
        kecamatan=report.kecamatan,
        asset=report.asset,
        distance_m=report.asset_distance_m,
        flags=list(report.routing.get("flags", [])),
    )
    explain(decision, previous=previous)
    before = report.routing
    routing = decision.as_data()
    routing["alternatives"] = before.get("alternatives", routing["alternatives"])
    routing["previous_agency"] = previous.code if previous else None
    report.agency = agency
    report.routing = routing
    report.routing_explanation = decision.explanation[:500]
    report.routing_explanation_en = decision.explanation_en[:500]
    return {
        "from_agency": previous.code if previous else None,
        "to_agency": agency.code,
        "explanation": decision.explanation,
        "explanation_en": decision.explanation_en,
    }


@transaction.atomic
def report_reroute(
    *,
    report_id: int,
    actor=None,
    role: str,
    actor_agency: Agency | None = None,
    expected_version: int | None,
    geometry: GEOSGeometry | None = None,
    category: Category | None = None,
    message: str = "",
) -> Report:
    """Staff moved the pin or changed the category: route again and record why."""
    report = report_locked(report_id, expected_version)
    audit_before = _snapshot(report)
    before = {
        "category": report.category.code,
        "agency": report.agency.code if report.agency else None,
        "location": list(report.location.coords),
        "explanation": report.routing_explanation,
    }
    decision = route(category=category or report.category, geometry=geometry or report.geometry)
    category_changed = decision.category.pk != report.category_id
    decision_apply(report, decision)
    if category_changed:
        deadlines_set(report)
    report.version += 1
    report.save()
    ReportUpdate.objects.create(
        report=report,
        kind=ReportUpdate.Kind.REROUTED,
        actor=actor,
        actor_role=role,
        agency=actor_agency,
        message=message.strip(),
        data={
            "before": before,
            "after": {
                "category": decision.category.code,
                "agency": decision.agency.code if decision.agency else None,
                "location": list(decision.point.coords),
            },
            "explanation": decision.explanation,
            "explanation_en": decision.explanation_en,
        },
    )
    audit_record(report, actor, role, "reroute", audit_before)
    return report


@transaction.atomic
def report_comment(
    *,
    report_id: int,
    actor=None,
    role: str,
    actor_agency: Agency | None = None,
    message: str,
    internal: bool,
    at: dt.datetime | None = None,
) -> ReportUpdate:
    if not message.strip():
        raise TransitionError(_("Write a message."), "message_required", "message")
    now = at or timezone.now()
    report = report_locked(report_id, None)
    before = _snapshot(report)
    if not internal and role in STAFF_ROLES and report.first_response_at is None:
        report.first_response_at = now
        report.save(update_fields=["first_response_at", "updated_at"])
    update = ReportUpdate.objects.create(
        report=report,
        kind=ReportUpdate.Kind.NOTE if internal else ReportUpdate.Kind.COMMENT,
        actor=actor,
        actor_role=role,
        agency=actor_agency,
        message=message.strip(),
        is_internal=internal,
        created_at=now,
    )
    audit_record(report, actor, role, "note" if internal else "reply", before, message=update.message)
    events.report_updated.send(sender=__name__, update=update)
    return update


@transaction.atomic
def report_assign(
    *, report_id: int, actor, role: str, actor_agency: Agency | None = None, expected_version: int | None, assignee
) -> Report:
    """Give the report to a crew member (or operator) of the agency handling it; None unassigns."""
    report = report_locked(report_id, expected_version)
    if (
        assignee is not None
        and not Membership.objects.filter(
            user=assignee, agency_id=report.agency_id, role__in=Membership.AGENCY_ROLES
        ).exists()
    ):
        raise TransitionError(_("Assign the report to someone of the agency handling it."), "not_a_member", "assignee")
    before = _snapshot(report)
    report.assigned_to = assignee
    report.version += 1
    report.save(update_fields=["assigned_to", "version", "updated_at"])
    ReportUpdate.objects.create(
        report=report,
        kind=ReportUpdate.Kind.ASSIGNED,
        actor=actor,
        actor_role=role,
        agency=actor_agency,
        is_internal=True,  # a person's name stays inside the agency
        data={"assignee": assignee.get_username() if assignee else None},
    )
    audit_record(report, actor, role, "assign", before)
    events.report_assigned.send(sender=__name__, report=report, assignee=assignee, actor=actor)
    return report
