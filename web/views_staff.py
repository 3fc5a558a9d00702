"""Staff pages: the agency inbox, a report's working page, and the field crew's "nearest" page.
They read through selectors and check geo_reports.policy; every action goes through the staff API,
whose confirmation the next page shows (Django's messages)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie

from districts.models import Agency, Membership
from districts.selectors import (
    city_bounds,
    is_staff_member,
    local_area_points,
    memberships,
    staff_agencies,
    staff_display_name,
)
from geo_reports import policy, selectors
from geo_reports.models import HiddenReason, Status
from geo_reports.serializers.inputs import InboxQuerySerializer
from geo_reports.serializers.outputs import CategorySerializer
from geo_reports.serializers.staff import ReportStaffSerializer
from geo_reports.services.base import normalize_tracking_code
from geo_reports.services.moderation import public_text_answers
from geo_reports.workflow import OPEN_STATUSES, TRANSITIONS

from .exports import export_links
from .strings_staff import staff_strings
from .views import api_urls

# Moves that end the work on a report: the page asks once more before sending them.
FINAL_MOVES = {Status.REJECTED, Status.DUPLICATE, Status.RESOLVED}


def _staff_only(request):
    if not is_staff_member(request.user):
        raise PermissionDenied


def _staff_api_urls() -> dict[str, str]:
    return {
        **api_urls(),
        "nearby": reverse("geo_reports:report-nearby"),
        "staff_report_page": reverse("staff:report", args=["CODE"]),
        "inbox_page": reverse("staff:inbox"),
    }


@never_cache
@login_required
def start(request):
    """Where staff land after signing in: a field crew's tickets, everyone else's inbox."""
    _staff_only(request)
    roles = {m.role for m in memberships(request.user)}
    return redirect("staff:nearby" if roles == {Membership.Role.CREW} else "staff:inbox")


# A page of the inbox: on a phone, 50 cards are a long scroll already.
INBOX_PAGE_SIZE = 50


@never_cache
@login_required
def inbox(request):
    _staff_only(request)
    # The API's parameters (geo_reports.serializers.inputs); a link with a bad one shows the default view.
    query = InboxQuerySerializer(data=request.GET, context={"user": request.user})
    valid = query.is_valid()
    values = query.validated_data if valid else InboxQuerySerializer.defaults_for(request.user)
    agencies = values["agencies"]
    reports = selectors.report_inbox(
        agencies=agencies,
        statuses=values["status"],
        overdue=values["overdue"],
        needs_review=values["needs_review"],
        order=values["order"],
    )
    page = Paginator(reports, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    moment = timezone.now()
    rows = [
        {
            "report": report,
            "assignee": staff_display_name(report.assigned_to, agency=report.agency) if report.assigned_to_id else "",
            "overdue": bool(report.status in OPEN_STATUSES and report.resolve_due and report.resolve_due < moment),
            "co_handled": getattr(report, "co_handled", False),
        }
        for report in page.object_list
    ]
    mine = staff_agencies(request.user)  # None: city-wide roles read every agency's inbox
    chosen = request.GET.get("agency", "") if valid else ""
    export_query = {}
    if values["status"]:
        export_query["status"] = ",".join(values["status"])
    if agencies is not None:
        export_query["agency"] = ",".join(agency.code for agency in agencies)
    return render(
        request,
        "web/staff/inbox.html",
        {
            "nav": "staff",
            "city_wide": mine is None,
            # A planner reads every agency's reports and changes none; an administrator may change them.
            "reads_only": mine is None and policy.Role.ADMIN not in policy.roles_for(request.user, None),
            "agency_choices": Agency.objects.filter(is_active=True).order_by("name") if mine is None else mine,
            "agency": chosen,
            "rows": rows,
            "page": page,
            "counts": selectors.inbox_counts(agencies=agencies),  # of the agency chosen, else of all mine
            "statuses": Status.choices,
            "status": (request.GET.get("status", "") if valid else "").strip(),
            "overdue": values["overdue"],
            "needs_review": values["needs_review"],
            "order": values["order"],
            "exports": export_links(export_query),
        },
    )


@never_cache
@ensure_csrf_cookie
@login_required
def report(request, code: str):
    _staff_only(request)
    found = selectors.report_staff_detail().filter(tracking_code=normalize_tracking_code(code)).first()
    if found is None:
        raise Http404
    acting = policy.acting_as(request.user, found, policy.Action.READ_PRIVATE)
    if acting is None:
        raise PermissionDenied
    allowed = {action for action in policy.Action if policy.can(request.user, found, action)}
    moves = [
        (status, label, status in FINAL_MOVES)
        for status, label in Status.choices
        if status in TRANSITIONS[found.status] and policy.STATUS_ACTIONS.get(status) in allowed
    ]
    crew = Membership.objects.filter(agency=found.agency, role__in=Membership.AGENCY_ROLES).select_related("user")
    assignable = sorted({m.user for m in crew}, key=lambda u: (u.get_full_name() or u.get_username()).lower())
    co_handlers = selectors.report_co_handler_list(found)
    copied = {c.agency_id for c in co_handlers} | {found.agency_id}
    categories = selectors.category_list()
    feature = ReportStaffSerializer(found, context={"request": request, "asset_geometry": True}).data
    public_answers = feature["properties"]["public_answers"]
    return render(
        request,
        "web/staff/report.html",
        {
            "nav": "staff",
            "report": found,
            "feature": feature,
            "co_handling": acting.co_handling,
            "acting_agency": acting.agency,
            "timeline": [
                {"entry": entry, "actor": staff_display_name(entry.actor) if entry.actor_id else ""}
                for entry in found.all_updates
            ],
            "answers": selectors.report_answer_rows(found, private=True, staff=True),
            "assignee": staff_display_name(found.assigned_to, agency=found.agency) if found.assigned_to_id else "",
            "moves": moves,
            "can": {action.value: True for action in allowed},
            "agencies": Agency.objects.filter(is_active=True).exclude(pk=found.agency_id).order_by("name"),
            "co_handlers": co_handlers,
            "co_handler_choices": Agency.objects.filter(is_active=True).exclude(pk__in=copied).order_by("name"),
            "assignable": [(user, staff_display_name(user, agency=found.agency)) for user in assignable],
            "categories": categories,
            "editable_answers": [
                (question.code, question.localized("label"), public_answers.get(question.code, ""))
                for question in public_text_answers(found.category)
                if question.code in found.answers
            ],
            "hidden_reasons": HiddenReason.choices,
            "page_config": {
                "api": _staff_api_urls(),
                "bounds": city_bounds(),
                "report": {
                    "id": found.pk,
                    "code": found.tracking_code,
                    "version": found.version,
                    "geometry": feature["geometry"],
                    "category": found.category.code,
                    "agency": found.agency.code if found.agency_id else None,
                },
                "categories": CategorySerializer(categories, many=True).data,
                "strings": staff_strings(),
            },
        },
    )


@never_cache
@ensure_csrf_cookie
@login_required
def nearby(request):
    _staff_only(request)
    areas = local_area_points()
    return render(
        request,
        "web/staff/nearby.html",
        {
            "nav": "nearby",
            "areas": areas,
            "page_config": {
                "api": _staff_api_urls(),
                "bounds": city_bounds(),
                "areas": areas,
                "strings": staff_strings(),
                # Working without a signal (static/web/js/crew.js): whose tickets and queued changes
                # the phone keeps (cleared on sign-out), and how an after-photo is made smaller.
                "crew": {
                    "user": request.user.pk,
                    "photo_upload": {
                        "side": settings.LAPOR_PHOTO_UPLOAD_SIDE,
                        "quality": settings.LAPOR_PHOTO_UPLOAD_QUALITY,
                    },
                },
            },
        },
    )
